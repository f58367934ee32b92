"""
Certificates as signed Open Badges 3.0 credentials that any standard verifier accepts.

Pure functions, no database: the JSON-LD contexts bundled in `contexts/` and the loader
that serves only them (`jsonld`), Ed25519 keys as Multikeys (`keys`), the
`eddsa-rdfc-2022` Data Integrity proof (`proofs`), Bitstring Status Lists (`status`) and
the documents themselves: the AchievementCredential, the issuer Profile, the status list
credentials (`documents`). certification.services signs and stores; certification.selectors
publishes.
"""

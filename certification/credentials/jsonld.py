"""
JSON-LD processing with the contexts bundled beside this module, never fetched: a signed
credential's meaning is fixed by the contexts it names, so signing and verifying read the
copies we ship (see contexts/SOURCES.md) and refuse every other context.
"""

import copy
import json
from functools import cache
from pathlib import Path

from pyld import jsonld

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CID_V1 = "https://www.w3.org/ns/cid/v1"

CONTEXT_FILES = {
    VC_V2: "credentials-v2.json",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    CID_V1: "cid-v1.json",
}
CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"


class UnknownContext(Exception):
    """A document names a context the academy does not ship: it is not processed."""


@cache
def _context(url: str) -> dict:
    try:
        name = CONTEXT_FILES[url]
    except KeyError:
        raise UnknownContext(url) from None
    return json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:
    """
    pyld's document loader: the bundled copy of `url`, or UnknownContext. Tagged "static"
    (pyld's word for a context that never changes): pyld then keeps the processed context
    for the life of the process instead of processing it again for every credential, which
    was most of the cost of signing one.
    """
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(_context(url)),
        "tag": "static",
    }


def canonical_nquads(document: dict) -> str:
    """The document's RDF dataset canonicalised (RDFC-1.0, pyld's URDNA2015) as N-Quads."""
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )

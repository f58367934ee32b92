"""
The demo academy (`manage.py seed_demo`): content lives in YAML files under each app's
demo/data/ folder; small loaders read, check and write it. The core's loader (this package)
builds the people, the question bank and the onboarding; the feature apps register their own
loaders in `lms.features` and reuse the builders of `lms.demo.content`.
"""

"""
The case library's part of the demo academy: data/library.yaml (the library page, scenario
types, products, clinics, reading) and every file in data/cases/ (the cases themselves).
Registered with `lms.features.register_demo_loader` in CasesConfig.ready().
"""

"""
Certification's part of the demo academy: data/levels.yaml (levels and exams, the cycle
calendar, the promotion tracks), data/courses.yaml (courses senior agents wrote) and
data/people.yaml (the centre's certification story). Registered with
`lms.features.register_demo_loader` in CertificationConfig.ready().
"""

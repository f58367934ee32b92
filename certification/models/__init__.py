"""
Semiannual skills certification (服务技能认证), the certificates it issues and the promotion
tracks it feeds (职业发展双通道).

An issued certificate is a frozen record: everything printed on it is copied onto the row
when it is issued, so renaming a person, a level or a template later never changes a
certificate someone already holds, and its PDF's SHA-256 stays the one on the page that
verifies it.
"""

from .careers import QADimension, QAScore, Recommendation, TrackStep
from .certificates import (
    STATUS_LIST_RULES,
    BulkIssue,
    Certificate,
    CertificateStatus,
    certificate_status,
    certificate_storage,
)
from .credentials import IssuerKey
from .cycles import (
    LEVEL_NAME_EN,
    LEVEL_NAME_ZH,
    LEVEL_RANK,
    LEVEL_SERIAL,
    Cycle,
    Level,
    LevelCode,
    Registration,
    Result,
)
from .openings import OpeningApplication, OpeningRequirement, PositionOpening
from .proposals import ImprovementProposal, validate_quarter
from .qa_training import QATrainingPlan, QATrainingRule

__all__ = [
    "LEVEL_NAME_EN",
    "LEVEL_NAME_ZH",
    "LEVEL_RANK",
    "LEVEL_SERIAL",
    "STATUS_LIST_RULES",
    "BulkIssue",
    "Certificate",
    "CertificateStatus",
    "Cycle",
    "ImprovementProposal",
    "IssuerKey",
    "Level",
    "LevelCode",
    "OpeningApplication",
    "OpeningRequirement",
    "PositionOpening",
    "QADimension",
    "QAScore",
    "QATrainingPlan",
    "QATrainingRule",
    "Recommendation",
    "Registration",
    "Result",
    "TrackStep",
    "certificate_status",
    "certificate_storage",
    "validate_quarter",
]

"""
Reading certification state for pages, exports and jobs. Writes go through
certification.services. Re-exported here so callers import from one place.
"""

from certification.selectors.cycles import (
    LevelOffer,
    bulk_issue_progress,
    certificates_lapsing,
    certification_offers,
    cycle_open_for_registration,
    cycle_with_open_exam,
    exam_attempt_rules,
    exam_attempts,
    exam_window,
    registration_missing,
)
from certification.selectors.promotion import (
    Check,
    StepOption,
    latest_qa_scores,
    promotion_options_for,
    qa_period_end,
)
from certification.selectors.standing import (
    STANDING_LABELS,
    CertStanding,
    Standing,
    certificates_by_user,
    lapse_timeline,
    last_cycle_with_results,
    level_distribution,
    results_in_cycle,
    score_display,
    standing_of,
    standings_for,
    tenure_months,
)
from certification.selectors.verification import (
    verification_cache_keys,
    verification_cache_seconds,
    verification_lookup,
    verification_page_cache_key,
    verification_status,
    verification_url,
)

__all__ = [
    "STANDING_LABELS",
    "CertStanding",
    "Check",
    "LevelOffer",
    "Standing",
    "StepOption",
    "bulk_issue_progress",
    "certificates_by_user",
    "certificates_lapsing",
    "certification_offers",
    "cycle_open_for_registration",
    "cycle_with_open_exam",
    "exam_attempt_rules",
    "exam_attempts",
    "exam_window",
    "lapse_timeline",
    "last_cycle_with_results",
    "latest_qa_scores",
    "level_distribution",
    "promotion_options_for",
    "qa_period_end",
    "registration_missing",
    "results_in_cycle",
    "score_display",
    "standing_of",
    "standings_for",
    "tenure_months",
    "verification_cache_keys",
    "verification_cache_seconds",
    "verification_lookup",
    "verification_page_cache_key",
    "verification_status",
    "verification_url",
]

"""
Certification rules that change state, each in one place, by capability: registration,
results, issuing (one at a time and in bulk), rendering, revocation and reminders,
recommendations. Reads are in certification.selectors. Re-exported here so callers
import from one place.
"""

from certification.services.announcements import cycle_notices_reconcile, cycle_notices_send
from certification.services.bulk import (
    bulk_issue_finish_if_done,
    bulk_issues_refresh,
    cycle_bulk_issue_run,
    cycle_bulk_issue_start,
)
from certification.services.credentials import (
    certificate_credential_sign,
    certificates_sign_pending,
    issuer_key_record,
)
from certification.services.issuing import (
    TEMPLATE_VERSION,
    certificate_issue,
    certificates_issue,
    verification_code_new,
)
from certification.services.promotion import recommendation_create
from certification.services.registration import registration_create
from certification.services.rendering import (
    certificate_render,
    certificate_render_again,
    certificate_render_enqueue,
    certificates_render,
    certificates_render_pending,
)
from certification.services.results import (
    exam_result_follow,
    result_issue_on_commit,
    result_record_exceptional,
    result_record_from_attempt,
)
from certification.services.revocation import certificate_revoke, certificates_remind_lapsing
from certification.services.verification import verification_cache_clear_on_commit

__all__ = [
    "TEMPLATE_VERSION",
    "bulk_issue_finish_if_done",
    "bulk_issues_refresh",
    "certificate_credential_sign",
    "certificate_issue",
    "certificate_render",
    "certificate_render_again",
    "certificate_render_enqueue",
    "certificate_revoke",
    "certificates_issue",
    "certificates_remind_lapsing",
    "certificates_render",
    "certificates_render_pending",
    "certificates_sign_pending",
    "cycle_bulk_issue_run",
    "cycle_bulk_issue_start",
    "cycle_notices_reconcile",
    "cycle_notices_send",
    "exam_result_follow",
    "issuer_key_record",
    "recommendation_create",
    "registration_create",
    "result_issue_on_commit",
    "result_record_exceptional",
    "result_record_from_attempt",
    "verification_cache_clear_on_commit",
    "verification_code_new",
]

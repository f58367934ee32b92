"""
Background jobs of the certification app. Each takes primary keys, is safe to run twice
and leaves the real work to `certification.services`.
"""

from certification import services


def certificate_issue(result_id: int) -> int | None:
    certificate = services.certificate_issue(result_id=result_id)
    return certificate.pk if certificate else None


def certificate_render(certificate_id: int) -> str | None:
    certificate = services.certificate_render(certificate_id=certificate_id)
    # A render the reconciler queued may be the last one a bulk run was waiting for.
    services.bulk_issues_refresh(certificate_ids=[certificate_id])
    return certificate.render_state if certificate else None


def certificates_render_batch(certificate_ids: list[int]) -> int:
    rendered = len(services.certificates_render(certificate_ids=certificate_ids))
    services.bulk_issues_refresh(certificate_ids=certificate_ids)
    return rendered


def cycle_bulk_issue(bulk_id: int) -> None:
    services.cycle_bulk_issue_run(bulk_id=bulk_id)


def certificates_remind_lapsing() -> int:
    return services.certificates_remind_lapsing()


def cycle_notices_send() -> int:
    return services.cycle_notices_send()

"""
Background jobs of the certification app. Each takes primary keys, is safe to run twice
and leaves the real work to `certification.services`.
"""


def certificate_issue(result_id: int) -> int | None:
    from certification.services import certificate_issue as issue

    certificate = issue(result_id=result_id)
    return certificate.pk if certificate else None


def certificate_render(certificate_id: int) -> str | None:
    from certification.services import certificate_render as render

    certificate = render(certificate_id=certificate_id)
    return certificate.render_state if certificate else None


def certificates_render_batch(certificate_ids: list[int]) -> int:
    from certification.services import bulk_issues_refresh
    from certification.services import certificate_render as render

    rendered = sum(bool(render(certificate_id=pk)) for pk in certificate_ids)
    bulk_issues_refresh(certificate_ids=certificate_ids)
    return rendered


def certificates_render_pending() -> int:
    from certification.services import certificates_render_pending as sweep

    return sweep()


def cycle_bulk_issue(bulk_id: int) -> None:
    from certification.services import cycle_bulk_issue_run

    cycle_bulk_issue_run(bulk_id=bulk_id)


def certificates_remind_lapsing() -> int:
    from certification.services import certificates_remind_lapsing as remind

    return remind()

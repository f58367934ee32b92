"""
The certification of a synthetic centre for benchmarks (`manage.py generate_site`): the
demo's levels, cycles and track steps, a result for most people in the two past cycles, a
certificate for each pass and QA scores. Registered with
`lms.features.register_site_builder` in CertificationConfig.ready().
"""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile

from certification.demo.levels import cycles_ensure, levels_ensure, track_steps_ensure
from certification.models import (
    LEVEL_NAME_EN,
    LEVEL_NAME_ZH,
    LEVEL_SERIAL,
    Certificate,
    LevelCode,
    QAScore,
    Result,
)
from certification.rendering import certificate_pdf
from certification.services import TEMPLATE_VERSION, verification_code_new
from lms.synthetic import PREFIX


def certification_build(*, people, rng, today, progress, **_context) -> dict:
    """
    Two past cycles and the open one from the demo, a result for most people in the past
    cycles and a certificate for each pass. The certificates share one really rendered PDF
    (the same bytes, so its fingerprint checks out) instead of rendering thousands.
    """
    levels_ensure()
    track_steps_ensure()
    _open_cycle, past = cycles_ensure(today)  # the open one has no results: people sit it
    codes = [LevelCode.JUNIOR, LevelCode.INTERMEDIATE, LevelCode.SENIOR]
    results, certificates = [], []
    serial_numbers: dict[str, int] = {}
    for age in (2, 1):
        cycle = past[age]
        issued_on = cycle.results_published_on or cycle.exam_closes
        for n, person in enumerate(people):
            if rng.random() < 0.3:
                continue
            level = codes[min(int(rng.random() * 3), 2) if n % 5 else 0]
            percent = Decimal(rng.randint(55, 100))
            passed = percent >= 80
            results.append(
                Result(user=person, cycle=cycle, level=level, passed=passed, percent=percent)
            )
            if not passed:
                continue
            prefix = f"{LEVEL_SERIAL[level]}-{cycle.code}-"
            serial_numbers[prefix] = serial_numbers.get(prefix, 0) + 1
            certificates.append(
                Certificate(
                    serial=f"{prefix}{serial_numbers[prefix]:05d}",
                    verification_code=verification_code_new(),
                    user=person,
                    cycle=cycle,
                    level=level,
                    holder_name=person.display_name,
                    holder_employee_no=person.employee_no,
                    level_name_zh=LEVEL_NAME_ZH[level],
                    level_name_en=LEVEL_NAME_EN[level],
                    cycle_name_zh=cycle.name_zh,
                    cycle_name_en=cycle.name_en,
                    percent=percent,
                    issued_on=issued_on,
                    expires_on=cycle.valid_until,
                    template_version=TEMPLATE_VERSION,
                    issuer_name=settings.ACADEMY_NAME,
                    render_state=Certificate.RenderState.READY,
                    render_attempts=1,
                )
            )
        progress("certification", 3 - age, 3)
    Result.objects.bulk_create(results, batch_size=5_000)
    # Older certificates of the same person are superseded by their later ones.
    latest: dict[int, Certificate] = {}
    for certificate in certificates:
        latest[certificate.user_id] = certificate
    sample = certificates[0] if certificates else None
    if sample is not None:
        pdf = certificate_pdf(sample)
        storage = Certificate._meta.get_field("pdf").storage
        name = storage.save(f"certificates/{PREFIX}-sample.pdf", ContentFile(pdf))
        digest = hashlib.sha256(pdf).hexdigest()
        for certificate in certificates:
            certificate.pdf, certificate.pdf_sha256 = name, digest
    Certificate.objects.bulk_create(certificates, batch_size=5_000)
    by_key = {
        (c.user_id, c.cycle_id, c.level): c.pk
        for c in Certificate.objects.filter(user__employee_no__startswith=PREFIX).only(
            "pk", "user_id", "cycle_id", "level"
        )
    }
    superseded = [
        Certificate(
            pk=by_key[c.user_id, c.cycle_id, c.level],
            superseded_by_id=by_key[
                latest[c.user_id].user_id, latest[c.user_id].cycle_id, latest[c.user_id].level
            ],
        )
        for c in certificates
        if c is not latest[c.user_id]
    ]
    Certificate.objects.bulk_update(superseded, ["superseded_by"], batch_size=5_000)
    result_ids = {
        (r.user_id, r.cycle_id, r.level): r.pk
        for r in Result.objects.filter(user__employee_no__startswith=PREFIX).only(
            "pk", "user_id", "cycle_id", "level"
        )
    }
    linked = [Certificate(pk=pk, result_id=result_ids[key]) for key, pk in by_key.items()]
    Certificate.objects.bulk_update(linked, ["result"], batch_size=5_000)
    QAScore.objects.bulk_create(
        [
            QAScore(user=person, period=period, score=Decimal(rng.randint(70, 99)))
            for person in people
            for period in ("2026Q2", "2026Q3")
        ],
        batch_size=5_000,
    )
    progress("certification", 3, 3)
    return {"results": len(results), "certificates": len(certificates)}

"""
Certification's kinds of notice (lms.features.NoticeKind): stored as level codes and ISO
dates, rendered in the reader's language when read or mailed.
"""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from certification.models import LevelCode
from lms.features import NoticeKind, register_notice_kind


def _dates(params: dict) -> dict:
    values = dict(params)
    if "level" in values:
        values["level"] = str(LevelCode(values["level"]).label)
    for key in ("date", "opens", "closes", "exam_opens", "exam_closes"):
        if key in values:
            values[key] = date_format(dt.date.fromisoformat(values[key]), "DATE_FORMAT")
    return values


def register_certification_notice_kinds() -> None:
    register_notice_kind(
        NoticeKind(
            "cert_lapse",
            _("A certification lapses in 60 days"),
            _(
                "Your %(level)s certification lapses on %(date)s: register for the next "
                "cycle to keep it."
            ),
            prepare=_dates,
        )
    )
    register_notice_kind(
        NoticeKind(
            "cert_issued",
            _("A certificate issued"),
            _("Your %(level)s certificate %(serial)s is issued."),
            _(
                "Your %(level)s certificate %(serial)s is issued. Download the PDF from "
                "your certification page."
            ),
            prepare=_dates,
        )
    )

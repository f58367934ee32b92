"""
A low-score conversation made into a draft case in one step (质检对话转案例): QA pastes or
imports the transcript, chooses the scenario and product, and the case is created as a
draft with personal data masked and sent straight into the library's review workflow, the
same review any trainer's case goes through.
"""

import json
from collections import Counter

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases.models import CaseLibraryPage, CasePage, Channel, Product, ScenarioType
from cases.services.production import case_review_submit
from cases.slugs import case_free_slug
from cases.transcript import TranscriptError, transcript_parse
from lms.formatting import list_display
from lms.refusals import Refused
from lms.routing import pages_changed


def case_draft_from_conversation(
    *,
    user,
    library: CaseLibraryPage,
    title: str,
    scenario: ScenarioType,
    channel: str,
    transcript: str,
    product: Product | None = None,
    background: str = "",
) -> CasePage:
    """
    A draft case under `library` holding the conversation (cases.transcript: masked, turn
    by turn) after an optional background, submitted for review. Refused, with nothing
    saved, when the person may not add cases, the transcript does not read, or review
    cannot start.
    """
    title = title.strip()
    if not title:
        raise Refused("case_from_conversation_no_title", _("Give the case a title."))
    if channel not in Channel.values:
        raise Refused("case_from_conversation_channel", _("Choose the channel."))
    if not library.permissions_for_user(user).can_add_subpage():
        raise Refused("case_from_conversation_denied", _("You may not add cases."))
    try:
        parsed = transcript_parse(transcript)
    except TranscriptError as error:
        raise Refused("case_from_conversation_transcript", list_display(error.errors)) from None
    if not parsed.turns:
        raise Refused(
            "case_from_conversation_empty", _("The conversation has no turns to make a case of.")
        )
    blocks = []
    if background.strip():
        blocks.append({"type": "background", "value": background.strip()})
    blocks.append({"type": "transcript", "value": [turn.block_value() for turn in parsed.turns]})
    with transaction.atomic():
        base = slugify(title, allow_unicode=True)[:200] or "case"
        case = CasePage(
            title=title,
            slug=case_free_slug(parent=library, base=base),
            scenario=scenario,
            product=product,
            channel=channel,
            body=json.dumps(blocks, ensure_ascii=False),
            live=False,
            owner=user,
        )
        library.add_child(instance=case)
        masked = Counter(find.kind for find in parsed.masked)
        if masked:
            case.masked_pii = dict(Counter(case.masked_pii) + masked)
            CasePage.objects.filter(pk=case.pk).update(masked_pii=case.masked_pii)
            pages_changed()
        case.save_revision(user=user)
        case_review_submit(case=case, user=user)
    return case

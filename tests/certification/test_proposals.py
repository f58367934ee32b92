"""Improvement proposals (改进提案): who submits, the review's transitions, who sees what."""

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.audit_careers import CareerAction
from certification.models import ImprovementProposal, TrackStep
from certification.selectors.proposals import quarter_of, quarter_proposals
from certification.services.proposals import proposal_review, proposal_submit
from lms.audit import audit_trail
from lms.models import Notice, Position
from lms.refusals import Refused
from tests.factories import UserFactory
from tests.querycount import assert_queries_constant

QUARTER = quarter_of(timezone.localdate())
TEXT = {
    "title": "产品类工单直派产品部门",
    "problem": "产品类问题先派售后再转产品部门，平均多转派1.6次。",
    "data": "本季度产品类工单1,284单，平均处理时长41.5小时。",
    "proposal": "按问题类型自动派单给产品部门值班接口人。",
    "expected_effect": "处理时长缩短30%。",
}
Status = ImprovementProposal.Status


def _submit(person, **changes):
    return proposal_submit(author=person, **{**TEXT, **changes})


@pytest.fixture
def lead_c(academy):
    """A lead of team C, which the supervisor does not oversee."""
    return UserFactory(
        username="lead_c", display_name="唐嘉怡", team=academy.team_c,
        position=Position.TEAM_LEAD, leads=[academy.team_c],
    )  # fmt: skip


def test_a_lead_submits_one_proposal_a_quarter_and_revises_it_until_reviewed(academy, login):
    client = login(academy.lead_a)
    response = client.post(reverse("certification:proposal_submit"), TEXT)
    proposal = ImprovementProposal.objects.get(author=academy.lead_a)
    assert response.status_code == 302
    assert (proposal.quarter, proposal.status, proposal.title) == (
        QUARTER, Status.SUBMITTED, TEXT["title"],
    )  # fmt: skip
    client.post(reverse("certification:proposal_submit"), {**TEXT, "title": "改：工单直派"})
    assert ImprovementProposal.objects.filter(author=academy.lead_a).count() == 1
    proposal.refresh_from_db()
    assert proposal.title == "改：工单直派"
    assert [e.data["revised"] for e in audit_trail(proposal)] == [True, False]
    proposal_review(proposal=proposal, by=academy.supervisor, action="accept")
    with pytest.raises(Refused) as refused:
        _submit(academy.lead_a, title="再改")
    assert refused.value.code == "reviewed"
    proposal.refresh_from_db()
    assert proposal.title == "改：工单直派"


def test_only_leads_and_qa_hand_in_proposals(academy, login):
    assert _submit(academy.qa).status == Status.SUBMITTED
    client = login(academy.agent_a)
    assert client.post(reverse("certification:proposal_submit"), TEXT).status_code == 403
    assert client.get(reverse("certification:proposals")).status_code == 403
    assert not ImprovementProposal.objects.filter(author=academy.agent_a).exists()
    with pytest.raises(Refused):
        _submit(academy.trainer)
    with pytest.raises(Refused) as refused:
        _submit(academy.lead_b, data="  ")
    assert refused.value.code == "incomplete"


def test_review_moves_only_along_the_allowed_transitions_and_tells_the_author(academy):
    proposal = _submit(academy.lead_a)
    with pytest.raises(Refused) as refused:
        proposal_review(proposal=proposal, by=academy.supervisor, action="return")
    assert refused.value.code == "comment_needed"
    proposal_review(proposal=proposal, by=academy.supervisor, action="accept", comment="先试点")
    proposal_review(proposal=proposal, by=academy.supervisor, action="return", comment="补数据")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_comment) == (Status.RETURNED, "补数据")
    for action in ("accept", "adopt"):  # a returned proposal waits for the author
        with pytest.raises(Refused) as refused:
            proposal_review(proposal=proposal, by=academy.supervisor, action=action)
        assert refused.value.code == "wrong_status"
    _submit(academy.lead_a, data="补充：按小时拆分的工单量。")
    proposal_review(proposal=proposal, by=academy.supervisor, action="adopt", comment="采纳")
    proposal.refresh_from_db()
    assert proposal.status == Status.ADOPTED and proposal.reviewed_by == academy.supervisor
    with pytest.raises(Refused):
        proposal_review(proposal=proposal, by=academy.supervisor, action="accept")
    actions = [entry.action for entry in audit_trail(proposal)]
    assert actions == [
        CareerAction.PROPOSAL_ADOPTED, CareerAction.PROPOSAL_SUBMITTED,
        CareerAction.PROPOSAL_RETURNED, CareerAction.PROPOSAL_ACCEPTED,
        CareerAction.PROPOSAL_SUBMITTED,
    ]  # fmt: skip
    notices = Notice.objects.filter(user=academy.lead_a, kind="proposal_reviewed")
    assert notices.count() == 3
    assert {n.params["status"] for n in notices} == {"accepted", "returned", "adopted"}


def test_supervisors_see_and_review_their_teams_leads_and_qa_only(academy, login, lead_c):
    mine, theirs, qa, outside = (
        _submit(academy.lead_a), _submit(academy.lead_b), _submit(academy.qa), _submit(lead_c),
    )  # fmt: skip
    data = quarter_proposals(academy.supervisor, QUARTER)
    assert {p.pk for p in data.proposals} == {mine.pk, theirs.pk, qa.pk}
    assert data.missing == []
    # The lead sees only their own, and none of the missing.
    lead_view = quarter_proposals(academy.lead_a, QUARTER)
    assert [p.pk for p in lead_view.proposals] == [mine.pk] and lead_view.missing == []
    client = login(academy.lead_a)
    assert client.get(reverse("certification:proposal", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("certification:proposal_review", args=[mine.pk]), {"action": "adopt"}
    )
    assert response.status_code == 403  # an author never reviews, not even their own
    supervisor = login(academy.supervisor)
    assert supervisor.get(reverse("certification:proposal", args=[outside.pk])).status_code == 404
    page = supervisor.get(reverse("certification:proposals")).content.decode()
    assert "张伟" in page and "马丽娟" in page and "唐嘉怡" not in page
    supervisor.post(
        reverse("certification:proposal_review", args=[theirs.pk]),
        {"action": "return", "comment": "请补充排班表"},
    )
    theirs.refresh_from_db()
    assert theirs.status == Status.RETURNED


def test_the_quarter_page_names_who_has_not_submitted(academy, login, lead_c):
    _submit(academy.lead_a)
    page = login(academy.supervisor).get(reverse("certification:proposals")).content.decode()
    missing = page.split("尚未提交")[-1]
    assert "马丽娟" in missing and "周敏" in missing
    assert "张伟" not in missing and "唐嘉怡" not in missing  # submitted; not in sight
    data = quarter_proposals(academy.admin, QUARTER)
    assert {p.username for p in data.missing} == {"lead_b", "qa", "lead_c"}


def test_adopted_proposals_count_on_the_supervisor_track(academy, login):
    TrackStep.objects.create(
        from_position=Position.TEAM_LEAD, to_position=Position.SUPERVISOR,
        kind=TrackStep.Kind.VERTICAL, proposals_adopted=1,
    )  # fmt: skip
    client = login(academy.lead_a)
    page = client.get(reverse("certification:mine")).content.decode()
    assert "○ 已被采纳的改进提案 1 项" in page
    proposal = _submit(academy.lead_a)
    proposal_review(proposal=proposal, by=academy.supervisor, action="accept")
    assert "○ 已被采纳的改进提案 1 项" in client.get(reverse("certification:mine")).content.decode()
    proposal_review(proposal=proposal, by=academy.supervisor, action="adopt")
    assert "✔ 已被采纳的改进提案 1 项" in client.get(reverse("certification:mine")).content.decode()


def test_the_proposals_page_costs_the_same_queries_whatever_the_number_of_leads(academy, login):
    client = login(academy.supervisor)

    def grow(n):
        while ImprovementProposal.objects.count() < n:
            lead = UserFactory(team=academy.team_a, position=Position.TEAM_LEAD)
            _submit(lead)
            UserFactory(team=academy.team_b, position=Position.TEAM_LEAD)  # not submitted

    assert_queries_constant(
        lambda: client.get(reverse("certification:proposals")), grow, sizes=(3, 12)
    )

"""QA or the lead reviews a practice run: rubric scores, comments, an override with a reason
that goes to the audit trail, and a notice to the learner; trainers' CMS side: graph checks,
preview, statistics, export and play-through."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from cases.models import PracticeRun
from cases.practice.services import OVERRIDE_ACTION, practice_run_review
from lms.audit import audit_trail
from lms.models import Notice
from lms.refusals import Refused
from tests.cases.test_practice_play import GOOD, play
from tests.factories.practice import GRAPH, simulation
from tests.querycount import assert_queries_constant

BAD = ["这不是我的问题，是快递公司的问题", "没办法"]


def _review_form(**extra):
    data = {
        "attitude_score": "60", "attitude_comment": "先道歉再解释。",
        "solving_score": "40", "solving_comment": "没有给方案。",
        "compliance_score": "30", "compliance_comment": "说了禁用语。",
    }  # fmt: skip
    return {**data, **extra}


def test_a_lead_overrides_their_team_members_score_with_a_reason(academy, login):
    run = play(academy.agent_a, simulation(), BAD)
    # 这不是我的问题 and 没办法: compliance 100 - 2 × 40; nothing else earned; 20 × 20% = 4
    assert (run.score_attitude, run.score_solving, run.score_compliance) == (0, 0, 20)
    assert run.auto_total == 4 and not run.passed
    client = login(academy.lead_a)
    response = client.post(
        reverse("cases:practice_review", args=[run.pk]),
        _review_form(override="35", reason="客户本身无理取闹，情有可原"),
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.total, run.auto_total, run.reviewed_by) == (35, 4, academy.lead_a)
    assert run.override_reason == "客户本身无理取闹，情有可原"
    assert run.review["solving"] == {"score": 40, "comment": "没有给方案。"}
    entry = audit_trail(run).get()
    assert entry.action == OVERRIDE_ACTION and entry.user == academy.lead_a
    assert (entry.data["before"], entry.data["after"]) == (4, 35)
    notice = Notice.objects.get(user=academy.agent_a, kind="practice_reviewed")
    assert notice.params["score"] == 35 and notice.params["overridden"] is True
    body = (
        login(academy.agent_a)
        .get(reverse("cases:practice_debrief", args=[run.pk]))
        .content.decode()
    )
    assert "客户本身无理取闹，情有可原" in body and "没有给方案。" in body


def test_an_override_without_a_reason_is_refused_and_changes_nothing(academy):
    run = play(academy.agent_a, simulation(), BAD)
    with pytest.raises(Refused) as refused:
        practice_run_review(
            run_id=run.pk, reviewer=academy.lead_a, review={}, override_total=80, reason=" "
        )
    assert refused.value.code == "reason_required"
    run.refresh_from_db()
    assert run.total is None and run.reviewed_by is None
    assert not audit_trail(run).exists()


def test_an_override_to_a_pass_score_passes_the_run(academy):
    run = play(academy.agent_a, simulation(), [*GOOD[:1], "今天18点前给您回复，会通知您"])
    run = practice_run_review(
        run_id=run.pk, reviewer=academy.qa, review={}, override_total=40, reason="回复过于简短"
    )
    assert run.total == 40 and not run.passed


def test_a_lead_cannot_review_another_teams_run_nor_see_it(academy, login):
    run = play(academy.agent_b, simulation(), BAD)
    client = login(academy.lead_a)
    response = client.post(
        reverse("cases:practice_review", args=[run.pk]), _review_form(override="90", reason="x")
    )
    assert response.status_code == 404
    assert client.get(reverse("cases:practice_debrief", args=[run.pk])).status_code == 404
    assert (
        academy.agent_b.display_name
        not in client.get(reverse("cases:practice_reviews")).content.decode()
    )
    run.refresh_from_db()
    assert run.total is None and run.reviewed_by is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agent", False), ("trainer", False), ("qa", True), ("lead", True), ("supervisor", True)],
)
def test_reviewing_runs_is_for_leads_supervisors_and_qa(academy, login, role, allowed):
    run = play(academy.newhire_a, simulation(), BAD)
    client = login(academy.by_role()[role])
    assert client.get(reverse("cases:practice_reviews")).status_code == (200 if allowed else 403)
    response = client.post(reverse("cases:practice_review", args=[run.pk]), _review_form())
    assert response.status_code == (302 if allowed else 403)
    run.refresh_from_db()
    assert (run.reviewed_by is not None) is allowed


def test_the_review_list_costs_the_same_queries_for_many_runs(academy, login):
    sim = simulation()
    client = login(academy.qa)

    def grow(n):
        people = [academy.agent_a, academy.agent_b, academy.agent_c, academy.newhire_a]
        for i in range(PracticeRun.objects.count(), n):
            play(people[i % 4], sim, BAD)

    assert_queries_constant(
        lambda: client.get(reverse("cases:practice_reviews")), grow, sizes=(2, 8)
    )


# --- The trainers' side in the CMS ---------------------------------------------------------


def test_the_cms_refuses_a_simulation_with_a_dead_end_or_an_unreachable_turn(db):
    from tests.factories.practice import stream

    graph = [dict(turn) for turn in GRAPH]
    graph.append({"key": "island", "customer": "…", "model_reply": "", "repeat": "", "rules": []})
    sim = simulation()
    sim.conversation = stream(graph)
    with pytest.raises(ValidationError) as error:
        sim.full_clean()
    messages = " ".join(error.value.message_dict["conversation"])
    assert "“island”无法到达" in messages and "“island”这一轮没有规则" in messages


def test_the_preview_draws_the_graph_and_flags_problems(academy):
    sim = simulation()
    request = RequestFactory().get("/")
    request.user = academy.trainer
    html = sim.make_preview_request(request).content.decode()
    assert "<svg" in html and html.count('class="node node--turn') == 3
    assert "每一轮都可到达" in html
    from cases.practice.diagram import graph_diagram

    broken = [
        *GRAPH,
        {"key": "island", "customer": "…", "rules": [{"label": "x", "end": "resolved"}]},
    ]
    assert "node--unreachable" in graph_diagram(broken)


def test_trainers_see_statistics_and_download_them(academy, login):
    sim = simulation()
    play(academy.agent_a, sim, GOOD)
    play(academy.agent_b, sim, BAD)
    client = login(academy.trainer)
    page = client.get(reverse("practice_stats", args=[sim.pk])).content.decode()
    assert "道歉并查询" in page and "推卸责任" in page
    export = client.get(reverse("practice_export", args=[sim.pk, "csv"]))
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert len(rows) == 3 and academy.agent_b.get_full_name() in rows[2]
    assert login(academy.agent_a).get(reverse("practice_stats", args=[sim.pk])).status_code in (
        302,
        403,
    )


def test_a_trainer_plays_the_draft_through_without_recording_a_run(academy, login):
    sim = simulation()
    client = login(academy.trainer)
    url = reverse("practice_rehearse", args=[sim.pk])
    page = client.get(url)
    token = page.context["token"]
    page = client.post(url, {"state": token, "reply": "非常抱歉，我马上为您查询", "seconds": "5"})
    assert "触发规则 2：道歉并查询" in page.content.decode()
    assert page.context["state"]["turn"] == "details"
    assert not PracticeRun.objects.exists()

"""
The academy's addresses as the hostile-input test attacks them: how each is called, by
which roles, the fields it reads and a value that passes for each (so an attack reaches
past the first check).
"""

import uuid
from dataclasses import dataclass, field

from certification.filters import TeamCertificationFilter
from certification.forms import BulkIssueForm, ExceptionalResultForm, RevokeForm
from lms.admin_questions import QuestionImportForm
from lms.filters import RosterFilter
from lms.forms import StaffImportForm
from tests.factories.people import PASSWORD

LEARNERS = ("agent", "newhire")
TEAM_VIEWERS = ("lead", "supervisor", "admin")
REVIEWERS = ("qa", "lead", "admin")
ANYONE = (None, "agent", "lead", "admin")
ADMIN = ("admin",)
DESK = ("admin",)


def _form_fields(form_class) -> tuple[str, ...]:
    return tuple(form_class.base_fields)


def _filter_fields(filterset_class) -> tuple[str, ...]:
    return (*filterset_class.base_filters, "page")


@dataclass(frozen=True)
class Endpoint:
    """One address, how it is called, by whom, and the fields it reads."""

    name: str
    method: str = "GET"
    roles: tuple = LEARNERS
    ids: dict = field(default_factory=dict)  # path kwarg -> World.ids() key
    fields: tuple = ()
    body: str = "form"  # form (or query for GET), json, file, code (a str path segment)
    kwargs: dict = field(default_factory=dict)  # fixed path kwargs
    # A value that passes, per field (a function of the World): a drawn example keeps some
    # fields valid and makes others hostile, so the attack reaches the code past the
    # first check, where a value is stored.
    valid: dict = field(default_factory=dict)

    def __str__(self):
        extra = "-".join(str(v) for v in self.kwargs.values())
        return f"{self.method} {self.name}{'-' + extra if extra else ''}"


ENDPOINTS = [
    # Public
    Endpoint("healthz", roles=(None,), fields=("format",)),
    Endpoint(
        "login",
        "POST",
        roles=(None,),
        fields=("username", "password", "next"),
        valid={"username": lambda w: "agent_a", "password": lambda w: PASSWORD},
    ),
    Endpoint("logout", "POST", roles=ANYONE, fields=("next",)),
    Endpoint(
        "set_language",
        "POST",
        roles=ANYONE,
        fields=("language", "next"),
        valid={"language": lambda w: "en", "next": lambda w: "/"},
    ),
    Endpoint("certification:verify", roles=ANYONE, body="code"),
    Endpoint("certification:verify_pdf", roles=(None,), body="code"),
    Endpoint("certification:verify_badge", roles=(None,), body="code"),
    Endpoint("lms:api-root", roles=ANYONE),
    Endpoint("certification:issuer", roles=(None,)),
    *[
        Endpoint("certification:status_list", roles=(None,), kwargs={"name": name})
        for name in ("revocation", "supersession")
    ],
    Endpoint("certification:achievement", roles=(None,), body="level"),
    # Any signed-in person
    Endpoint("lms:dashboard", fields=("page",)),
    Endpoint("lms:lesson_complete", "POST", ids={"pk": "lesson"}),
    Endpoint("lms:quiz", ids={"pk": "quiz"}),
    Endpoint("lms:quiz_start", "POST", ids={"pk": "quiz"}),
    Endpoint("lms:attempt", roles=("agent",), ids={"pk": "attempt"}),
    Endpoint(
        "lms:attempt_save", "POST", ("agent",), {"pk": "attempt"}, ("revision", "answers"), "json"
    ),
    Endpoint(
        "lms:attempt_submit",
        "POST",
        ("agent",),
        {"pk": "attempt"},
        ("revision", "q"),
        valid={"revision": lambda w: "0"},
    ),
    Endpoint("lms:attempt_result", roles=("agent",), ids={"pk": "attempt"}),
    Endpoint("lms:notice", roles=("agent",), ids={"pk": "notice"}),
    Endpoint("lms:notices", roles=(*LEARNERS, "lead"), fields=("page",)),
    Endpoint("lms:notices_read_all", "POST", roles=LEARNERS),
    Endpoint(
        "lms:notice_settings",
        "POST",
        roles=LEARNERS,
        fields=("email", "language"),
        valid={"language": lambda w: "zh-hans"},
    ),
    Endpoint("cases:week"),
    Endpoint("cases:read", "POST", ids={"pk": "case"}),
    Endpoint("cases:check", "POST", ids={"pk": "case"}),
    Endpoint("certification:mine"),
    Endpoint(
        "certification:register", "POST", fields=("level",), valid={"level": lambda w: "junior"}
    ),
    Endpoint("certification:certificate_pdf", roles=("agent", "lead"), ids={"pk": "certificate"}),
    Endpoint("lms:openapi-json", roles=("agent", "lead")),
    Endpoint("lms:openapi-view", roles=("agent", "lead")),
    # Leads, supervisors and administrators
    Endpoint("lms:team_roster", roles=TEAM_VIEWERS, fields=_filter_fields(RosterFilter)),
    *[
        Endpoint(
            "lms:team_export",
            roles=TEAM_VIEWERS,
            fields=_filter_fields(RosterFilter),
            kwargs={"fmt": fmt},
        )
        for fmt in ("csv", "xlsx")
    ],
    Endpoint("lms:person_detail", roles=TEAM_VIEWERS, ids={"pk": "person"}),
    Endpoint("lms:golive_history", roles=TEAM_VIEWERS, ids={"pk": "person"}),
    Endpoint("lms:golive_sign_off", "POST", TEAM_VIEWERS, {"pk": "newhire"}, ("reason",)),
    Endpoint(
        "lms:golive_revert",
        "POST",
        TEAM_VIEWERS,
        {"pk": "newhire"},
        ("reason",),
        valid={"reason": lambda w: "还需练习"},
    ),
    Endpoint("cases:team_reads", roles=TEAM_VIEWERS),
    Endpoint(
        "certification:team", roles=TEAM_VIEWERS, fields=_filter_fields(TeamCertificationFilter)
    ),
    *[
        Endpoint(
            "certification:team_export",
            roles=TEAM_VIEWERS,
            fields=_filter_fields(TeamCertificationFilter),
            kwargs={"fmt": fmt},
        )
        for fmt in ("csv", "xlsx")
    ],
    Endpoint(
        "certification:team_zip", roles=TEAM_VIEWERS, fields=_filter_fields(TeamCertificationFilter)
    ),
    Endpoint(
        "certification:recommend",
        "POST",
        TEAM_VIEWERS,
        {"pk": "person"},
        ("step", "note", "next"),
        valid={
            "step": lambda w: str(w.step.pk),
            "note": lambda w: "表现好",
            "next": lambda w: "/team/certifications/",
        },
    ),
    # Scoring written replies
    Endpoint("lms:review_queue", roles=REVIEWERS, fields=("page",)),
    Endpoint(
        "lms:review_item",
        "POST",
        REVIEWERS,
        {"pk": "item"},
        ("points", "comment"),
        valid={"points": lambda w: "8", "comment": lambda w: "态度好"},
    ),
    # The academy's own CMS views
    Endpoint("lms_staff_import", "POST", ADMIN, fields=_form_fields(StaffImportForm), body="file"),
    Endpoint("lms_staff_import_template", roles=ADMIN),
    Endpoint(
        "lms_question_import",
        "POST",
        roles=("admin", "trainer"),
        fields=_form_fields(QuestionImportForm),
    ),
    Endpoint("lms_question_import_template", roles=("admin", "trainer")),
    Endpoint("lms_question_export", roles=("admin", "trainer"), fields=("category",)),
    Endpoint("cases_search_report", roles=("admin", "trainer"), fields=("page",)),
    Endpoint("cases_search_report_results", roles=("admin", "trainer"), fields=("page",)),
    Endpoint("lms_staff_import_status", roles=ADMIN, ids={"pk": "staff_import"}),
    Endpoint("cases_planning", roles=("admin", "trainer"), fields=("weeks", "page")),
    Endpoint("lms_quiz_stats_index", roles=("admin", "trainer"), fields=("page", "q")),
    Endpoint("lms_quiz_stats", roles=("admin", "trainer"), ids={"pk": "quiz"}),
    Endpoint("lms_feedback_index", roles=("admin", "trainer")),
    Endpoint(
        "lms_feedback_module",
        "POST",
        ("trainer", "admin"),
        {"pk": "module"},
        ("summary", "adjusted_on"),
        valid={"summary": lambda w: "增加了退款案例", "adjusted_on": lambda w: "2026-11-02"},
    ),
    Endpoint("certification_admin_index", roles=DESK, fields=("q", "state", "cycle", "page")),
    Endpoint(
        "certification_admin_detail",
        "POST",
        DESK,
        {"pk": "certificate"},
        _form_fields(RevokeForm),
        valid={"reason": lambda w: "发错了"},
    ),
    Endpoint("certification_admin_render_again", "POST", DESK, {"pk": "certificate"}),
    Endpoint(
        "certification_admin_bulk_issue",
        "POST",
        DESK,
        {"pk": "cycle"},
        _form_fields(BulkIssueForm),
        valid={"reason": lambda w: "提前发证"},
    ),
    Endpoint(
        "certification_admin_exceptional",
        "POST",
        DESK,
        fields=_form_fields(ExceptionalResultForm),
        valid={
            "employee_no": lambda w: w.academy.agent_b.employee_no,
            "cycle": lambda w: str(w.cycle.pk),
            "level": lambda w: "junior",
            "passed": lambda w: "on",
            "percent": lambda w: "90",
            "reason": lambda w: "补考",
        },
    ),
    Endpoint("certification_admin_qa_import", "POST", DESK, fields=("file",), body="file"),
    # Practice conversations (cases.practice)
    Endpoint("cases:practice"),
    Endpoint("cases:practice_play", kwargs={"slug": "parcel"}),
    Endpoint("cases:practice_start", "POST", kwargs={"slug": "parcel"}),
    Endpoint(
        "cases:practice_reply",
        "POST",
        ("agent",),
        {"pk": "practice_run"},
        ("turn", "text"),
        valid={"turn": lambda w: "0", "text": lambda w: "您好，我这就为您查询"},
    ),
    Endpoint("cases:practice_debrief", roles=("agent", "lead", "qa"), ids={"pk": "practice_run"}),
    Endpoint("cases:practice_reviews", roles=REVIEWERS, fields=("page",)),
    Endpoint(
        "cases:practice_review",
        "POST",
        REVIEWERS,
        {"pk": "practice_run"},
        ("total", "reason", "attitude", "solving", "compliance", "comment"),
    ),
    Endpoint("practice_stats", roles=("trainer", "admin"), ids={"pk": "simulation"}),
    *[
        Endpoint(
            "practice_export",
            roles=("trainer", "admin"),
            ids={"pk": "simulation"},
            kwargs={"fmt": fmt},
        )
        for fmt in ("csv", "xlsx")
    ],
    Endpoint("practice_rehearse", "POST", ("trainer", "admin"), {"pk": "simulation"}, ("text",)),
    # Case production and choosers (the CMS)
    Endpoint("cases_choose_cases", roles=("trainer", "admin"), fields=("q",)),
    Endpoint("lms_choose_people", roles=("trainer", "admin"), fields=("q",)),
    Endpoint("cases_duplicate", roles=("trainer", "admin"), ids={"pk": "case"}),
    Endpoint("cases_create_for_week", roles=("trainer", "admin"), kwargs={"week": "2026-12-07"}),
    Endpoint("cases_schedule", "POST", ("trainer", "admin"), fields=("case", "week", "next")),
    Endpoint(
        "cases_from_conversation",
        "POST",
        ("qa", "trainer"),
        fields=(
            "submission_token",
            "title",
            "scenario",
            "channel",
            "product",
            "background",
            "transcript",
        ),
        valid={
            "submission_token": lambda w: str(uuid.uuid4()),
            "title": lambda w: "丢件投诉被推诿",
            "scenario": lambda w: str(w.case.scenario_id),
            "channel": lambda w: "phone",
            "transcript": lambda w: "客户：快递丢了\n客服：马上为您查询",
        },
    ),
    # Refreshers after a product change
    Endpoint(
        "cases_product_changed",
        "POST",
        ("trainer", "admin"),
        {"pk": "product"},
        ("summary", "lessons", "questions", "due_days"),
        valid={
            "summary": lambda w: "资费由99元调整为89元",
            "lessons": lambda w: str(w.lesson.pk),
            "due_days": lambda w: "7",
        },
    ),
    Endpoint("cases_product_changed", roles=("trainer", "admin"), ids={"pk": "product"}),
    Endpoint("cases:refreshers"),
    Endpoint("cases:refresher", roles=("agent", "newhire"), ids={"pk": "refresher"}),
    Endpoint("cases:refresher_done", "POST", ids={"pk": "refresher"}),
    Endpoint("cases:team_refreshers", roles=TEAM_VIEWERS),
    Endpoint("lms:team_training", roles=TEAM_VIEWERS),
    # Careers: proposals and internal selection
    Endpoint("certification:proposals", roles=("lead", "supervisor", "qa"), fields=("quarter",)),
    Endpoint(
        "certification:proposal_submit",
        "POST",
        ("lead", "qa"),
        fields=("title", "problem", "data", "proposal", "expected_effect"),
    ),
    Endpoint("certification:proposal", roles=("lead", "supervisor"), ids={"pk": "proposal"}),
    Endpoint(
        "certification:proposal_review",
        "POST",
        ("supervisor", "admin"),
        {"pk": "proposal"},
        ("action", "comments"),
    ),
    Endpoint(
        "certification:proposal_outcome", "POST", ("supervisor",), {"pk": "proposal"}, ("outcome",)
    ),
    Endpoint("certification:openings", roles=("agent", "supervisor")),
    Endpoint("certification:opening", roles=("agent", "supervisor"), ids={"pk": "opening"}),
    Endpoint("certification:opening_new", roles=("supervisor", "admin")),
    Endpoint("certification:opening_apply", "POST", ("agent",), {"pk": "opening"}, ("statement",)),
    Endpoint("certification:opening_close", "POST", ("supervisor",), {"pk": "opening"}),
    Endpoint("certification:opening_export", roles=("supervisor",), ids={"pk": "opening"}),
    Endpoint(
        "certification:application_decide",
        "POST",
        ("supervisor",),
        {"pk": "application"},
        ("decision", "reason"),
    ),
    # Does training work? (the four-level report)
    Endpoint(
        "certification:training_report", roles=("supervisor", "trainer"), fields=("before", "after")
    ),
    *[
        Endpoint(
            "certification:training_report_export",
            roles=("supervisor", "trainer"),
            fields=("before", "after"),
            kwargs={"fmt": fmt},
        )
        for fmt in ("csv", "xlsx")
    ],
    # QA training plans (one's own; a team viewer's teams')
    Endpoint("certification:qa_training", roles=("agent", "lead", "supervisor"), fields=("page",)),
    # People administration, quiz statistics
    Endpoint("lms_api_tokens", roles=ADMIN, fields=("q", "page")),
    Endpoint("lms_api_tokens_results", roles=ADMIN, fields=("q", "page")),
    Endpoint("lms_api_token_add", "POST", ADMIN, fields=("user", "name")),
    *[
        Endpoint(
            "lms_quiz_stats_export",
            roles=("trainer", "admin"),
            ids={"pk": "quiz"},
            kwargs={"fmt": fmt},
        )
        for fmt in ("csv", "xlsx")
    ],
    *[
        Endpoint(
            "lms_staff_import_outcome", roles=ADMIN, ids={"pk": "staff_import"}, kwargs={"fmt": fmt}
        )
        for fmt in ("csv", "xlsx")
    ],
]
# The files the two imports read: their header and a row that imports.
FILE_HEADERS = {
    "lms_staff_import": ["工号", "姓名", "班组", "岗位", "入职日期", "在职", "邮箱"],
    "certification_admin_qa_import": ["工号", "周期", "得分"],
}
FILE_ROWS = {
    "lms_staff_import": lambda w: [
        "KF7001",
        "赵敏",
        "电商一组",
        "客服代表",
        "2026-03-01",
        "是",
        "",
    ],
    "certification_admin_qa_import": lambda w: [w.academy.agent_a.employee_no, "2026Q3", "92.5"],
}

# The API's parameters come from its own schema (test_every_api_parameter_is_attacked).
API = {
    "lms:api_people": Endpoint("lms:api_people", roles=(*TEAM_VIEWERS, "token")),
    "lms:api_live": Endpoint("lms:api_live", roles=(*TEAM_VIEWERS, "token")),
}

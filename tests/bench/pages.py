"""
The pages `make bench` measures, who looks at each, and how to find their addresses in a
synthetic site. `TARGETS` runs inside a Django process on a benchmark database.
"""

# (label, who signs in, key of the address in the targets)
PAGES = [
    ("learner dashboard", "learner", "dashboard"),
    ("lesson", "learner", "lesson"),
    ("quiz page", "learner", "quiz"),
    ("case page", "learner", "case"),
    ("case search (中文)", "learner", "search"),
    ("lead team page", "lead", "team"),
    ("team certification page", "lead", "team_certifications"),
    ("verification page (public)", None, "verify"),
]

TARGETS = r"""
from django.urls import reverse
from cases.models import CasePage
from certification.models import Certificate
from lms.models import GoLiveStatus, LessonPage, Position, User

learner = (
    User.objects.filter(employee_no__startswith="GS", golive__state="in_training")
    .order_by("employee_no").first()
)
lead = (
    User.objects.filter(employee_no__startswith="GS", position=Position.TEAM_LEAD)
    .order_by("employee_no").first()
)
status = GoLiveStatus.objects.get(user=learner)
quiz = status.curriculum.golive_quizzes.first()
lesson = LessonPage.objects.live().descendant_of(status.curriculum).order_by("path").first()
case = CasePage.objects.live().order_by("-first_published_at").first()
code = Certificate.objects.filter(superseded_by=None, revoked_at=None).order_by("pk").first()
print(json.dumps({
    "users": {"learner": learner.username, "lead": lead.username},
    "paths": {
        "dashboard": "/",
        "lesson": lesson.url,
        "quiz": reverse("lms:quiz", args=[quiz.pk]),
        "case": case.url,
        "search": "/cases/search/?q=" + "物流延误",
        "team": reverse("lms:team_roster"),
        "team_certifications": reverse("certification:team"),
        "verify": reverse("certification:verify", args=[code.verification_code]),
    },
}))
"""

# Each page of PAGES requested as its person: once to warm up (permissions, content types,
# caches), then built afresh (every kept part made stale first, as any change to what it
# shows does) and then kept, each with its queries captured; code run in a Django process
# after TARGETS_JSON and PAGES are set.
VISITS = r"""
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lms.models import User
from lms.person_rows import academy_changed

targets = json.loads(TARGETS_JSON)


def visits():
    # (label, status, queries of the page built, queries of the page kept) of each page
    for label, who, key in PAGES:
        client = Client()
        if who:
            client.force_login(User.objects.get(username=targets["users"][who]))
        path = targets["paths"][key]
        client.get(path, HTTP_HOST="127.0.0.1")
        academy_changed()
        with CaptureQueriesContext(connection) as built:
            status = client.get(path, HTTP_HOST="127.0.0.1").status_code
        with CaptureQueriesContext(connection) as kept:
            again = client.get(path, HTTP_HOST="127.0.0.1").status_code
        status = status if status != 200 else again  # both must be a 200
        yield label, status, built.captured_queries, kept.captured_queries
"""

QUERY_COUNTS = (
    VISITS
    + r"""
counts = {
    label: [status, len(built), len(kept)] for label, status, built, kept in visits()
}
print(json.dumps(counts))
"""
)

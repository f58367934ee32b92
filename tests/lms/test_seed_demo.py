from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from lms.models import Team, User
from lms.roles import Role


def _snapshot():
    people = list(
        User.objects.order_by("pk").values_list(
            "pk", "username", "password", "display_name", "team_id", "position", "hire_date",
            "is_active", "is_superuser",
        )
    )  # fmt: skip
    teams = [
        (t.pk, t.name, sorted(t.leads.values_list("pk", flat=True)))
        for t in Team.objects.order_by("pk")
    ]
    memberships = sorted(User.groups.through.objects.values_list("user_id", "group_id"))
    return people, teams, memberships, Group.objects.count()


def _counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_demo_builds_the_centre_and_a_second_run_changes_nothing(db):
    call_command("seed_demo", verbosity=0)
    first, counts = _snapshot(), _counts()
    assert counts["lms.User"] == 27 and counts["cases.CasePage"] == 46
    assert counts["certification.Certificate"] == 23
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first
    assert _counts() == counts  # no row of any model is created twice


def test_demo_accounts_sign_in_and_the_lead_leads_the_agent_and_new_hire(db, client):
    call_command("seed_demo", verbosity=0)
    for username in ("admin", "trainer", "lead", "agent", "newhire"):
        assert client.login(username=username, password="Demo-2026"), username
    lead = User.objects.get(username="lead")
    agent = User.objects.get(username="agent")
    newhire = User.objects.get(username="newhire")
    assert agent.team == newhire.team
    assert lead in agent.team.leads.all()
    assert lead.has_perm("lms.view_team_people")
    assert User.objects.get(username="trainer").groups.filter(name=Role.TRAINER.value).exists()
    assert User.objects.get(username="admin").is_superuser


def test_demo_people_have_chinese_names(db):
    call_command("seed_demo", verbosity=0)
    names = User.objects.values_list("display_name", flat=True)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in names)
    assert User.objects.count() >= 20


def test_the_demo_course_holds_a_module_quiz_that_gates_and_a_lesson_quiz(db):
    from lms.models import CurriculumPage, LessonPage, ModulePage, Quiz
    from lms.selectors.course import lesson_quiz_ids
    from lms.selectors.learning import curriculum_progress

    call_command("seed_demo", verbosity=0)
    module = ModulePage.objects.get(slug="product-knowledge")
    assert (module.quiz.title, module.quiz_required) == ("通关考核：产品与服务知识", True)
    lesson = LessonPage.objects.get(slug="service-standards")
    assert lesson_quiz_ids(lesson) == [Quiz.objects.get(title="课堂小测：服务标准").pk]
    onboarding = CurriculumPage.objects.get(slug="onboarding")
    # The demo new hire finished the module's lessons: its quiz is next, the rest locked.
    newhire = curriculum_progress(user=User.objects.get(username="newhire"), curriculum=onboarding)
    assert newhire.modules[1].next_activity.title == "通关考核：产品与服务知识"
    assert [m.lock is not None for m in newhire.modules] == [False, False, True, True, True, True]
    # Whoever has gone past the module passed its quiz on the way, and the lesson's quiz too.
    done = curriculum_progress(user=User.objects.get(employee_no="KF1103"), curriculum=onboarding)
    assert done.done == done.total and not any(m.lock for m in done.modules)

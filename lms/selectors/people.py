"""
Who may see whom. Every page, export and API that lists people goes through these
functions, so "a lead sees only their own team" has exactly one home.
"""

from django.db.models import Q, QuerySet

from lms.models import Team, User


def can_view_teams(viewer) -> bool:
    """May this person open staff-facing pages about teams at all?"""
    return viewer.is_authenticated and (
        viewer.has_perm("lms.view_team_people") or viewer.has_perm("lms.view_all_staff")
    )


def teams_visible_to(viewer) -> QuerySet[Team]:
    """Teams the viewer leads or supervises; every team for HR and administrators."""
    if not can_view_teams(viewer):
        return Team.objects.none()
    if viewer.has_perm("lms.view_all_staff"):
        return Team.objects.all()
    return Team.objects.filter(Q(leads=viewer) | Q(supervisors=viewer)).distinct()


def staff_visible_to(viewer) -> QuerySet[User]:
    """Members of the teams the viewer may see (everyone for view_all_staff)."""
    if not can_view_teams(viewer):
        return User.objects.none()
    if viewer.has_perm("lms.view_all_staff"):
        return User.objects.all()
    return User.objects.filter(team__in=teams_visible_to(viewer).values("pk"))


def learners_visible_to(viewer) -> QuerySet[User]:
    """
    Whose quiz results the viewer may read by name: everyone for trainers, QA and HR
    (lms.view_learner_results, lms.view_all_staff), a lead's or supervisor's own teams,
    nobody else.
    """
    if viewer.is_authenticated and viewer.has_perm("lms.view_learner_results"):
        return User.objects.all()
    return staff_visible_to(viewer)

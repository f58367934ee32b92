"""
The demo centre's teams and people (data/people.yaml). People who exist are left as they
are, so loading twice changes nothing. The demo password is set here and nowhere else.
"""

import datetime as dt
from pathlib import Path

from django.contrib.auth.models import Group

from lms.demo.data import DemoFile, entries, fields, of_type, one_of
from lms.models import Position, Team, User
from lms.roles import Role
from lms.services.people import staff_roles_sync

DEMO_PASSWORD = "Demo-2026"  # noqa: S105 - documented demo password, set only by seed_demo
PEOPLE_FILE = Path(__file__).parent / "data" / "people.yaml"


def people_read(path: Path = PEOPLE_FILE) -> tuple[list[str], list[dict]]:
    """The teams and people of the file, checked."""
    data = DemoFile(path)
    teams = data.section("teams")
    for name in teams:
        of_type(name, str, data.where.child("teams"), "teams")
    people, numbers = [], set()
    for where, entry in entries(data.section("people"), data.where.child("people"), label="name"):
        person = fields(
            entry,
            where,
            required=("employee_no", "name", "position", "hired_days_ago"),
            optional={"team": None, "username": None, "roles": [], "superuser": False},
        )
        of_type(person["hired_days_ago"], int, where, "hired_days_ago")
        one_of(person["position"], Position, where, "position")
        if person["team"] is not None:
            one_of(person["team"], teams, where, "team")
        for role in person["roles"]:
            one_of(role, Role, where, "roles")
        if person["employee_no"] in numbers:
            raise where.error(f"employee number {person['employee_no']} is listed twice")
        numbers.add(person["employee_no"])
        people.append(person)
    return teams, people


def people_ensure(today: dt.date, path: Path = PEOPLE_FILE) -> tuple[int, int]:
    """Teams and people; returns (created, already present)."""
    team_names, people = people_read(path)
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in team_names}
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    created = 0
    for person in people:
        user, was_created = User.objects.get_or_create(
            employee_no=person["employee_no"],
            defaults={
                "username": person["username"] or person["employee_no"],
                "display_name": person["name"],
                "team": teams.get(person["team"]),
                "position": person["position"],
                "hire_date": today - dt.timedelta(days=person["hired_days_ago"]),
                "is_superuser": person["superuser"],
                "is_staff": person["superuser"],
            },
        )
        if not was_created:
            continue
        created += 1
        if person["username"]:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        staff_roles_sync(users=[user])
        user.groups.add(*(groups[Role(role)] for role in person["roles"]))
        # Supervisors look after every team of the demo centre.
        if person["position"] == Position.SUPERVISOR and not person["superuser"]:
            for team in teams.values():
                team.supervisors.add(user)
    return created, len(people) - created


def people_by_number() -> dict[str, User]:
    """Everyone with an employee number: the key demo files name people by."""
    return {u.employee_no: u for u in User.objects.filter(employee_no__isnull=False)}

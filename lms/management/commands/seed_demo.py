"""
The demo academy: a realistic service centre with Chinese names, used by `make run` and for
trying the product. Idempotent: people and teams that exist are left as they are, so running
it twice changes nothing. Demo passwords are created here and nowhere else.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.demo import seed_cases
from certification.demo import seed_certification
from lms.demo.seed import seed_onboarding
from lms.models import Position, Team, User
from lms.roles import Role
from lms.services.people import staff_roles_sync

DEMO_PASSWORD = "Demo-2026"  # noqa: S105 - documented demo password, set only by this command

TEAMS = ("电商一组", "电话二组", "在线三组")


@dataclass(frozen=True)
class DemoPerson:
    employee_no: str
    name: str
    team: str | None
    position: str
    # Days before the first seeding; new hires are recent so onboarding is under way.
    hired_days_ago: int
    username: str | None = None  # demo sign-in accounts; others sign in by employee number
    extra_roles: tuple[Role, ...] = ()
    superuser: bool = False


P = Position
PEOPLE = (
    DemoPerson(
        "KF0001", "系统管理员", None, P.SUPERVISOR, 2400, "admin", (Role.ADMINISTRATOR,), True
    ),
    DemoPerson("KF0002", "刘洋", None, P.SUPERVISOR, 2100, "supervisor"),
    DemoPerson("KF0003", "陈静", None, P.TRAINER, 1500, "trainer"),
    DemoPerson("KF0004", "周敏", None, P.QA, 1300, "qa"),
    DemoPerson("KF0005", "吴磊", None, P.DATA_ANALYST, 900),
    # 电商一组: the demo lead's team, home of the demo agent and new hire
    DemoPerson("KF1001", "张伟", "电商一组", P.TEAM_LEAD, 1600, "lead"),
    DemoPerson("KF1002", "王芳", "电商一组", P.AGENT, 420, "agent"),
    DemoPerson("KF1003", "李强", "电商一组", P.SENIOR_AGENT, 1100),
    DemoPerson("KF1004", "赵敏", "电商一组", P.AGENT, 260),
    DemoPerson("KF1005", "孙丽", "电商一组", P.SENIOR_AGENT, 980),
    DemoPerson("KF1006", "黄志强", "电商一组", P.AGENT, 150),
    DemoPerson("KF1101", "杨晨", "电商一组", P.AGENT, 12, "newhire"),
    DemoPerson("KF1102", "何雨欣", "电商一组", P.AGENT, 12),
    DemoPerson("KF1103", "郭子豪", "电商一组", P.AGENT, 12),
    # 电话二组
    DemoPerson("KF2001", "马丽娟", "电话二组", P.TEAM_LEAD, 1400),
    DemoPerson("KF2002", "林俊杰", "电话二组", P.SENIOR_AGENT, 870),
    DemoPerson("KF2003", "高珊", "电话二组", P.AGENT, 330),
    DemoPerson("KF2004", "罗斌", "电话二组", P.AGENT, 200),
    DemoPerson("KF2005", "郑晓燕", "电话二组", P.AGENT, 95),
    DemoPerson("KF2006", "宋佳琪", "电话二组", P.AGENT, 800),  # ready for 资深客服
    DemoPerson("KF2101", "谢婷", "电话二组", P.AGENT, 12),
    DemoPerson("KF2102", "韩冬", "电话二组", P.AGENT, 12),
    # 在线三组
    DemoPerson("KF3001", "唐嘉怡", "在线三组", P.TEAM_LEAD, 1250),
    DemoPerson("KF3002", "冯凯", "在线三组", P.SENIOR_AGENT, 760),
    DemoPerson("KF3003", "曹雪", "在线三组", P.AGENT, 410),
    DemoPerson("KF3004", "彭宇", "在线三组", P.AGENT, 180),
    DemoPerson("KF3101", "邓佳", "在线三组", P.AGENT, 12),
)


class Command(BaseCommand):
    help = "Create the demo academy (teams, leads, trainers, agents, new hires). Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
        groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
        today = timezone.localdate()
        created = 0
        for person in PEOPLE:
            user, was_created = User.objects.get_or_create(
                employee_no=person.employee_no,
                defaults={
                    "username": person.username or person.employee_no,
                    "display_name": person.name,
                    "team": teams.get(person.team),
                    "position": person.position,
                    "hire_date": today - dt.timedelta(days=person.hired_days_ago),
                    "is_superuser": person.superuser,
                    "is_staff": person.superuser,
                },
            )
            if not was_created:
                continue
            created += 1
            if person.username:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
            staff_roles_sync(users=[user])
            user.groups.add(*(groups[role] for role in person.extra_roles))
            if person.position == Position.SUPERVISOR and not person.superuser:
                for team in teams.values():
                    team.supervisors.add(user)
        curriculum = seed_onboarding(today)
        seed_cases(curriculum.get_parent())
        seed_certification(today)
        self.stdout.write(
            f"Demo academy: {created} people created, {len(PEOPLE) - created} already present. "
            f"Sign in as admin, trainer, lead, agent or newhire with password {DEMO_PASSWORD}."
        )

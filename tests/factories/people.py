import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from lms.models import Position, Team, User
from lms.services.people import staff_roles_sync

PASSWORD = "Test-pass-2026"


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}组")


class UserFactory(DjangoModelFactory):
    """A person with the role group their position implies, signing in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    employee_no = factory.Sequence(lambda n: f"T{n:05d}")
    display_name = factory.Faker("name", locale="zh_CN")
    position = Position.AGENT
    team = factory.SubFactory(TeamFactory)
    hire_date = factory.Faker("date_between", start_date="-3y", end_date="-30d")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """By default the academy's own rule (position → role, team lead → leads the team)."""
        if not create:
            return
        staff_roles_sync(users=[self])
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role.value)[0])

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        """UserFactory(leads=[team]) makes the person a lead of those teams."""
        if create and extracted:
            for team in extracted:
                team.leads.add(self)

    @factory.post_generation
    def supervises(self, create, extracted, **kwargs):
        if create and extracted:
            for team in extracted:
                team.supervisors.add(self)

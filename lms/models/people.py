"""People and teams of the service centre: who works where, in which position."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.person_rows import KeptRowsQuerySet


class Position(models.TextChoices):
    """
    A person's post on the career ladder (岗位). The vertical track runs agent → senior
    agent → team lead → supervisor; trainer, QA and data analyst are lateral moves. The
    position is HR's fact about a person; what they may do in the academy comes from their
    role groups (see lms.roles), which imports derive from the position.
    """

    AGENT = "agent", _("Customer service agent")
    SENIOR_AGENT = "senior_agent", _("Senior agent")
    TEAM_LEAD = "team_lead", _("Team lead")
    SUPERVISOR = "supervisor", _("Operations supervisor")
    TRAINER = "trainer", _("Trainer")
    QA = "qa", _("QA specialist")
    DATA_ANALYST = "data_analyst", _("Data analyst")


class Team(models.Model):
    """
    A front-line team (班组). Leads see and sign off their own team's people only; a
    supervisor oversees several teams. Both are many-to-many because centres run shifts
    with two leads per team and supervisors responsible for a floor.
    """

    name = models.CharField(_("name"), max_length=64, unique=True)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="led_teams",
        blank=True,
        verbose_name=_("team leads"),
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="supervised_teams",
        blank=True,
        verbose_name=_("supervisors"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class StaffManager(UserManager.from_queryset(KeptRowsQuerySet)):
    """Django's user manager, whose bulk writes (an HR import) count as changes to the
    people's own rows (lms.person_rows)."""


class User(AbstractUser):
    """
    A member of staff who signs in to the academy. The HR record (employee number, name,
    team, position, hire date) lives on the user itself so every page that lists people
    needs one table, not a join per person.
    """

    # NULL rather than "" for accounts without an HR record (e.g. a technical admin), so the
    # unique constraint holds only between real employee numbers.
    employee_no = models.CharField(
        _("employee number"), max_length=32, unique=True, null=True, blank=True
    )
    display_name = models.CharField(
        _("display name"),
        max_length=64,
        blank=True,
        help_text=_("The name colleagues know, e.g. 王芳."),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.AGENT
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    # When the person took up their current position; NULL means since the hire date.
    # Promotion steps count tenure in the current position from here.
    position_since = models.DateField(_("in this position since"), null=True, blank=True)
    # The language e-mails are written in (the site itself follows the browser's choice);
    # empty: the centre's language.
    language = models.CharField(
        _("e-mail language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    objects = StaffManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["employee_no", "username"]
        permissions = [
            ("view_team_people", _("Can see the people of the teams they lead or supervise")),
            ("view_all_staff", _("Can see the people of every team")),
            ("import_staff", _("Can bulk import staff from HR files")),
            ("sign_off_golive", _("Can sign off new hires to go live")),
            ("review_written_answers", _("Can score written quiz replies")),
            ("view_learner_results", _("Can see every learner's quiz results")),
        ]

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        # Wagtail and Django show this wherever a person is named; Chinese names are not
        # "first last", so the HR display name wins.
        return self.display_name or super().get_full_name() or self.username

    def get_short_name(self):
        return self.display_name or self.first_name or self.username

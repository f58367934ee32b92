"""
The shared world most tests need: three teams, their people in every role, and clients
signed in as each of them.
"""

import os
from dataclasses import dataclass

import pytest

from lms.models import Position, Team, User
from lms.roles import Role
from tests.factories import TeamFactory, UserFactory
from tests.factories.people import PASSWORD


@dataclass
class Academy:
    team_a: Team
    team_b: Team
    team_c: Team
    lead_a: User
    lead_b: User
    agent_a: User
    newhire_a: User
    agent_b: User
    agent_c: User
    supervisor: User  # supervises teams A and B, not C
    trainer: User
    qa: User
    admin: User

    def by_role(self) -> dict[str, User]:
        return {
            "agent": self.agent_a,
            "newhire": self.newhire_a,
            "lead": self.lead_a,
            "supervisor": self.supervisor,
            "trainer": self.trainer,
            "qa": self.qa,
            "admin": self.admin,
        }


def build_academy() -> Academy:
    team_a = TeamFactory(name="电商一组")
    team_b = TeamFactory(name="电话二组")
    team_c = TeamFactory(name="在线三组")
    return Academy(
        team_a=team_a,
        team_b=team_b,
        team_c=team_c,
        lead_a=UserFactory(
            username="lead_a", display_name="张伟", team=team_a, position=Position.TEAM_LEAD,
            leads=[team_a],
        ),
        lead_b=UserFactory(
            username="lead_b", display_name="马丽娟", team=team_b, position=Position.TEAM_LEAD,
            leads=[team_b],
        ),
        agent_a=UserFactory(username="agent_a", display_name="王芳", team=team_a),
        newhire_a=UserFactory(username="newhire_a", display_name="杨晨", team=team_a),
        agent_b=UserFactory(username="agent_b", display_name="林俊杰", team=team_b),
        agent_c=UserFactory(username="agent_c", display_name="曹雪", team=team_c),
        supervisor=UserFactory(
            username="supervisor", display_name="刘洋", team=None, position=Position.SUPERVISOR,
            supervises=[team_a, team_b],
        ),
        trainer=UserFactory(
            username="trainer", display_name="陈静", team=None, position=Position.TRAINER
        ),
        qa=UserFactory(username="qa", display_name="周敏", team=None, position=Position.QA),
        admin=UserFactory(
            username="admin", display_name="系统管理员", team=None, position=Position.SUPERVISOR,
            roles=[Role.ADMINISTRATOR],
        ),
    )  # fmt: skip


@pytest.fixture
def academy(db) -> Academy:
    return build_academy()


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that person and returns the client."""

    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


def pytest_collection_modifyitems(items):
    """
    Every test that commits for real restores the migrated data (role groups, Wagtail's
    locale and root page) from a serialized copy. A flush without it re-creates the role
    groups under new ids (post_migrate) and drops the locale, so a later test restoring
    the copy collided on a group's name, or found no locale: the order of the whole suite,
    not the test, decided.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in getattr(item, "fixturenames", ()) or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True}
            item.add_marker(pytest.mark.django_db(**kwargs, serialized_rollback=True), append=False)


@pytest.fixture(autouse=True)
def _fresh_caches(request):
    """Each test starts with empty caches: the worker's memory (menus keep the library's
    address there) and, for tests that use the database, the shared cache, which lives in
    a database table as it does in an installation without Redis."""
    from django.core.cache import caches

    caches["local"].clear()
    marker = request.node.get_closest_marker("django_db")
    if marker or {"db", "transactional_db"} & set(request.fixturenames):
        transactional = "transactional_db" in request.fixturenames or (
            marker is not None and marker.kwargs.get("transaction")
        )
        request.getfixturevalue("transactional_db" if transactional else "db")
        caches["default"].clear()
    yield


def _sqlite_copy(source: str, target: str) -> None:
    """A consistent copy of a SQLite database: through SQLite's backup, because in WAL mode
    (lms.settings) the last commits live in the `-wal` file beside it, which a file copy
    leaves behind."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


def _mutant_copies_prune(name: str) -> None:
    """The database copies of mutmut workers that have ended (each worker exits at once,
    leaving its copy; 2 MB a mutant adds up over a thousand)."""
    import glob

    for path in glob.glob(f"{glob.escape(name)}.*"):
        pid = path[len(name) + 1 :].split("-")[0]
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            os.remove(path)
        except (ValueError, PermissionError):
            continue


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_blocker):
    """
    The test database, set up as pytest-django does, except under mutmut (`make mutation`).

    mutmut runs the whole selection twice in one process (the stats run, then the clean
    run), then forks a worker per mutant. The database's name carries that process's id,
    and a test that commits for real empties it when it ends (Django flushes after it and
    restores the migrated rows at the next such test's start), so whatever reused it as
    it was left would find no role groups, locale or root page, and fail for a reason
    that is not the mutant. So the first run keeps a copy of the freshly migrated
    database (`<name>.pristine`); the second run and every worker start from that copy,
    each worker on its own file (a worker stopped at its first failure leaves rows), and
    no worker checks every migration again, which took longer than the tests it runs.
    """
    under_test = os.environ.get("MUTANT_UNDER_TEST")
    if under_test is None:
        return request.getfixturevalue("django_db_setup")
    from django.conf import settings
    from django.db import connections

    sqlite = [c for c in connections.all() if c.vendor == "sqlite"]
    if "__mutmut_" not in under_test:  # the stats or clean run
        for connection in sqlite:
            name = connection.creation._get_test_db_name()
            if os.path.exists(f"{name}.pristine"):
                _sqlite_copy(f"{name}.pristine", name)
        result = request.getfixturevalue("django_db_setup")
        for connection in sqlite:
            name = connection.creation._get_test_db_name()
            if not os.path.exists(f"{name}.pristine"):
                _sqlite_copy(connection.settings_dict["NAME"], f"{name}.pristine")
        return result
    for connection in connections.all():
        name = connection.creation._get_test_db_name()
        if connection.vendor == "sqlite" and os.path.exists(f"{name}.pristine"):
            _mutant_copies_prune(name)
            own = f"{name}.{os.getpid()}"
            _sqlite_copy(f"{name}.pristine", own)
            name = own
        connection.close()
        connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = name
    return None

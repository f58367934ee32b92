import time
import uuid
from unittest import mock

from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone


def test_health_reports_database_and_queue_as_json(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["database"]["ok"] is True
    # No cluster runs in the test process: reported, but the site is still up.
    assert data["queue"] == {
        "ok": False, "clusters": 0, "workers": 0, "statuses": [], "uptime_seconds": []
    }  # fmt: skip
    assert data["status"] == "degraded"


def test_health_sees_a_running_cluster_through_the_shared_cache(db, client):
    from django_q.conf import Conf

    cluster = mock.Mock(status=Conf.IDLE, workers=[1, 2], **{"uptime.return_value": 41.6})
    with mock.patch("lms.views.health.Stat.get_all", return_value=[cluster]):
        data = client.get(reverse("healthz")).json()
    assert data["status"] == "ok"
    assert data["queue"]["clusters"] == 1
    assert data["queue"]["workers"] == 2
    assert data["queue"]["uptime_seconds"] == [42]


class _Sentinel:
    """What django-q2's Stat reads off a running cluster's sentinel process."""

    def __init__(self):
        from django_q.brokers import get_broker

        self.broker = get_broker()
        self.parent_pid, self.pid = 4321, 4322
        self.cluster_id = uuid.uuid4()
        self.tob = timezone.now()
        self.reincarnations = 0
        self.monitor = self.pusher = None
        self.result_queue = self.task_queue = mock.Mock(**{"qsize.return_value": 0})
        self.pool = [mock.Mock(pid=4323), mock.Mock(pid=4324)]

    def status(self):
        from django_q.conf import Conf

        return Conf.IDLE


def test_a_cluster_that_stops_reporting_is_down_within_three_seconds(db, client):
    """A cluster killed outright cannot say it stopped: its last report must not keep the
    health check "ok". django-q2 gives each report a three-second lifetime."""
    from django_q.status import Stat

    Stat(_Sentinel()).save()  # the last report of a cluster that is then killed
    queue = client.get(reverse("healthz")).json()["queue"]
    assert (queue["ok"], queue["clusters"], queue["workers"]) == (True, 1, 2)
    time.sleep(3.2)
    data = client.get(reverse("healthz")).json()
    assert data["status"] == "degraded"
    assert (data["queue"]["ok"], data["queue"]["clusters"]) == (False, 0)


def test_health_answers_503_when_the_database_is_unreachable(db, client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}

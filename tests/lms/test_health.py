from unittest import mock

from django.db import OperationalError
from django.urls import reverse


def test_health_reports_database_and_queue_as_json(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["database"]["ok"] is True
    # No cluster runs in the test process: reported, but the site is still up.
    assert data["queue"] == {"ok": False, "clusters": 0, "workers": 0, "statuses": []}
    assert data["status"] == "degraded"


def test_health_sees_a_running_cluster_through_the_shared_cache(db, client):
    from django_q.conf import Conf

    cluster = mock.Mock(status=Conf.IDLE, workers=[1, 2])
    with mock.patch("lms.views.health.Stat.get_all", return_value=[cluster]):
        data = client.get(reverse("healthz")).json()
    assert data["status"] == "ok"
    assert data["queue"]["clusters"] == 1
    assert data["queue"]["workers"] == 2


def test_health_answers_503_when_the_database_is_unreachable(db, client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}

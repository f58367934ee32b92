import time

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django_q.conf import Conf
from django_q.status import Stat


def _database_status() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 1)}


def _queue_status() -> dict:
    """
    What the django-q2 clusters last reported about themselves. Each cluster rewrites its
    report every guard cycle (half a second) with a three-second lifetime (django-q2's
    Stat.save), so a cluster that was killed drops out of this list within three seconds:
    no stale "ok". Uptimes tell a restarted cluster from the one before it.
    """
    try:
        stats = Stat.get_all()
    except Exception as exc:  # the shared cache itself may be down
        return {"ok": False, "clusters": 0, "error": exc.__class__.__name__}
    running = [s for s in stats if s.status in (Conf.IDLE, Conf.WORKING, Conf.STARTING)]
    return {
        "ok": bool(running),
        "clusters": len(running),
        "workers": sum(len(s.workers) for s in running),
        "statuses": sorted({str(s.status) for s in stats}),
        "uptime_seconds": sorted(round(s.uptime()) for s in running if s.tob),
    }


@never_cache
def healthz(request):
    """
    Liveness for load balancers and monitoring: 503 only when the database is unreachable
    (the site cannot serve anything); a stopped queue cluster is reported, not fatal.
    """
    database = _database_status()
    queue = _queue_status() if database["ok"] else {"ok": False, "clusters": 0}
    status = "ok" if database["ok"] and queue["ok"] else ("degraded" if database["ok"] else "down")
    return JsonResponse(
        {"status": status, "database": database, "queue": queue},
        status=200 if database["ok"] else 503,
    )

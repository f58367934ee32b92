"""Queueing background jobs (django-q2). Services queue by dotted path, so they never import
the task modules that call them; call inside transaction.on_commit for new rows."""

from django_q.tasks import async_task


def enqueue(func_path: str, *args, **kwargs) -> str:
    return async_task(func_path, *args, **kwargs)

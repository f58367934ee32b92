"""
django-q2's `qcluster`, with every process it forks ending when the process that forked it
ends.

qcluster's main process only waits for its sentinel, which forks the workers. When the main
process is killed outright (SIGKILL, the OOM killer), the sentinel and its workers carry on
as orphans: still taking jobs and still reporting the cluster healthy, while the process
runner starts a second cluster beside them and Ctrl-C no longer reaches them. systemd
(KillMode=control-group) cleans such orphans up; supervisord (`make run`) does not. Here the
kernel does it: each forked child asks for SIGKILL when its parent dies (Linux's
PR_SET_PDEATHSIG), so the whole tree goes with the main process and the runner restarts a
clean cluster.
"""

import ctypes
import os
import signal
import sys

from django_q.management.commands.qcluster import Command as QclusterCommand

PR_SET_PDEATHSIG = 1
_forking_pid = 0


def _note_forking_process() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _end_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != _forking_pid:  # the parent died before the request took effect
        os._exit(1)


class Command(QclusterCommand):
    help = "Start the django-q2 cluster; its processes end when it is killed."

    def handle(self, *args, **options):
        if sys.platform.startswith("linux"):
            os.register_at_fork(before=_note_forking_process, after_in_child=_end_with_parent)
        return super().handle(*args, **options)

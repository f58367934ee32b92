"""
Events the case library announces to apps built on it (certification listens): within
the app, services call each other explicitly.
"""

from django.dispatch import Signal

# Sent inside the transaction that finished a practice run, or changed whether it passed
# (a reviewer's override), with `run`. Receivers that do more than read defer their work
# with transaction.on_commit, so a failure there never undoes the learner's score.
practice_run_scored = Signal()

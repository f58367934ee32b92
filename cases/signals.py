"""
Events the case library announces to apps built on it (certification listens): within
the app, services call each other explicitly.
"""

from django.dispatch import Signal

# Sent inside the transaction that finished a practice run, or changed whether it passed
# (a reviewer's override), with `run`. Receivers that do more than read defer their work
# with transaction.on_commit, so a failure there never undoes the learner's score.
practice_run_scored = Signal()

# Sent when a person opens a simulation's page, with `user` and `simulation`. A receiver
# returns what the run means for it as a list of (kind, text) lines for the page — kind
# "info" or "warning" — or an empty list: a level's exam includes the conversation, and the
# person's counted tries are left or used up. Receivers only read (a GET never writes).
practice_page_notes = Signal()

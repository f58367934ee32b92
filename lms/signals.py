"""
Events the core announces to feature apps it may not know about (see lms.features for the
rest of the plug-in points). Within an app, services call each other explicitly.
"""

from django.dispatch import Signal

# Sent inside the grading transaction once an attempt has its final grade, with
# `attempt`. Receivers that do more than read should defer their work with
# transaction.on_commit, so a failure there never undoes or hides the learner's grade.
attempt_graded = Signal()

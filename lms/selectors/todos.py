"""
A lead's to-do list (班组长工作台): what waits for them, counted over their own teams only
(lms.selectors.people), each line from the core or a feature (lms.features.LeadTodo). The
counts are COUNT queries, a fixed number whatever the teams' size; the menu's badges read
the same counts from the shared cache for a minute, dropped when the lead acts.
"""

from dataclasses import dataclass

from django.core.cache import cache

from lms.features import lead_todos
from lms.selectors.learning import reviewable_items_for
from lms.selectors.people import can_view_teams, staff_visible_to

TODO_CACHE_SECONDS = 60


@dataclass
class TodoLine:
    key: str
    label: str
    count: int
    url: str


def todo_people(viewer):
    """The people a lead's to-dos are about: active members of their teams, not themselves."""
    return staff_visible_to(viewer).filter(is_active=True).exclude(pk=viewer.pk)


def lead_todo_lines(viewer) -> list[TodoLine]:
    """Every line that concerns this viewer, with its count (zero counts included)."""
    if not can_view_teams(viewer):
        return []
    people = todo_people(viewer)
    lines = []
    for todo in lead_todos():
        count = todo.count(viewer, people)
        if count is None:
            continue
        lines.append(TodoLine(todo.key, str(todo.label), count, todo.url()))
    return lines


def _cache_key(viewer) -> str:
    return f"lead-todos:{viewer.pk}"


def lead_todo_counts(viewer) -> dict[str, int]:
    """{line key: count} for the menu, kept in the shared cache for a minute."""
    if not can_view_teams(viewer):
        return {}
    counts = cache.get(_cache_key(viewer))
    if counts is None:
        counts = {line.key: line.count for line in lead_todo_lines(viewer)}
        cache.set(_cache_key(viewer), counts, TODO_CACHE_SECONDS)
    return counts


def lead_todo_counts_forget(viewer) -> None:
    """After the lead scored, signed off or chased someone: the badges count again."""
    cache.delete_many([_cache_key(viewer), f"reply-badge:{viewer.pk}"])


def menu_badge_team(viewer) -> int:
    """The team menu entry's badge: every to-do but the replies (the scoring entry's)."""
    counts = lead_todo_counts(viewer)
    return sum(count for key, count in counts.items() if key != "replies")


def menu_badge_replies(viewer) -> int:
    """Replies waiting for this person's score: a lead's own teams, or everyone's for QA."""
    counts = lead_todo_counts(viewer)
    if "replies" in counts:
        return counts["replies"]
    key = f"reply-badge:{viewer.pk}"
    count = cache.get(key)
    if count is None:
        count = reviewable_items_for(viewer).count()
        cache.set(key, count, TODO_CACHE_SECONDS)
    return count

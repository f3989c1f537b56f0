"""Words for the home page's deadlines."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def days_left_words(days: int | None) -> str:
    """How far away a deadline is, in words: "12 days left", "1 day left", "today",
    "1 day overdue", "3 days overdue"."""
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} overdue"

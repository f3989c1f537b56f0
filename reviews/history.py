"""The review's history as people read it: every status change and review event, oldest first,
each as a whole sentence ("Question asked: the whole self-assessment"), with who and when.

Events keep short machine-readable subjects and details (`ReviewEvent.subject` holds at most 20
characters, so older rows may carry "The whole self-asses"); the words are made here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from engagement_portal.dates import govuk_date
from reviews.models import ReviewEvent

K = ReviewEvent.Kind


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    text: str
    by: str


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "nobody"


def _subject(subject: str) -> str:
    """A question's subject, whole: "Criterion 1.1", "Principle 3", "The whole self-assessment"."""
    if not subject or subject.startswith("The whole"):
        return "The whole self-assessment"
    return subject


def _score(detail: str) -> str:
    from assessments.answers import score_label

    if detail.isdigit():
        return score_label(int(detail))
    return "Not evidenced" if detail == "not evidenced" else detail


def describe(event: ReviewEvent, names: dict[str, str]) -> str:
    """One event in words. `names` maps usernames to full names (assignments name a username)."""
    kind, subject, detail = event.kind, event.subject, event.detail
    if kind == K.ASSIGNED:
        return "Unassigned" if detail == "nobody" else f"Assigned to {names.get(detail, detail)}"
    if kind == K.SCORED:
        return f"Criterion {subject} scored: {_score(detail)}"
    if kind == K.OVERRIDE:
        return f"Principle {subject}'s score overridden: {detail}"
    if kind == K.OVERRIDE_REMOVED:
        return f"Principle {subject}'s override removed"
    if kind == K.QUESTION:
        return f"Question asked: {_subject(subject)}"
    if kind == K.REPLY:
        whole = _subject(subject)
        return f"Reply in the thread on {whole[0].lower()}{whole[1:]}"
    if kind == K.RETURNED:
        return (
            f"Returned to the organisation, {detail}"
            if detail.startswith("reply by")
            else (f"Returned to the organisation: {detail}")
        )
    if kind == K.SHARED:
        try:
            due = govuk_date(datetime.date.fromisoformat(detail))
        except ValueError:
            due = detail
        return f"Draft outcome shared; factual-accuracy comments due by {due}"
    if kind == K.FA_COMMENT:
        return "Factual-accuracy comment received"
    if kind == K.FA_RESPONSE:
        return "Factual-accuracy comment answered"
    if kind == K.FINALISED:
        return f"Outcome finalised: {detail}" if detail else "Outcome finalised"
    if kind == K.MODERATED:
        what = "agreed with the score" if detail == "agrees" else detail
        return f"Principle {subject} moderated: {what}"
    return event.get_kind_display()


def entries(transitions, events, people, known=()) -> list[Entry]:
    """Status changes and events together, oldest first. An assignment event names a person by
    username: `known` (people the page has read already, such as the review's assessor) names
    them if it can, and `people` (the assessors, or a function that reads them) otherwise, read
    only then, so a review assigned to no one but its assessor costs the page no query for it."""
    events = list(events)
    names = {p.get_username(): _person(p) for p in known if p is not None}
    wanted = {e.detail for e in events if e.kind == K.ASSIGNED and e.detail != "nobody"}
    if wanted - set(names):
        names.update({p.get_username(): _person(p) for p in (people() if callable(people) else people)})
    rows = [
        Entry(t.at, f"Status changed to {t.get_to_status_display().lower()}", _person(t.by))
        for t in transitions
    ]
    # A reason or message that ends in a full stop would read "comments., by": the list adds its own.
    rows += [Entry(e.at, describe(e, names).rstrip(". "), _person(e.by)) for e in events]
    return sorted(rows, key=lambda entry: entry.at)

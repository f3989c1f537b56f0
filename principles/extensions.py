"""What apps above the rubric can hang on it, without the rubric importing them.

Question sets (voices/, floor 5) belong to a rubric version as its principles do, but principles/
is on floor 2 and must not know voices/ exists. So it offers three things, which an app
registers with in its AppConfig.ready:

- `draft_created`, a signal sent (inside the transaction that makes the draft) when a draft is
  copied from a version: the app copies its own rows across (voices: the question sets).
- `register_redline`: a function (old version, new version) -> `RedlineSection`s, shown on the
  compare page after the rubric's own changes (voices: questions added, removed and changed).
- `register_version_links`: a function (version, user) -> [(text, url)], listed on the version's
  page (voices: the version's survey questions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.dispatch import Signal

# sender=RubricVersion; source, draft, by.
draft_created = Signal()


@dataclass(frozen=True)
class RedlineSection:
    """One group of changes another app found: a heading ("Survey questions changed"), its
    status ("added", "removed", "changed"), and items (principles.redline.ItemChange, with
    kind "other" and their own `url`)."""

    heading: str
    status: str
    items: tuple
    # What the summary calls these items, and how many were added, removed and changed.
    summary_name: str = ""


_redline: list[Callable] = []
_version_links: list[Callable] = []


def register_redline(provider: Callable) -> None:
    if provider not in _redline:
        _redline.append(provider)


def register_version_links(provider: Callable) -> None:
    if provider not in _version_links:
        _version_links.append(provider)


def redline_sections(old, new) -> list[RedlineSection]:
    return [section for provider in _redline for section in provider(old, new)]


def version_links(version, user) -> list[tuple[str, str]]:
    return [link for provider in _version_links for link in provider(version, user)]

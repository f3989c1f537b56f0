"""Small numbers: never show a count that could identify someone, directly or by subtraction.

Every published table of counts is a set of cells joined by *lines*: equations "this total is
the sum of these cells" (a row of a table and its total; a column of a breakdown and its total).
Primary suppression hides every count from 1 to threshold - 1. Secondary suppression then looks
at every line: if it hides anything, it must hide at least two of its members, and when its
total is shown, the hidden cells must add up to at least the threshold, so that subtracting the
cells shown from the total never gives a small number (or one hidden cell exactly). It hides the
smallest other non-zero cell of the line until both hold, and repeats over all lines until
nothing changes. Zeros are shown: a zero identifies nobody, and a hidden cell is then known to
be at least 1, which the rules allow for.

Cells marked `fixed` were decided by another table (the overall counts that are a breakdown's
margins): they are never changed here, so every table shows the same numbers for them.

A "choose any" question is a table per choice of its own: "chose it" and "did not", out of
everyone who answered; `binary` hides a count when it, or its complement, is small.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    total: Hashable
    members: tuple[Hashable, ...]


def suppress(
    counts: Mapping[Hashable, int],
    lines: Sequence[Line],
    threshold: int,
    *,
    fixed: Mapping[Hashable, bool] | None = None,
) -> set[Hashable]:
    """The cells to hide. `fixed` maps cells decided elsewhere to whether they are hidden."""
    fixed = dict(fixed or {})
    hidden = {cell for cell, hide in fixed.items() if hide}
    hidden |= {cell for cell, n in counts.items() if cell not in fixed and 0 < n < threshold}
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = (line.total, *line.members)
            hidden_here = [cell for cell in cells if cell in hidden]
            if not hidden_here:
                continue
            safe = len(hidden_here) >= 2
            if safe and line.total not in hidden:
                safe = sum(counts[cell] for cell in line.members if cell in hidden) >= threshold
            if safe:
                continue
            candidates = sorted(
                (
                    cell
                    for cell in line.members
                    if cell not in hidden and cell not in fixed and counts[cell] > 0
                ),
                key=lambda cell: (counts[cell], str(cell)),
            )
            if (
                not candidates
                and line.total not in hidden
                and line.total not in fixed
                and counts[line.total] > 0
            ):
                candidates = [line.total]
            if candidates:
                hidden.add(candidates[0])
                changed = True
    return hidden


def binary(count: int, total: int, threshold: int) -> bool:
    """Whether to hide a "chose it" count out of `total`: it or its complement is small."""
    return 0 < count < threshold or 0 < total - count < threshold


def line_is_safe(
    counts: Mapping[Hashable, int], hidden: Iterable[Hashable], line: Line, threshold: int
) -> bool:
    """The property every published line keeps (tests/voices/test_disclosure.py): nothing shown is
    small, and what can be worked out by subtraction is never small or a single hidden cell."""
    hidden = set(hidden)
    cells = (line.total, *line.members)
    if any(cell not in hidden and 0 < counts[cell] < threshold for cell in cells):
        return False
    hidden_here = [cell for cell in cells if cell in hidden]
    if not hidden_here:
        return True
    if len(hidden_here) < 2:
        return False
    if line.total in hidden:
        return True
    residual = counts[line.total] - sum(counts[cell] for cell in line.members if cell not in hidden)
    return residual >= threshold

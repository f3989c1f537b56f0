"""Small numbers never show, directly or by subtraction (Hypothesis).

The results pages, the charts, the exports and the filed snapshot all print the cells that
voices/results.py builds, and a hidden cell there carries no number at all. So the property is
checked on those cells: for random tables of answers, no cell shown is below the threshold, and no
line (a total and the cells that add up to it) lets a hidden cell be worked out by subtracting
the cells shown from the total.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from voices import disclosure
from voices.answering import Step
from voices.choices import NOT_ANSWERED
from voices.results import _multiple_table, _single_table

thresholds = st.integers(min_value=5, max_value=15)


def step(n: int, kind: str = "single") -> Step:
    return Step(
        key="q1",
        text="Q",
        hint="",
        kind=kind,
        choices=tuple((f"v{i}", f"Answer {i}", "") for i in range(n)),
        required=True,
        question_id=1,
    )


@settings(max_examples=400, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=8),
    skipped=st.integers(min_value=0, max_value=30),
    threshold=thresholds,
)
def test_a_question_table_never_reveals_a_small_count(counts, skipped, threshold):
    respondents = sum(counts) + skipped
    assume(respondents >= threshold)  # below it, results.build shows no tables at all
    s = step(len(counts))
    cells, _ = _single_table(
        s, {f"v{i}": n for i, n in enumerate(counts)}, respondents, threshold, with_not_answered=False
    )
    true = {f"v{i}": n for i, n in enumerate(counts)}
    if skipped:
        true[NOT_ANSWERED[0]] = skipped
    assert [c.value for c in cells] == list(true)
    for cell in cells:
        assert cell.hidden or not 0 < cell.count < threshold
        assert (cell.percent is None) == cell.hidden
        if not cell.hidden:
            assert cell.count == true[cell.value]
    hidden = [c for c in cells if c.hidden]
    if hidden:
        # The total is shown: what subtraction gives is the hidden cells' sum, never small, and
        # never a single hidden cell.
        assert len(hidden) >= 2
        assert respondents - sum(c.count for c in cells if not c.hidden) >= threshold


@settings(max_examples=300, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=8),
    extra=st.integers(min_value=0, max_value=40),
    threshold=thresholds,
)
def test_a_choose_any_question_never_reveals_a_small_count_or_complement(counts, extra, threshold):
    respondents = max(counts) + extra
    assume(respondents >= threshold)
    cells = _multiple_table(
        step(len(counts), "multiple"), {f"v{i}": n for i, n in enumerate(counts)}, respondents, threshold
    )
    for cell, n in zip(cells, counts, strict=True):
        if not cell.hidden:
            assert cell.count == n
            assert not 0 < n < threshold
            assert not 0 < respondents - n < threshold


grids = st.integers(min_value=2, max_value=5).flatmap(
    lambda rows: st.integers(min_value=2, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=25), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=400, deadline=None)
@given(grid=grids, threshold=thresholds)
def test_a_breakdown_is_safe_on_every_line_or_withheld(grid, threshold):
    """As results.breakdown does it: the margins are the overall table's and the profile's cells,
    already decided (fixed); the inner cells are suppressed so every row and column is safe, and a
    breakdown that cannot be made safe is not shown at all."""
    rows, cols = len(grid), len(grid[0])
    row_totals = [sum(r) for r in grid]
    col_totals = [sum(grid[r][c] for r in range(rows)) for c in range(cols)]
    n = sum(row_totals)
    assume(n >= threshold)
    row_hidden = disclosure.suppress(
        {**{("r", r): t for r, t in enumerate(row_totals)}, "N": n},
        [disclosure.Line("N", tuple(("r", r) for r in range(rows)))],
        threshold,
    )
    col_hidden = disclosure.suppress(
        {**{("c", c): t for c, t in enumerate(col_totals)}, "N": n},
        [disclosure.Line("N", tuple(("c", c) for c in range(cols)))],
        threshold,
    )
    counts = {(r, c): grid[r][c] for r in range(rows) for c in range(cols)}
    counts.update({("r", r): t for r, t in enumerate(row_totals)})
    counts.update({("c", c): t for c, t in enumerate(col_totals)})
    lines = [disclosure.Line(("r", r), tuple((r, c) for c in range(cols))) for r in range(rows)]
    lines += [disclosure.Line(("c", c), tuple((r, c) for r in range(rows))) for c in range(cols)]
    fixed = {("r", r): ("r", r) in row_hidden for r in range(rows)}
    fixed.update({("c", c): ("c", c) in col_hidden for c in range(cols)})
    hidden = disclosure.suppress(counts, lines, threshold, fixed=fixed)
    shown = all(disclosure.line_is_safe(counts, hidden, line, threshold) for line in lines)
    if shown:
        for cell, count in counts.items():
            assert cell in hidden or not 0 < count < threshold
        for line in lines:
            members_hidden = [m for m in line.members if m in hidden]
            if line.total not in hidden and members_hidden:
                residual = counts[line.total] - sum(counts[m] for m in line.members if m not in hidden)
                assert residual >= threshold
                assert len(members_hidden) >= 2


def test_the_checker_itself_fails_a_table_that_gives_a_count_away():
    counts = {"total": 30, "a": 3, "b": 27}
    line = disclosure.Line("total", ("a", "b"))
    assert not disclosure.line_is_safe(counts, {"a"}, line, 10)
    assert disclosure.line_is_safe(counts, {"a", "b"}, line, 10)
    assert not disclosure.line_is_safe(
        {"total": 12, "a": 3, "b": 4, "c": 5}, {"a", "b"}, disclosure.Line("total", ("a", "b", "c")), 10
    )

"""A survey's results: counts and percentages per question, the respondents' profile beside the
population's, and breakdowns by an equality group, every count counted by SQL and every table
passed through voices/disclosure.py before anyone sees it.

Nothing here returns a hidden count: a hidden cell carries no number at all, so no template,
chart or export can show one by mistake.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber

from voices import answering, disclosure
from voices.choices import MONITORING_BY_KEY, NOT_ANSWERED
from voices.models import Answer, FreeTextAnswer, PopulationShare, Response, Survey

CHART_WIDTH = 640
LABEL_WIDTH = 250
BAR_HEIGHT = 22
ROW_GAP = 10


@dataclass(frozen=True)
class Cell:
    label: str
    value: str  # the stored answer ("agree", "not_answered")
    count: int | None  # None when hidden
    percent: int | None  # of everyone who answered the survey; None when the count is hidden
    population: Decimal | None = None

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass
class Chart:
    width: int
    height: int
    bars: list[dict]
    description: str


@dataclass
class Table:
    key: str
    text: str
    kind: str  # "single" or "multiple"
    criteria: list[str]
    cells: list[Cell]
    total: int | None
    chart: Chart | None = None


@dataclass
class FreeTextGroup:
    key: str
    text: str
    answers: list[str] = field(default_factory=list)
    waiting: int = 0
    # Every answer included (the page shows the first FREE_TEXT_SHOWN of them).
    included: int = 0

    @property
    def more(self) -> int:
        return self.included - len(self.answers)


@dataclass
class Results:
    survey: Survey
    threshold: int
    respondents: int
    shown: bool
    questions: list[Table]
    profile: list[Table]
    free_text: list[FreeTextGroup]
    # Every counted answer, key -> value -> people (for breakdowns, without counting again).
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Version:
    """Everything a survey's results can change with, read in three small queries: how many
    people answered (responses and their answers are stored together and never change), the
    population profile, and the free-text answers per question and decision with the time of the
    latest decision (a review changes it). The same version means the same results, on any
    server: the results page is kept under it (voices/views.results_page)."""

    respondents: int
    population: tuple[tuple[str, str, Decimal], ...]
    free_text: tuple[tuple[int, str, int, str], ...]  # question, decision, answers, latest decision

    @property
    def waiting(self) -> int:
        """Free-text answers not yet reviewed."""
        return sum(n for _, review, n, _ in self.free_text if review == FreeTextAnswer.Review.PENDING)


def version(survey: Survey) -> Version:
    respondents = Response.objects.filter(survey=survey).count()
    population = tuple(
        PopulationShare.objects.filter(survey=survey)
        .order_by("key", "value")
        .values_list("key", "value", "percent")
    )
    tallies = (
        FreeTextAnswer.objects.filter(survey=survey)
        .values_list("question_id", "review")
        .annotate(n=Count("id"), latest=Max("reviewed_at"))
        .order_by("question_id", "review")
    )
    free_text = tuple(
        (question_id, review, n, latest.isoformat() if latest else "")
        for question_id, review, n, latest in tallies
    )
    return Version(respondents=respondents, population=population, free_text=free_text)


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _chart(table: Table) -> Chart:
    shown = [cell for cell in table.cells if not cell.hidden]
    most = max((cell.count for cell in shown), default=0) or 1
    plot = CHART_WIDTH - LABEL_WIDTH - 60
    bars = []
    y = 0
    for cell in table.cells:
        width = round(plot * cell.count / most) if cell.count else 0
        bars.append(
            {
                "label": cell.label,
                "y": y,
                "text_y": y + BAR_HEIGHT - 6,
                "width": width,
                "label_x": LABEL_WIDTH + width + 6,
                "text": "not shown" if cell.hidden else f"{cell.count} ({cell.percent}%)",
                "hidden": cell.hidden,
            }
        )
        y += BAR_HEIGHT + ROW_GAP
    described = "; ".join(
        f"{cell.label}: {'not shown' if cell.hidden else f'{cell.count}, {cell.percent}%'}"
        for cell in table.cells
    )
    return Chart(
        width=CHART_WIDTH,
        height=max(y, BAR_HEIGHT),
        bars=bars,
        description=f"Bar chart of the answers to “{table.text}”. {described}.",
    )


def _single_table(step, counts: dict[str, int], respondents: int, threshold: int, *, with_not_answered: bool):
    values = [(value, words) for value, words, _ in step.choices]
    row = {value: counts.get(value, 0) for value, _ in values}
    answered = sum(row.values())
    if with_not_answered or answered < respondents:
        values.append(NOT_ANSWERED)
        row[NOT_ANSWERED[0]] = respondents - answered
    row_counts = {**row, "__total__": respondents}
    hidden = disclosure.suppress(row_counts, [disclosure.Line("__total__", tuple(row))], threshold)
    cells = [
        Cell(
            label=words,
            value=value,
            count=None if value in hidden else row[value],
            percent=None if value in hidden else _percent(row[value], respondents),
        )
        for value, words in values
    ]
    return cells, hidden


def _multiple_table(step, counts: dict[str, int], respondents: int, threshold: int) -> list[Cell]:
    cells = []
    for value, words, _ in step.choices:
        n = counts.get(value, 0)
        hide = disclosure.binary(n, respondents, threshold)
        cells.append(
            Cell(
                label=words,
                value=value,
                count=None if hide else n,
                percent=None if hide else _percent(n, respondents),
            )
        )
    return cells


def _cache_key(survey: Survey, respondents: int, *parts: str) -> str:
    """A response and its answers are stored together, once, and never change or go, so a
    survey's counts are fixed by how many people have answered: a key with that number is never
    stale, on any app server, and a new response simply makes a new key. (The time it opened
    tells apart two surveys that reused an id, as a test database does.)"""
    opened = survey.opened_at.isoformat() if survey.opened_at else "draft"
    return ":".join(["voices.counts", str(survey.pk), opened, str(respondents), *parts])


COUNTS_CACHE_SECONDS = 60 * 60


def counts_by_key(survey: Survey, respondents: int | None = None) -> dict[str, dict[str, int]]:
    """Every counted answer of the survey, counted in one query: key -> value -> people.
    Kept in the cache under the number of respondents when it is given."""
    key = _cache_key(survey, respondents) if respondents is not None else None
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    rows = Answer.objects.filter(survey=survey).values_list("key", "value").annotate(n=Count("id")).order_by()
    for key_, value, n in rows:
        counts[key_][value] = n
    counts = dict(counts)
    if key is not None:
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


# The results page shows this many included free-text answers a question; filing keeps them all.
FREE_TEXT_SHOWN = 50


def build(
    survey: Survey,
    *,
    include_free_text: bool = True,
    free_text_limit: int | None = None,
    current: Version | None = None,
) -> Results:
    """Every table, counted by SQL in a fixed number of queries however many people answered:
    the respondents, the answers grouped by key and value, the population, and (with free text)
    the free-text answers grouped by question and decision and the included ones themselves
    (at most `free_text_limit` a question, in one query). Given the `current` version, its
    counts are not read again."""
    threshold = max(survey.suppression_threshold, 5)
    if current is None:
        current = version(survey) if include_free_text else None
    respondents = current.respondents if current else Response.objects.filter(survey=survey).count()
    steps = answering.steps_for(survey)
    shown = respondents >= threshold
    questions: list[Table] = []
    profile: list[Table] = []
    free_text: list[FreeTextGroup] = []
    counts: dict[str, dict[str, int]] = {}
    if shown:
        counts = counts_by_key(survey, respondents)
        population = {
            (key, value): percent
            for key, value, percent in (
                current.population
                if current
                else PopulationShare.objects.filter(survey=survey).values_list("key", "value", "percent")
            )
        }
        for step in steps:
            if step.kind == "free_text":
                continue
            if step.kind == "multiple":
                cells = _multiple_table(step, counts.get(step.key, {}), respondents, threshold)
                total = respondents
            else:
                cells, _ = _single_table(
                    step,
                    counts.get(step.key, {}),
                    respondents,
                    threshold,
                    with_not_answered=step.is_monitoring,
                )
                total = respondents
            if step.is_monitoring:
                cells = [
                    Cell(c.label, c.value, c.count, c.percent, population.get((step.key, c.value)))
                    for c in cells
                ]
            table = Table(
                key=step.key,
                text=step.text if not step.is_monitoring else MONITORING_BY_KEY[step.key].label,
                kind=step.kind,
                criteria=list(step.criteria),
                cells=cells,
                total=total,
            )
            table.chart = _chart(table)
            (profile if step.is_monitoring else questions).append(table)
    if include_free_text:
        free_text = _free_text(survey, steps, free_text_limit, current.free_text)
    return Results(
        survey=survey,
        threshold=threshold,
        respondents=respondents,
        shown=shown,
        questions=questions,
        profile=profile,
        free_text=free_text,
        counts=counts,
    )


def _free_text(survey: Survey, steps, limit: int | None, tallies) -> list[FreeTextGroup]:
    """Free text that has been reviewed and included (redacted where the reviewer said so), the
    first `limit` a question (all with None), and how many answers still wait for review
    (`tallies`: the version's answers per question and decision)."""
    groups = {
        step.question_id: FreeTextGroup(key=step.key, text=step.text)
        for step in steps
        if step.kind == "free_text"
    }
    published = [FreeTextAnswer.Review.INCLUDE, FreeTextAnswer.Review.REDACT]
    for question_id, review, n, _ in tallies:
        group = groups.get(question_id)
        if group is None:
            continue
        if review == FreeTextAnswer.Review.PENDING:
            group.waiting += n
        elif review in published:
            group.included += n
    if not any(group.included for group in groups.values()):
        return list(groups.values())
    rows = FreeTextAnswer.objects.filter(survey=survey, review__in=published)
    if limit is not None:
        rows = rows.annotate(
            place=Window(RowNumber(), partition_by=[F("question_id")], order_by=[F("pk").asc()])
        ).filter(place__lte=limit)
    for question_id, review, text, redacted in rows.values_list(
        "question_id", "review", "text", "redacted_text"
    ).order_by("question_id", "pk"):
        group = groups.get(question_id)
        if group is not None:
            group.answers.append(redacted if review == FreeTextAnswer.Review.REDACT else text)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# Breakdowns by an equality group


@dataclass
class Breakdown:
    dimension: str
    label: str
    question: Table
    columns: list[tuple[str, str, int | None]]  # value, words, column total (None when hidden)
    rows: list[tuple[Cell, list[int | None]]]  # the question's cell, then a count per column
    shown: bool


def breakdown(survey: Survey, results: Results, dimension: str) -> list[Breakdown]:
    """Each single-answer question broken down by one equality-monitoring question, counted in
    one query. A breakdown whose small numbers cannot be protected is not shown at all."""
    threshold = results.threshold
    monitoring = MONITORING_BY_KEY[dimension]
    profile = next(table for table in results.profile if table.key == dimension)
    single = [table for table in results.questions if table.kind == "single"]
    cross_key = _cache_key(survey, results.respondents, "by", dimension)
    cross: dict[tuple[str, str, str], int] | None = cache.get(cross_key)
    if cross is None:
        cross = {}
        rows = (
            Answer.objects.filter(
                survey=survey, key__in=[t.key for t in single], response__answers__key=dimension
            )
            .values_list("key", "value", "response__answers__value")
            .annotate(n=Count("id"))
            .order_by()
        )
        for key, value, group, n in rows:
            cross[(key, value, group)] = n
        cache.set(cross_key, cross, COUNTS_CACHE_SECONDS)
    overall = results.counts or counts_by_key(survey, results.respondents)
    group_totals = dict(overall.get(dimension, {}))
    group_totals[NOT_ANSWERED[0]] = results.respondents - sum(group_totals.values())
    columns = [(value, words) for value, words in monitoring.options] + [NOT_ANSWERED]
    column_hidden = {cell.value: cell.hidden for cell in profile.cells}
    made = []
    for table in single:
        counts: dict = {}
        q_counts = overall.get(table.key, {})
        for cell in table.cells:
            row_total = (
                q_counts.get(cell.value, 0)
                if cell.value != NOT_ANSWERED[0]
                else results.respondents - sum(q_counts.values())
            )
            counts[("r", cell.value)] = row_total
            for group, _ in columns:
                if group == NOT_ANSWERED[0]:
                    continue
                if cell.value == NOT_ANSWERED[0]:
                    n = group_totals.get(group, 0) - sum(
                        cross.get((table.key, other.value, group), 0)
                        for other in table.cells
                        if other.value != NOT_ANSWERED[0]
                    )
                else:
                    n = cross.get((table.key, cell.value, group), 0)
                counts[(cell.value, group)] = n
            counts[(cell.value, NOT_ANSWERED[0])] = row_total - sum(
                counts[(cell.value, group)] for group, _ in columns if group != NOT_ANSWERED[0]
            )
        for group, _ in columns:
            counts[("c", group)] = group_totals.get(group, 0)
        values = [cell.value for cell in table.cells]
        groups = [group for group, _ in columns]
        lines = [disclosure.Line(("r", v), tuple((v, g) for g in groups)) for v in values]
        lines += [disclosure.Line(("c", g), tuple((v, g) for v in values)) for g in groups]
        fixed = {("r", cell.value): cell.hidden for cell in table.cells}
        fixed.update({("c", g): column_hidden.get(g, False) for g in groups})
        hidden = disclosure.suppress(counts, lines, threshold, fixed=fixed)
        safe = all(disclosure.line_is_safe(counts, hidden, line, threshold) for line in lines)
        made.append(
            Breakdown(
                dimension=dimension,
                label=monitoring.label,
                question=table,
                columns=[
                    (g, words, None if column_hidden.get(g) else counts[("c", g)]) for g, words in columns
                ],
                rows=[
                    (cell, [None if (cell.value, g) in hidden else counts[(cell.value, g)] for g in groups])
                    for cell in table.cells
                ]
                if safe
                else [],
                shown=safe,
            )
        )
    return made

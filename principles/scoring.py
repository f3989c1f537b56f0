"""The scoring rule: criterion scores to principle scores, principle scores to an overall rating.

Pure functions and frozen dataclasses only (no database, no Django), so the same rule scores a
self-assessment, an assessor's review and a what-if preview identically, and can be tested
exhaustively. The method follows the rubric draft, section 6, which mirrors CQC's method for local
authorities:

* A principle's percentage is the sum of its criterion scores divided by the most those criteria
  could score (4 each). Criteria marked "not evidenced" (``None``) are left out of both the sum
  and the denominator: a gap in the evidence is not evidence of poor engagement, and the
  sufficiency rules below say when too many gaps make the score unsafe.
* Bands turn a percentage into a score from 1 to 4. The same bands turn the overall percentage
  into a rating (Outstanding, Good, Requires improvement, Inadequate).
* Band thresholds are minimums on the exact value, with no rounding. With 4 criteria or 8
  principles, 37.5%, 62.5% and 87.5% occur, and CQC's whole-number bands do not say which side
  they fall on. The rubric recommends the conservative reading: you must reach the threshold, so
  62.5% is Requires improvement and 87.5% is Good. Every percentage is therefore kept as an exact
  ``Fraction``; floats are refused, because 0.1 + 0.2 style errors could cross a threshold.
  Rounding happens only for display, in ``format_percentage``.

The rule is stored as JSON on each rubric version (``ScoringRule.to_dict`` / ``from_dict``),
because changing a threshold changes results as much as changing the wording does.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

__all__ = [
    "DEFAULT_RULE",
    "LOWEST_POSSIBLE_PERCENTAGE",
    "MAX_SCORE",
    "MIN_SCORE",
    "NOT_ENOUGH_EVIDENCE",
    "Band",
    "OverallResult",
    "PrincipleResult",
    "ScoringRule",
    "band_position",
    "format_percentage",
    "indicative_note",
    "overall_result",
    "principle_result",
    "principle_results",
    "rule_in_words",
    "share_as_percent",
]

MIN_SCORE = 1
MAX_SCORE = 4
# What every page shows in place of a principle score when the sufficiency rules are not met.
NOT_ENOUGH_EVIDENCE = "Not enough evidence to score"
# Every scored item scores at least 1 of 4, so no percentage computed here is below 25.
LOWEST_POSSIBLE_PERCENTAGE = Fraction(100 * MIN_SCORE, MAX_SCORE)

_BAND_SCORES = (4, 3, 2, 1)
_RULE_FIELDS = (
    "bands",
    "min_scored_fraction",
    "min_evidence_categories",
    "principles_required",
    "stricter_limiters",
    "decisions_principle",
)
_BAND_FIELDS = ("score", "name", "min_percent")


# --------------------------------------------------------------------------------------------
# Validating and normalising a rule's values (used when a rule is constructed)
# --------------------------------------------------------------------------------------------


def _normalise_bands(bands: Any) -> tuple[Band, ...]:
    if not isinstance(bands, list | tuple) or len(bands) != len(_BAND_SCORES):
        raise ValueError("scoring_rule.bands must list four bands, for scores 4, 3, 2 and 1 in that order")
    normalised: list[Band] = []
    names: set[str] = set()
    for index, (band, expected) in enumerate(zip(bands, _BAND_SCORES, strict=True)):
        path = f"scoring_rule.bands[{index}]"
        if not isinstance(band, Band):
            raise ValueError(f"{path} must be a Band")
        if isinstance(band.score, bool) or band.score != expected:
            raise ValueError(f"{path}.score must be {expected}: bands run from score 4 down to score 1")
        if not isinstance(band.name, str) or not band.name.strip():
            raise ValueError(f"{path}.name must be a non-empty name, such as Good")
        if band.name in names:
            raise ValueError(f"{path}.name must differ from the other bands' names")
        names.add(band.name)
        minimum = _parse_percent(band.min_percent, f"{path}.min_percent")
        if normalised and minimum >= normalised[-1].min_percent:
            raise ValueError(
                f"{path}.min_percent must be lower than scoring_rule.bands[{index - 1}].min_percent"
            )
        normalised.append(Band(expected, band.name, minimum))
    if normalised[-1].min_percent != 0:
        raise ValueError(
            f"scoring_rule.bands[{len(normalised) - 1}].min_percent must be 0, "
            "so that every percentage is in a band"
        )
    return tuple(normalised)


def _parse_percent(value: Any, path: str) -> Decimal:
    message = f"{path} must be a number between 0 and 100"
    if isinstance(value, bool):
        raise ValueError(message)
    try:
        if isinstance(value, float):
            # A JSON number such as 62.5 arrives as a float; its shortest repr is the decimal
            # that was written.
            number = Decimal(repr(value))
        elif isinstance(value, int | str | Decimal):
            number = Decimal(value.strip() if isinstance(value, str) else value)
        else:
            raise ValueError(message)
    except InvalidOperation:
        raise ValueError(message) from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ValueError(message)
    return number


def _parse_fraction(value: Any, message: str) -> Fraction:
    if isinstance(value, bool):
        raise ValueError(message)
    try:
        if isinstance(value, float):
            number = Fraction(repr(value))
        elif isinstance(value, str):
            number = Fraction(value.strip())
        elif isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(message)
            number = Fraction(value)
        elif isinstance(value, Fraction | int):
            number = Fraction(value)
        else:
            raise ValueError(message)
    except (ValueError, ZeroDivisionError):
        raise ValueError(message) from None
    if not 0 < number <= 1:
        raise ValueError(message)
    return number


def _check_int(value: Any, name: str, *, low: int, high: int | None = None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        if high is None:
            expected = f"a whole number, {low} or more"
        else:
            expected = f"a whole number from {low} to {high} (principles_required)"
        raise ValueError(f"scoring_rule.{name} must be {expected}")


def _check_keys(data: Mapping[str, Any], expected: tuple[str, ...], path: str) -> None:
    for key in data:
        if key not in expected:
            raise ValueError(f"{path}.{key} is not a known setting")
    for key in expected:
        if key not in data:
            raise ValueError(f"{path}.{key} is missing")


def _decimal_str(value: Decimal) -> str:
    """The shortest exact form, never an exponent: "88", "62.5", "100"."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


# --------------------------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """One band: a percentage of at least ``min_percent`` earns ``score`` and is called ``name``.

    ``min_percent`` is a ``Decimal`` so that it is exact and survives a JSON round trip as a
    string ("88", "62.5") without turning into a float.
    """

    score: int
    name: str
    min_percent: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "name": self.name, "min_percent": _decimal_str(self.min_percent)}


@dataclass(frozen=True)
class ScoringRule:
    """How scores are combined, versioned with the rubric wording.

    Fields:

    * ``bands``: four bands, for scores 4, 3, 2 and 1 in that order, with strictly falling
      minimum percentages and the last at 0 so that every percentage lands in a band.
    * ``min_scored_fraction``: the share of a principle's criteria that must be scored (not "not
      evidenced") for the principle score to count as sufficient. 3/4 by default.
    * ``min_evidence_categories``: how many different evidence categories (PE, SL, FP, PR, OC,
      OB) a principle's evidence must come from. 2 by default: CQC's triangulation idea, that one
      kind of evidence alone can mislead.
    * ``principles_required``: how many principles must all be scored before an overall rating is
      more than indicative. 8 by default.
    * ``stricter_limiters``: the optional limiters of section 6.5, off by default because they
      are the portal's own rules, not part of CQC's published method. When on, the overall
      rating cannot be the top band if any principle scores 1 or more than 2 principles score 2,
      and cannot be better than the score-2 band if principle ``decisions_principle`` scores 1.
    * ``decisions_principle``: the principle number (1-based) the second limiter watches: 3,
      "engagement shapes decisions", because the legal duty is about involvement in decisions.

    Constructing a rule validates it, so an invalid rule cannot exist. Values are normalised:
    ``bands`` becomes a tuple of ``Band``, each ``min_percent`` a ``Decimal`` and
    ``min_scored_fraction`` a ``Fraction``.
    """

    bands: tuple[Band, ...] = field(
        default=(
            Band(4, "Outstanding", Decimal(88)),
            Band(3, "Good", Decimal(63)),
            Band(2, "Requires improvement", Decimal(39)),
            Band(1, "Inadequate", Decimal(0)),
        )
    )
    min_scored_fraction: Fraction = Fraction(3, 4)
    min_evidence_categories: int = 2
    principles_required: int = 8
    stricter_limiters: bool = False
    decisions_principle: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", _normalise_bands(self.bands))
        object.__setattr__(
            self,
            "min_scored_fraction",
            _parse_fraction(
                self.min_scored_fraction,
                'scoring_rule.min_scored_fraction must be a fraction above 0 and at most 1, such as "3/4"',
            ),
        )
        _check_int(self.min_evidence_categories, "min_evidence_categories", low=0)
        _check_int(self.principles_required, "principles_required", low=1)
        if not isinstance(self.stricter_limiters, bool):
            raise ValueError("scoring_rule.stricter_limiters must be true or false")
        _check_int(self.decisions_principle, "decisions_principle", low=1, high=self.principles_required)

    # JSON -------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-able dict. Exact numbers are strings: "88", "62.5", "3/4"."""
        return {
            "bands": [band.to_dict() for band in self.bands],
            "min_scored_fraction": str(self.min_scored_fraction),
            "min_evidence_categories": self.min_evidence_categories,
            "principles_required": self.principles_required,
            "stricter_limiters": self.stricter_limiters,
            "decisions_principle": self.decisions_principle,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringRule:
        """Build and validate a rule from JSON, as stored on a rubric version.

        Every field is required, so a stored rule says everything it means and a later change
        to the defaults cannot silently change old results. Unknown fields are refused, so a
        typo cannot be ignored. Numbers may be JSON numbers or strings ("62.5", "3/4"). Errors
        are ``ValueError`` naming the field, such as
        "scoring_rule.bands[1].min_percent must be a number between 0 and 100".
        """
        if not isinstance(data, Mapping):
            raise ValueError("scoring_rule must be an object")
        _check_keys(data, _RULE_FIELDS, "scoring_rule")
        bands = data["bands"]
        if not isinstance(bands, list | tuple):
            raise ValueError("scoring_rule.bands must be a list of four bands")
        parsed = []
        for index, band in enumerate(bands):
            path = f"scoring_rule.bands[{index}]"
            if not isinstance(band, Mapping):
                raise ValueError(f"{path} must be an object with score, name and min_percent")
            _check_keys(band, _BAND_FIELDS, path)
            parsed.append(Band(band["score"], band["name"], band["min_percent"]))
        return cls(
            bands=tuple(parsed),
            min_scored_fraction=data["min_scored_fraction"],
            min_evidence_categories=data["min_evidence_categories"],
            principles_required=data["principles_required"],
            stricter_limiters=data["stricter_limiters"],
            decisions_principle=data["decisions_principle"],
        )

    # Banding ----------------------------------------------------------------------------------

    def band_for(self, percentage: Fraction | int | Decimal) -> Band:
        """The band a percentage falls in: the highest band whose minimum it reaches.

        The comparison is ``>=`` on the exact value: 62.5 does not reach 63, however it is
        displayed.
        """
        value = _exact_percentage(percentage)
        for band in self.bands:
            if value >= Fraction(band.min_percent):
                return band
        raise AssertionError("the lowest band starts at 0, so this is unreachable")  # pragma: no cover

    def band_with_score(self, score: int) -> Band:
        for band in self.bands:
            if band.score == score:
                return band
        raise ValueError(f"no band has score {score!r}")

    @property
    def rating_names(self) -> tuple[str, ...]:
        """The band names, best first: Outstanding, Good, Requires improvement, Inadequate."""
        return tuple(band.name for band in self.bands)


DEFAULT_RULE = ScoringRule()
"""The rubric draft's section 6 rule, with the optional stricter limiters off."""


def rule_in_words(rule: ScoringRule) -> list[str]:
    """The rule as sentences for the rubric pages and the comparison of two versions.

    Bands read as minimums ("Good: 63% or more, but less than 88%") because that is how they
    are applied: exactly, with no rounding up to reach a band."""
    lines = []
    for index, band in enumerate(rule.bands):
        minimum = f"{_decimal_str(band.min_percent)}%"
        above = f"{_decimal_str(rule.bands[index - 1].min_percent)}%" if index else None
        if above is None:
            lines.append(f"{band.name}: {minimum} or more")
        elif band.min_percent == 0:
            lines.append(f"{band.name}: less than {above}")
        else:
            lines.append(f"{band.name}: {minimum} or more, but less than {above}")
    lines.append("Percentages are not rounded before they are banded.")
    scored = format_percentage(rule.min_scored_fraction * 100).replace(".0%", "%")
    categories = rule.min_evidence_categories
    lines.append(
        f"A principle score needs at least {scored} of the principle's criteria scored, and evidence "
        f"from at least {categories} evidence categor{'y' if categories == 1 else 'ies'}."
    )
    lines.append(
        f"An overall rating needs {rule.principles_required} principles scored; until then it is "
        "only indicative."
    )
    top, third = rule.bands[0].name, rule.bands[2].name
    if rule.stricter_limiters:
        lines.append(
            f"This version adds two limits of its own (they are not CQC's): the overall rating cannot "
            f"be {top} if any principle scores 1 or more than 2 principles score 2, and cannot be "
            f"better than {third} if principle {rule.decisions_principle} scores 1."
        )
    else:
        lines.append(
            "The overall rating comes from the principle scores alone: one low principle score does "
            f"not stop it being {top}. (This version does not use the optional stricter limits.)"
        )
    return lines


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrincipleResult:
    """The calculated result for one principle.

    * ``percentage``: exact, or ``None`` when the principle has no score.
    * ``score``: 1 to 4 from the bands, or ``None`` when the principle has no score: when the
      sufficiency rules are not met (section 6.4), which includes nothing being scored. A
      principle without a score shows ``NOT_ENOUGH_EVIDENCE`` and its ``shortfalls``, and
      does not count towards the overall rating. This is the *calculated* score; an
      assessor's one-level override with a rationale is stored elsewhere.
    * ``points`` / ``max_points``: the sum of the scored criteria and 4 times their number
      (so a page can show "13 of 20").
    * ``criteria`` / ``scored``: how many criteria there are and how many are scored.
    * ``evidence_categories``: how many different categories the evidence comes from, or
      ``None`` when not given.
    * ``sufficient`` / ``shortfalls``: whether the sufficiency rules are met, and if not, why,
      in plain English.
    """

    percentage: Fraction | None
    score: int | None
    points: int
    max_points: int
    criteria: int
    scored: int
    evidence_categories: int | None
    sufficient: bool
    shortfalls: tuple[str, ...]

    @property
    def label(self) -> str:
        """The score as every page shows it: "3 of 4", or "Not enough evidence to score"."""
        return f"{self.score} of {MAX_SCORE}" if self.score is not None else NOT_ENOUGH_EVIDENCE

    @property
    def percentage_label(self) -> str | None:
        return format_percentage(self.percentage) if self.percentage is not None else None


@dataclass(frozen=True)
class OverallResult:
    """The calculated overall result.

    * ``percentage``: exact, or ``None`` when no principle is scored.
    * ``rating``: the band name after any limiter, or ``None`` when no principle is scored;
      ``rating_score`` is that band's score (4 best), handy for comparing ratings.
    * ``calculated_rating``: the band name from the percentage alone, before limiters.
    * ``indicative``: true unless exactly ``rule.principles_required`` principles are given and
      all are scored. An indicative rating must be labelled as such and not published.
    * ``band_position``: "upper" or "lower" half of the band, as CQC uses the percentage; ``None``
      when there is no rating or a limiter moved the rating out of the percentage's band.
    * ``limiter_notes``: one plain-English note per stricter limiter that lowered the rating.
    """

    percentage: Fraction | None
    rating: str | None
    rating_score: int | None
    calculated_rating: str | None
    indicative: bool
    band_position: str | None
    points: int
    max_points: int
    principles: int
    scored: int
    limiter_notes: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Calculations
# --------------------------------------------------------------------------------------------


def principle_result(
    criterion_scores: Sequence[int | None],
    *,
    evidence_categories: Collection[str] | None = None,
    rule: ScoringRule = DEFAULT_RULE,
) -> PrincipleResult:
    """Score one principle from its criterion scores (``None`` = not evidenced).

    ``evidence_categories`` are the categories of the evidence cited for the principle's
    criteria (duplicates are fine; only distinct ones count). Leave it ``None`` to skip the
    evidence-category check, for example in a preview before evidence is attached.

    Not-evidenced criteria are left out of the denominator, so they neither help nor hurt the
    score. But a score built on a few criteria, or on one kind of evidence, does not describe
    the whole principle: when fewer than ``rule.min_scored_fraction`` of its criteria are
    scored, or the evidence comes from fewer than ``rule.min_evidence_categories`` categories,
    the principle has NO score and NO percentage (section 6.4), only the shortfalls saying why.
    Every page shows principle scores from here, so none can show a score the rule withholds.
    """
    scores = _check_scores(criterion_scores, "criterion")
    if not scores:
        raise ValueError("a principle needs at least one criterion")
    if isinstance(evidence_categories, str | bytes):
        # set("PE") would count as two categories, "P" and "E".
        raise ValueError("evidence_categories must be a collection of category codes, not a single string")

    present = [score for score in scores if score is not None]
    points = sum(present)
    max_points = MAX_SCORE * len(present)
    percentage = Fraction(100 * points, max_points) if present else None
    score = rule.band_for(percentage).score if percentage is not None else None

    shortfalls = []
    needed = math.ceil(rule.min_scored_fraction * len(scores))
    if len(present) < needed:
        shortfalls.append(_scored_shortfall(len(present), len(scores), needed))
    category_count = None
    if evidence_categories is not None:
        category_count = len(set(evidence_categories))
        if category_count < rule.min_evidence_categories:
            shortfalls.append(_category_shortfall(category_count, rule.min_evidence_categories))

    if shortfalls:
        percentage = score = None
    return PrincipleResult(
        percentage=percentage,
        score=score,
        points=points,
        max_points=max_points,
        criteria=len(scores),
        scored=len(present),
        evidence_categories=category_count,
        sufficient=not shortfalls,
        shortfalls=tuple(shortfalls),
    )


def principle_results(
    principles: Sequence[tuple[Sequence[int | None], Collection[str]]], *, rule: ScoringRule = DEFAULT_RULE
) -> tuple[list[PrincipleResult], OverallResult | None]:
    """Every principle's result and the overall result, in one call: what every page that shows
    scores uses, so that a principle without a score never counts towards the rating.

    ``principles`` gives, in principle order, each principle's criterion scores (``None`` = not
    evidenced or not answered) and the categories of the evidence cited for its criteria. The
    overall result is ``None`` when there are no principles."""
    results = [
        principle_result(scores, evidence_categories=categories, rule=rule)
        for scores, categories in principles
    ]
    overall = overall_result([r.score for r in results], rule=rule) if results else None
    return results, overall


def overall_result(
    principle_scores: Sequence[int | None], *, rule: ScoringRule = DEFAULT_RULE
) -> OverallResult:
    """Combine principle scores (1 to 4, or ``None`` when a principle has no score) into a rating.

    All principles weigh the same, as CQC weighs local authority quality statements equally.
    The percentage is over the principles that are scored, so a partial assessment still gets
    a meaningful indicative rating; it is only a real rating when all
    ``rule.principles_required`` principles are scored. Pass the principle scores in principle
    order: the stricter limiter for decisions looks at position ``rule.decisions_principle``.
    """
    scores = _check_scores(principle_scores, "principle")
    if not scores:
        raise ValueError("an overall result needs at least one principle")

    present = [score for score in scores if score is not None]
    points = sum(present)
    max_points = MAX_SCORE * len(present)
    indicative = len(scores) != rule.principles_required or len(present) != len(scores)
    if not present:
        return OverallResult(
            percentage=None,
            rating=None,
            rating_score=None,
            calculated_rating=None,
            indicative=indicative,
            band_position=None,
            points=0,
            max_points=0,
            principles=len(scores),
            scored=0,
            limiter_notes=(),
        )

    percentage = Fraction(100 * points, max_points)
    calculated = rule.band_for(percentage)
    final_score = calculated.score
    notes: list[str] = []
    if rule.stricter_limiters:
        final_score, notes = _apply_limiters(scores, calculated.score, rule)
    final = rule.band_with_score(final_score)
    return OverallResult(
        percentage=percentage,
        rating=final.name,
        rating_score=final.score,
        calculated_rating=calculated.name,
        indicative=indicative,
        band_position=band_position(percentage, rule) if final == calculated else None,
        points=points,
        max_points=max_points,
        principles=len(scores),
        scored=len(present),
        limiter_notes=tuple(notes),
    )


def indicative_note(unscored: Sequence[int], principles: int) -> str:
    """Why an overall rating is indicative, naming the principles without a score:
    "Indicative: principles 2 and 5 have no score (not enough evidence), so the rating is
    worked out from the other 6 principles." ``unscored`` are principle numbers."""
    if not unscored:
        return f"Indicative: an overall rating needs all {principles} principles scored."
    if len(unscored) >= principles:
        return "No rating: no principle has a score yet."
    others = principles - len(unscored)
    has = "has no score" if len(unscored) == 1 else "have no score"
    return (
        f"Indicative: {_principles(list(unscored))} {has} (not enough evidence), so the rating is "
        f"worked out from the other {others} principle{'' if others == 1 else 's'} and does not count "
        "as a full rating."
    )


def band_position(percentage: Fraction | int | Decimal, rule: ScoringRule = DEFAULT_RULE) -> str:
    """Which half of its band a percentage sits in: "upper" or "lower".

    CQC shows the percentage next to a rating to say whether it is near the top or the bottom
    of the band. A band runs from its minimum up to the next band's minimum (100 for the top
    band); the lowest band starts at 25%, the lowest percentage any scores can give, rather
    than at 0. The exact midpoint counts as upper, in line with thresholds being minimums.
    Example A's 71.875% is in the lower half of Good (63 to 88, midpoint 75.5).
    """
    value = _exact_percentage(percentage)
    band = rule.band_for(value)
    index = rule.bands.index(band)
    top = Fraction(100) if index == 0 else Fraction(rule.bands[index - 1].min_percent)
    bottom = Fraction(band.min_percent)
    if bottom < LOWEST_POSSIBLE_PERCENTAGE < top:
        bottom = LOWEST_POSSIBLE_PERCENTAGE
    return "upper" if value >= (bottom + top) / 2 else "lower"


def format_percentage(percentage: Fraction | int | Decimal, places: int = 1) -> str:
    """A percentage for display, such as "71.9%". Display only: never band a displayed value.

    Rounds half up (71.875 -> "71.9%", 93.75 -> "93.8%"), except that it never rounds *up*
    onto a whole number the exact value does not reach: 87.96 shows as "87.9%", not "88.0%",
    and 99.96 as "99.9%". The default thresholds are whole numbers, and "88.0%" next to "Good"
    would look like a mistake when it is the exact value that decides.
    """
    value = _exact_percentage(percentage)
    if not isinstance(places, int) or isinstance(places, bool) or places < 0:
        raise ValueError("places must be a whole number, 0 or more")
    unit = 10**places
    scaled = value * unit
    digits = math.floor(scaled + Fraction(1, 2))
    if digits > scaled and digits % unit == 0:
        digits = math.floor(scaled)
    whole, fraction_digits = divmod(digits, unit)
    if places == 0:
        return f"{whole}%"
    return f"{whole}.{fraction_digits:0{places}d}%"


def share_as_percent(share: Fraction) -> str:
    """A share, such as ``min_scored_fraction``, as a percentage without the sign, for people
    to read and type back: 3/4 -> "75", 5/8 -> "62.5". Exact whenever a decimal can be; a share
    no decimal can write exactly (2/3) is rounded to 2 places, "66.67"."""
    percent = Fraction(share) * 100
    denominator = percent.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        return _decimal_str(Decimal(percent.numerator) / Decimal(percent.denominator))
    return format_percentage(percent, places=2).removesuffix("%")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _apply_limiters(
    scores: Sequence[int | None], calculated: int, rule: ScoringRule
) -> tuple[int, list[str]]:
    """The stricter profile (section 6.5): returns the capped band score and a note per cap applied."""
    top = rule.bands[0].name
    score_two_name = rule.band_with_score(2).name
    prefix = "Stricter profile (the portal's own rule, not CQC's): the overall rating"
    notes = []
    final = calculated

    ones = [number for number, score in enumerate(scores, start=1) if score == 1]
    twos = [number for number, score in enumerate(scores, start=1) if score == 2]
    if calculated > 3 and (ones or len(twos) > 2):
        reasons = []
        if ones:
            reasons.append(f"{_principles(ones)} {'scores' if len(ones) == 1 else 'score'} 1")
        if len(twos) > 2:
            reasons.append(f"{len(twos)} principles score 2 ({_numbers(twos)}), more than 2")
        notes.append(f"{prefix} cannot be {top} because {' and '.join(reasons)}.")
        final = 3

    decisions = rule.decisions_principle
    if calculated > 2 and len(scores) >= decisions and scores[decisions - 1] == 1:
        notes.append(
            f"{prefix} cannot be better than {score_two_name} because principle {decisions} scores 1."
        )
        final = 2
    return final, notes


def _check_scores(scores: Sequence[int | None], kind: str) -> list[int | None]:
    if isinstance(scores, str | bytes) or not isinstance(scores, Sequence):
        raise ValueError(f"{kind} scores must be a sequence of whole numbers from 1 to 4 or None")
    checked = list(scores)
    for index, score in enumerate(checked):
        if score is None:
            continue
        if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
            raise ValueError(
                f"{kind} score {index + 1} is {score!r}; it must be a whole number from 1 to 4, "
                "or None for not evidenced"
            )
    return checked


def _scored_shortfall(scored: int, total: int, needed: int) -> str:
    need = f"at least {needed} {'is' if needed == 1 else 'are'} needed"
    if scored == 0:
        return f"No criteria are scored; {need}."
    return f"Only {scored} of {total} criteria {'is' if scored == 1 else 'are'} scored; {need}."


def _category_shortfall(count: int, needed: int) -> str:
    need = f"at least {needed} {'is' if needed == 1 else 'are'} needed"
    if count == 0:
        return f"No evidence category is recorded; {need}."
    noun = "category" if count == 1 else "categories"
    return f"Evidence comes from {count} evidence {noun}; {need}."


def _principles(numbers: list[int]) -> str:
    return f"principle {numbers[0]}" if len(numbers) == 1 else f"principles {_numbers(numbers)}"


def _numbers(numbers: list[int]) -> str:
    words = [str(number) for number in numbers]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _exact_percentage(value: Any) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Fraction | int | Decimal):
        raise ValueError(f"a percentage must be an exact number (int, Fraction or Decimal), not {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"a percentage must be a finite number, not {value!r}")
    exact = Fraction(value)
    if not 0 <= exact <= 100:
        raise ValueError(f"a percentage must be between 0 and 100, not {value!r}")
    return exact

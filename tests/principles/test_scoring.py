"""The scoring rule (rubric draft section 6): worked examples, boundaries, sufficiency, limiters,
the rule's JSON form, and properties that must hold for any scores."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from principles.scoring import (
    DEFAULT_RULE,
    NOT_ENOUGH_EVIDENCE,
    Band,
    ScoringRule,
    band_position,
    format_percentage,
    indicative_note,
    overall_result,
    principle_result,
    principle_results,
)

STRICTER_RULE = ScoringRule(stricter_limiters=True)
RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")


def scores_summing_to(total: int, count: int) -> list[int]:
    """`count` criterion scores (each 1 to 4) that add up to `total`."""
    assert count <= total <= 4 * count
    scores = [1] * count
    extra = total - count
    for index in range(count):
        step = min(3, extra)
        scores[index] += step
        extra -= step
    return scores


def rule_with_minimums(outstanding: str, good: str, requires_improvement: str, **changes) -> ScoringRule:
    return ScoringRule(
        bands=(
            Band(4, "Outstanding", Decimal(outstanding)),
            Band(3, "Good", Decimal(good)),
            Band(2, "Requires improvement", Decimal(requires_improvement)),
            Band(1, "Inadequate", Decimal(0)),
        ),
        **changes,
    )


# --------------------------------------------------------------------------------------------
# Worked examples (section 6.3)
# --------------------------------------------------------------------------------------------


def test_example_a_is_good_in_the_lower_half_of_the_band():
    result = overall_result([3, 3, 2, 3, 4, 3, 2, 3])
    assert result.percentage == Fraction(23, 32) * 100 == Fraction("71.875")
    assert result.rating == "Good"
    assert result.rating_score == 3
    assert result.band_position == "lower"
    assert not result.indicative
    assert (result.points, result.max_points) == (23, 32)
    assert format_percentage(result.percentage) == "71.9%"


def test_example_b_is_requires_improvement_at_fifty_percent():
    result = overall_result([2, 2, 2, 3, 2, 2, 1, 2])
    assert result.percentage == 50
    assert result.rating == "Requires improvement"
    assert format_percentage(result.percentage) == "50.0%"


def test_example_c_is_outstanding():
    result = overall_result([4, 4, 3, 4, 4, 3, 4, 4])
    assert result.percentage == Fraction("93.75")
    assert result.rating == "Outstanding"
    assert format_percentage(result.percentage) == "93.8%"


def test_example_d_principle_at_sixty_five_percent_scores_three():
    result = principle_result([3, 2, 3, 2, 3])
    assert result.percentage == 65
    assert result.score == 3
    assert (result.points, result.max_points, result.criteria, result.scored) == (13, 20, 5, 5)
    assert result.sufficient
    assert result.shortfalls == ()


# --------------------------------------------------------------------------------------------
# Boundaries: thresholds are minimums on the exact value, never rounded (section 6.2)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion_scores", "percentage", "score"),
    [
        ([2, 1, 2, 1], Fraction("37.5"), 1),
        ([2, 2, 2, 1], Fraction("43.75"), 2),
        ([3, 2, 3, 2], Fraction("62.5"), 2),
        ([3, 3, 3, 2], Fraction("68.75"), 3),
        ([4, 3, 4, 3], Fraction("87.5"), 3),
        ([4, 4, 4, 3], Fraction("93.75"), 4),
    ],
)
def test_a_principle_just_short_of_a_threshold_stays_in_the_band_below(criterion_scores, percentage, score):
    result = principle_result(criterion_scores)
    assert result.percentage == percentage
    assert result.score == score


@pytest.mark.parametrize(
    ("total", "score"),
    [(38, 1), (39, 2), (62, 2), (63, 3), (87, 3), (88, 4)],
)
def test_a_principle_exactly_on_a_threshold_reaches_it(total, score):
    # 25 criteria make the percentage equal to the total of the scores: 39/100 is 39%.
    result = principle_result(scores_summing_to(total, 25))
    assert result.percentage == total
    assert result.score == score


@pytest.mark.parametrize(
    ("points", "rating"),
    [
        (12, "Inadequate"),  # 37.5%
        (13, "Requires improvement"),  # 40.625%
        (20, "Requires improvement"),  # 62.5%
        (21, "Good"),  # 65.625%
        (28, "Good"),  # 87.5%
        (29, "Outstanding"),  # 90.625%
    ],
)
def test_overall_boundaries_with_eight_principles(points, rating):
    result = overall_result(scores_summing_to(points, 8))
    assert result.percentage == Fraction(points * 100, 32)
    assert result.rating == rating
    assert not result.indicative


@pytest.mark.parametrize(
    ("total", "rating"),
    [
        (38, "Inadequate"),
        (39, "Requires improvement"),
        (62, "Requires improvement"),
        (63, "Good"),
        (87, "Good"),
        (88, "Outstanding"),
    ],
)
def test_an_overall_percentage_exactly_on_a_threshold_reaches_it(total, rating):
    result = overall_result(scores_summing_to(total, 25))
    assert result.percentage == total
    assert result.rating == rating
    assert result.indicative  # 25 principles is not the 8 the rule requires


@pytest.mark.parametrize(
    ("percentage", "name"),
    [
        (Fraction(39) - Fraction(1, 10**12), "Inadequate"),
        (Fraction(39), "Requires improvement"),
        (Fraction(63) - Fraction(1, 10**12), "Requires improvement"),
        (Decimal("63"), "Good"),
        (Fraction(88) - Fraction(1, 10**12), "Good"),
        (88, "Outstanding"),
        (100, "Outstanding"),
        (0, "Inadequate"),
    ],
)
def test_banding_compares_the_exact_value(percentage, name):
    assert DEFAULT_RULE.band_for(percentage).name == name


def test_a_custom_rule_moves_the_thresholds_for_principles_and_overall_alike():
    rule = rule_with_minimums("87.5", "62.5", "37.5")
    assert principle_result([4, 3, 4, 3], rule=rule).score == 4
    assert principle_result([3, 2, 3, 2], rule=rule).score == 3
    assert principle_result([2, 1, 2, 1], rule=rule).score == 2
    assert overall_result(scores_summing_to(28, 8), rule=rule).rating == "Outstanding"
    assert overall_result(scores_summing_to(20, 8), rule=rule).rating == "Good"
    assert overall_result(scores_summing_to(12, 8), rule=rule).rating == "Requires improvement"
    assert overall_result(scores_summing_to(11, 8), rule=rule).rating == "Inadequate"


def test_banding_refuses_floats_because_they_are_not_exact():
    with pytest.raises(ValueError, match="exact"):
        DEFAULT_RULE.band_for(62.5)


@pytest.mark.parametrize("percentage", [-1, 101, Fraction(-1, 2), Decimal("NaN")])
def test_banding_refuses_a_percentage_outside_0_to_100(percentage):
    with pytest.raises(ValueError, match="percentage"):
        DEFAULT_RULE.band_for(percentage)


# --------------------------------------------------------------------------------------------
# Not evidenced and sufficiency (section 6.4)
# --------------------------------------------------------------------------------------------


def test_not_evidenced_criteria_are_left_out_of_the_denominator():
    result = principle_result([4, None, 3, 4])
    assert result.percentage == Fraction(11 * 100, 12)
    assert (result.points, result.max_points, result.criteria, result.scored) == (11, 12, 4, 3)
    assert result.score == 4  # 91.7%, where counting N/E as 0 would give 68.75%


def test_a_principle_with_nothing_scored_has_no_percentage_or_score():
    result = principle_result([None, None, None])
    assert result.percentage is None
    assert result.score is None
    assert not result.sufficient
    assert result.shortfalls == ("No criteria are scored; at least 3 are needed.",)


def test_three_of_four_criteria_scored_is_enough():
    result = principle_result([3, None, 3, 2])
    assert result.sufficient
    assert result.shortfalls == ()


def test_two_of_four_criteria_scored_is_not_enough_and_gives_no_score():
    # Section 6.4: a principle that fails the sufficiency rule has no score at all (the old
    # behaviour showed "2 of 4" beside the shortfall, and counted it towards the rating).
    result = principle_result([3, None, None, 2])
    assert not result.sufficient
    assert result.shortfalls == ("Only 2 of 4 criteria are scored; at least 3 are needed.",)
    assert result.score is None
    assert result.percentage is None
    assert result.label == NOT_ENOUGH_EVIDENCE == "Not enough evidence to score"
    assert (result.points, result.max_points, result.scored) == (5, 8, 2)


def test_evidence_from_one_category_gives_no_score():
    result = principle_result([4, 4, 4, 4], evidence_categories=["PE"])
    assert result.score is None and result.percentage is None
    assert result.label == NOT_ENOUGH_EVIDENCE


def test_a_sufficient_principle_is_labelled_with_its_score():
    result = principle_result([3, 3, 3, 2], evidence_categories=["PE", "OC"])
    assert result.label == "3 of 4"
    assert result.percentage_label == "68.8%"


def test_a_principle_without_a_score_does_not_count_towards_the_overall_rating():
    # Principle 2 has two of four criteria scored (both 1s): it has no score, so the rating is
    # worked out from the other seven, 4s, and is indicative.
    evidence = ["PE", "OC"]
    inputs = [([4, 4, 4, 4], evidence)] * 8
    inputs[1] = ([1, None, None, 1], evidence)
    results, overall = principle_results(inputs)
    assert [r.score for r in results] == [4, None, 4, 4, 4, 4, 4, 4]
    assert overall.rating == "Outstanding"
    assert (overall.points, overall.max_points, overall.scored) == (28, 28, 7)
    assert overall.indicative
    assert indicative_note([2], 8) == (
        "Indicative: principle 2 has no score (not enough evidence), so the rating is worked out "
        "from the other 7 principles and does not count as a full rating."
    )
    assert indicative_note([2, 5], 8).startswith("Indicative: principles 2 and 5 have no score")
    assert indicative_note(list(range(1, 9)), 8) == "No rating: no principle has a score yet."


def test_principle_results_of_no_principles_have_no_overall_result():
    assert principle_results([]) == ([], None)


def test_the_scored_share_rounds_the_number_needed_up():
    # 75% of 5 criteria is 3.75, so 4 must be scored.
    assert principle_result([3, 3, 3, 3, None]).sufficient
    result = principle_result([3, 3, 3, None, None])
    assert result.shortfalls == ("Only 3 of 5 criteria are scored; at least 4 are needed.",)


def test_evidence_from_one_category_is_not_enough():
    result = principle_result([3, 3, 3, 3], evidence_categories=["PE", "PE", "PE"])
    assert not result.sufficient
    assert result.evidence_categories == 1
    assert result.shortfalls == ("Evidence comes from 1 evidence category; at least 2 are needed.",)


def test_evidence_from_two_categories_is_enough():
    result = principle_result([3, 3, 3, 3], evidence_categories={"PE", "OC"})
    assert result.sufficient
    assert result.evidence_categories == 2


def test_no_evidence_categories_is_not_enough():
    result = principle_result([3, 3, 3, 3], evidence_categories=[])
    assert result.shortfalls == ("No evidence category is recorded; at least 2 are needed.",)


def test_evidence_categories_are_not_checked_when_not_given():
    result = principle_result([3, 3, 3, 3])
    assert result.sufficient
    assert result.evidence_categories is None


def test_both_shortfalls_are_reported_together():
    result = principle_result([3, None, None, 2], evidence_categories=["SL"])
    assert result.shortfalls == (
        "Only 2 of 4 criteria are scored; at least 3 are needed.",
        "Evidence comes from 1 evidence category; at least 2 are needed.",
    )


def test_a_single_category_code_is_refused_rather_than_counted_letter_by_letter():
    with pytest.raises(ValueError, match="not a single string"):
        principle_result([3, 3, 3], evidence_categories="PE")


@pytest.mark.parametrize("bad", [0, 5, -1, 2.0, "3", True, Decimal(3)])
def test_a_criterion_score_must_be_a_whole_number_from_1_to_4(bad):
    with pytest.raises(ValueError, match=r"criterion score 2 is .*must be a whole number from 1 to 4"):
        principle_result([3, bad, 3])


def test_a_principle_needs_at_least_one_criterion():
    with pytest.raises(ValueError, match="at least one criterion"):
        principle_result([])


# --------------------------------------------------------------------------------------------
# Overall: indicative ratings (section 6.4)
# --------------------------------------------------------------------------------------------


def test_all_eight_principles_scored_gives_a_real_rating():
    assert not overall_result([3] * 8).indicative


def test_fewer_than_eight_principles_give_an_indicative_rating():
    result = overall_result([3, 3, 2, 3, 4, 3, 2])
    assert result.indicative
    assert result.percentage == Fraction(20 * 100, 28)
    assert result.rating == "Good"


def test_an_unscored_principle_makes_the_rating_indicative_and_is_left_out():
    result = overall_result([3, 3, 2, 3, 4, 3, 2, None])
    assert result.indicative
    assert (result.principles, result.scored, result.points, result.max_points) == (8, 7, 20, 28)


def test_more_principles_than_the_rule_requires_is_indicative():
    assert overall_result([3] * 9).indicative


def test_no_principle_scored_gives_no_rating():
    result = overall_result([None] * 8)
    assert result.indicative
    assert result.percentage is None
    assert result.rating is None
    assert result.band_position is None


def test_a_rule_can_require_a_different_number_of_principles():
    rule = ScoringRule(principles_required=9)
    assert not overall_result([3] * 9, rule=rule).indicative
    assert overall_result([3] * 8, rule=rule).indicative


@pytest.mark.parametrize("bad", [0, 5, 3.5, "4", False])
def test_a_principle_score_must_be_a_whole_number_from_1_to_4(bad):
    with pytest.raises(ValueError, match=r"principle score 8 is"):
        overall_result([3] * 7 + [bad])


def test_an_overall_result_needs_at_least_one_principle():
    with pytest.raises(ValueError, match="at least one principle"):
        overall_result([])


# --------------------------------------------------------------------------------------------
# Optional stricter limiters (section 6.5)
# --------------------------------------------------------------------------------------------


def test_limiters_are_off_by_default():
    assert DEFAULT_RULE.stricter_limiters is False
    result = overall_result([4, 4, 1, 4, 4, 4, 4, 4])
    assert result.rating == "Outstanding"  # 29/32 = 90.6%
    assert result.limiter_notes == ()


def test_with_limiters_a_principle_scoring_1_stops_outstanding():
    result = overall_result([4, 4, 4, 4, 4, 4, 4, 1], rule=STRICTER_RULE)
    assert result.calculated_rating == "Outstanding"
    assert result.rating == "Good"
    assert result.rating_score == 3
    assert result.band_position is None  # the rating is no longer the percentage's band
    assert result.limiter_notes == (
        "Stricter profile (the portal's own rule, not CQC's): the overall rating cannot be "
        "Outstanding because principle 8 scores 1.",
    )


def test_with_limiters_more_than_two_principles_scoring_2_stops_outstanding():
    # With 8 principles and the default bands three 2s can never reach 88%, so lower the bar.
    rule = rule_with_minimums("80", "63", "39", stricter_limiters=True)
    assert overall_result([4, 4, 4, 4, 4, 2, 2, 4], rule=rule).rating == "Outstanding"  # two 2s are allowed
    result = overall_result([4, 4, 4, 4, 4, 2, 2, 2], rule=rule)  # 81.25%
    assert result.calculated_rating == "Outstanding"
    assert result.rating == "Good"
    assert result.limiter_notes == (
        "Stricter profile (the portal's own rule, not CQC's): the overall rating cannot be "
        "Outstanding because 3 principles score 2 (6, 7 and 8), more than 2.",
    )


def test_with_limiters_principle_3_scoring_1_caps_the_rating_at_requires_improvement():
    result = overall_result([4, 4, 1, 4, 4, 4, 4, 4], rule=STRICTER_RULE)
    assert result.calculated_rating == "Outstanding"
    assert result.rating == "Requires improvement"
    assert result.limiter_notes == (
        "Stricter profile (the portal's own rule, not CQC's): the overall rating cannot be "
        "Outstanding because principle 3 scores 1.",
        "Stricter profile (the portal's own rule, not CQC's): the overall rating cannot be "
        "better than Requires improvement because principle 3 scores 1.",
    )


def test_with_limiters_a_single_principle_scoring_2_does_not_limit():
    result = overall_result([4, 4, 2, 4, 4, 4, 4, 4], rule=STRICTER_RULE)  # 93.75%
    assert result.rating == "Outstanding"
    assert result.limiter_notes == ()


def test_a_limiter_note_names_only_the_conditions_that_hold():
    rule = rule_with_minimums("75", "63", "39", stricter_limiters=True)
    result = overall_result([4, 4, 4, 4, 4, 2, 2, 1], rule=rule)  # 78.125%, two 2s are allowed
    assert result.rating == "Good"
    assert result.limiter_notes == (
        "Stricter profile (the portal's own rule, not CQC's): the overall rating cannot be "
        "Outstanding because principle 8 scores 1.",
    )


def test_with_limiters_principle_3_scoring_1_lowers_good_too():
    result = overall_result([3, 3, 1, 3, 3, 3, 3, 3], rule=STRICTER_RULE)  # 68.75%
    assert (result.calculated_rating, result.rating) == ("Good", "Requires improvement")
    assert len(result.limiter_notes) == 1


def test_limiters_add_no_note_when_they_change_nothing():
    result = overall_result([2, 2, 1, 2, 2, 2, 2, 2], rule=STRICTER_RULE)
    assert result.rating == "Requires improvement"
    assert result.limiter_notes == ()
    assert result.band_position == "lower"


def test_the_decisions_principle_is_configurable():
    rule = ScoringRule(stricter_limiters=True, decisions_principle=5)
    assert overall_result([3, 3, 1, 3, 3, 3, 3, 3], rule=rule).rating == "Good"
    assert overall_result([3, 3, 3, 3, 1, 3, 3, 3], rule=rule).rating == "Requires improvement"


def test_the_decisions_limiter_ignores_an_unscored_or_missing_principle():
    assert overall_result([3, 3, None, 3], rule=STRICTER_RULE).rating == "Good"
    assert overall_result([3, 3], rule=STRICTER_RULE).rating == "Good"


# --------------------------------------------------------------------------------------------
# Display helpers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percentage", "shown"),
    [
        (Fraction("71.875"), "71.9%"),
        (Fraction("93.75"), "93.8%"),
        (Fraction("62.5"), "62.5%"),
        (Fraction(65), "65.0%"),
        (Fraction(200, 3), "66.7%"),
        (Fraction(25), "25.0%"),
        (100, "100.0%"),
        # Never shown as reaching a whole-number threshold the exact value does not reach.
        (Fraction("87.96"), "87.9%"),
        (Fraction("62.95"), "62.9%"),
        (Fraction("99.99"), "99.9%"),
    ],
)
def test_percentages_are_shown_to_one_decimal_place(percentage, shown):
    assert format_percentage(percentage) == shown


def test_percentages_can_be_shown_as_whole_numbers_without_rounding_up_onto_a_threshold():
    assert format_percentage(Fraction("62.5"), places=0) == "62%"
    assert format_percentage(Fraction("87.5"), places=0) == "87%"
    assert format_percentage(Fraction("71.875"), places=2) == "71.88%"


@pytest.mark.parametrize(
    ("percentage", "position"),
    [
        (Fraction("71.875"), "lower"),  # Good runs 63 to 88: midpoint 75.5
        (Fraction("75.5"), "upper"),
        (Fraction("75.5") - Fraction(1, 10**9), "lower"),
        (Fraction("81.25"), "upper"),
        (Fraction(50), "lower"),  # Requires improvement: 39 to 63, midpoint 51
        (Fraction(51), "upper"),
        (Fraction("93.75"), "lower"),  # Outstanding: 88 to 100, midpoint 94
        (Fraction(94), "upper"),
        (Fraction("31.25"), "lower"),  # Inadequate: 25 (the lowest possible) to 39, midpoint 32
        (Fraction("34.375"), "upper"),
    ],
)
def test_band_position_says_which_half_of_the_band(percentage, position):
    assert band_position(percentage) == position


# --------------------------------------------------------------------------------------------
# The rule as JSON, stored on a rubric version
# --------------------------------------------------------------------------------------------


def test_the_default_rule_as_json():
    assert DEFAULT_RULE.to_dict() == {
        "bands": [
            {"score": 4, "name": "Outstanding", "min_percent": "88"},
            {"score": 3, "name": "Good", "min_percent": "63"},
            {"score": 2, "name": "Requires improvement", "min_percent": "39"},
            {"score": 1, "name": "Inadequate", "min_percent": "0"},
        ],
        "min_scored_fraction": "3/4",
        "min_evidence_categories": 2,
        "principles_required": 8,
        "stricter_limiters": False,
        "decisions_principle": 3,
    }
    assert DEFAULT_RULE.rating_names == RATINGS


def test_a_rule_survives_a_json_round_trip():
    rule = rule_with_minimums(
        "87.5",
        "62.5",
        "37.5",
        min_scored_fraction=Fraction(2, 3),
        stricter_limiters=True,
        decisions_principle=8,
    )
    stored = json.loads(json.dumps(rule.to_dict()))
    assert stored["bands"][0]["min_percent"] == "87.5"
    assert stored["min_scored_fraction"] == "2/3"
    assert ScoringRule.from_dict(stored) == rule
    assert ScoringRule.from_dict(DEFAULT_RULE.to_dict()) == DEFAULT_RULE


def test_a_rule_accepts_json_numbers_as_well_as_strings():
    data = DEFAULT_RULE.to_dict()
    data["bands"][0]["min_percent"] = 87.5
    data["bands"][1]["min_percent"] = 63
    data["min_scored_fraction"] = 0.75
    rule = ScoringRule.from_dict(data)
    assert rule.bands[0].min_percent == Decimal("87.5")
    assert rule.min_scored_fraction == Fraction(3, 4)
    assert rule.to_dict()["bands"][0]["min_percent"] == "87.5"
    assert rule.to_dict()["min_scored_fraction"] == "3/4"


def _set(path, value):
    """A change to the default rule's JSON: set `value` at `path`, or delete it for _DELETE."""

    def change(data):
        *parents, last = path
        target = data
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
        return data

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set(["bands", 1, "min_percent"], "abc"),
            "scoring_rule.bands[1].min_percent must be a number between 0 and 100",
        ),
        (
            _set(["bands", 1, "min_percent"], 101),
            "scoring_rule.bands[1].min_percent must be a number between 0 and 100",
        ),
        (
            _set(["bands", 1, "min_percent"], True),
            "scoring_rule.bands[1].min_percent must be a number between 0 and 100",
        ),
        (
            _set(["bands", 1, "min_percent"], "NaN"),
            "scoring_rule.bands[1].min_percent must be a number between 0 and 100",
        ),
        (
            _set(["bands", 1, "min_percent"], None),
            "scoring_rule.bands[1].min_percent must be a number between 0 and 100",
        ),
        (
            _set(["bands", 2, "min_percent"], "70"),
            "scoring_rule.bands[2].min_percent must be lower than scoring_rule.bands[1].min_percent",
        ),
        (
            _set(["bands", 2, "min_percent"], "63.0"),
            "scoring_rule.bands[2].min_percent must be lower than scoring_rule.bands[1].min_percent",
        ),
        (_set(["bands", 3, "min_percent"], "5"), "scoring_rule.bands[3].min_percent must be 0"),
        (_set(["bands", 0, "score"], 3), "scoring_rule.bands[0].score must be 4"),
        (_set(["bands", 3, "score"], True), "scoring_rule.bands[3].score must be 1"),
        (_set(["bands", 1, "name"], " "), "scoring_rule.bands[1].name must be a non-empty name"),
        (_set(["bands", 1, "name"], "Outstanding"), "scoring_rule.bands[1].name must differ"),
        (_set(["bands", 0, "colour"], "green"), "scoring_rule.bands[0].colour is not a known setting"),
        (_set(["bands", 0, "name"], _DELETE), "scoring_rule.bands[0].name is missing"),
        (_set(["bands", 0], "Outstanding"), "scoring_rule.bands[0] must be an object"),
        (_set(["bands", 3], _DELETE), "scoring_rule.bands must list four bands"),
        (_set(["bands"], {"a": 1}), "scoring_rule.bands must be a list"),
        (_set(["min_scored_fraction"], "0"), "scoring_rule.min_scored_fraction must be a fraction above 0"),
        (_set(["min_scored_fraction"], "5/4"), "scoring_rule.min_scored_fraction must be a fraction above 0"),
        (_set(["min_scored_fraction"], "1/0"), "scoring_rule.min_scored_fraction must be a fraction above 0"),
        (
            _set(["min_scored_fraction"], "most"),
            "scoring_rule.min_scored_fraction must be a fraction above 0",
        ),
        (_set(["min_scored_fraction"], True), "scoring_rule.min_scored_fraction must be a fraction above 0"),
        (
            _set(["min_evidence_categories"], -1),
            "scoring_rule.min_evidence_categories must be a whole number",
        ),
        (
            _set(["min_evidence_categories"], 1.5),
            "scoring_rule.min_evidence_categories must be a whole number",
        ),
        (
            _set(["principles_required"], 0),
            "scoring_rule.principles_required must be a whole number, 1 or more",
        ),
        (_set(["stricter_limiters"], "yes"), "scoring_rule.stricter_limiters must be true or false"),
        (
            _set(["decisions_principle"], 9),
            "scoring_rule.decisions_principle must be a whole number from 1 to 8",
        ),
        (_set(["colour"], "green"), "scoring_rule.colour is not a known setting"),
        (_set(["bands"], _DELETE), "scoring_rule.bands is missing"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(change, message):
    data = change(DEFAULT_RULE.to_dict())
    with pytest.raises(ValueError, match=re.escape(message)):
        ScoringRule.from_dict(data)


def test_a_rule_that_is_not_an_object_is_refused():
    with pytest.raises(ValueError, match=re.escape("scoring_rule must be an object")):
        ScoringRule.from_dict([])


def test_a_rule_built_in_code_is_validated_too():
    with pytest.raises(ValueError, match=re.escape("scoring_rule.bands[1].min_percent")):
        rule_with_minimums("88", "90", "39")
    with pytest.raises(ValueError, match=re.escape("scoring_rule.decisions_principle")):
        ScoringRule(decisions_principle=0)


def test_a_rule_is_immutable_and_hashable():
    with pytest.raises(AttributeError):
        DEFAULT_RULE.stricter_limiters = True
    assert hash(ScoringRule()) == hash(DEFAULT_RULE)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

criterion_score = st.one_of(st.none(), st.integers(1, 4))
CATEGORIES = ["PE", "SL", "FP", "PR", "OC", "OB"]


@st.composite
def rules(draw) -> ScoringRule:
    """Any valid rule: three different minimums in tenths of a percent, above a 0 lowest band."""
    minimums = sorted(draw(st.lists(st.integers(1, 1000), min_size=3, max_size=3, unique=True)), reverse=True)
    principles_required = draw(st.integers(1, 10))
    return rule_with_minimums(
        *(str(Decimal(m).scaleb(-1)) for m in minimums),
        min_scored_fraction=draw(st.fractions(min_value=Fraction(1, 100), max_value=1)),
        min_evidence_categories=draw(st.integers(0, 6)),
        principles_required=principles_required,
        stricter_limiters=draw(st.booleans()),
        decisions_principle=draw(st.integers(1, principles_required)),
    )


@st.composite
def a_raise(draw, elements=criterion_score, min_size=1, max_size=12):
    """Scores, plus the same scores with one scored item raised by 1 to 3 (N/E stays N/E)."""
    scores = draw(st.lists(elements, min_size=min_size, max_size=max_size))
    raisable = [index for index, score in enumerate(scores) if score is not None and score < 4]
    assume(raisable)
    index = draw(st.sampled_from(raisable))
    raised = list(scores)
    raised[index] = draw(st.integers(scores[index] + 1, 4))
    return scores, raised


@given(a_raise())
def test_raising_a_criterion_score_never_lowers_the_principle_score(pair):
    scores, raised = pair
    before, after = principle_result(scores), principle_result(raised)
    assert after.sufficient == before.sufficient  # N/E did not change
    if before.sufficient:
        assert after.percentage > before.percentage
        assert after.score >= before.score
    else:
        assert before.score is None and after.score is None


@given(a_raise(), rules())
def test_raising_a_criterion_score_never_lowers_the_principle_score_under_any_rule(pair, rule):
    scores, raised = pair
    before, after = principle_result(scores, rule=rule), principle_result(raised, rule=rule)
    assert (after.score is None) == (before.score is None)  # sufficiency does not depend on levels
    if before.score is not None:
        assert after.score >= before.score


@pytest.mark.parametrize("rule", [DEFAULT_RULE, STRICTER_RULE], ids=["limiters off", "limiters on"])
@given(pair=a_raise(max_size=10))
def test_raising_a_principle_score_never_lowers_the_overall_rating(rule, pair):
    scores, raised = pair
    before, after = overall_result(scores, rule=rule), overall_result(raised, rule=rule)
    assert after.percentage > before.percentage
    assert RATINGS.index(after.rating) <= RATINGS.index(before.rating)  # earlier in RATINGS is better
    assert after.rating_score >= before.rating_score


@given(a_raise(elements=st.integers(1, 4), min_size=8, max_size=8))
def test_raising_one_of_eight_principle_scores_never_lowers_the_rating_with_limiters_on(pair):
    scores, raised = pair
    assert (
        overall_result(raised, rule=STRICTER_RULE).rating_score
        >= overall_result(scores, rule=STRICTER_RULE).rating_score
    )


@given(a_raise(max_size=10), rules())
def test_raising_a_principle_score_never_lowers_the_rating_under_any_rule(pair, rule):
    scores, raised = pair
    assert overall_result(raised, rule=rule).rating_score >= overall_result(scores, rule=rule).rating_score


@given(st.lists(criterion_score, min_size=1, max_size=20), st.lists(st.sampled_from(CATEGORIES)))
def test_principle_results_stay_within_bounds(scores, categories):
    result = principle_result(scores, evidence_categories=categories)
    if result.sufficient:
        assert 25 <= result.percentage <= 100
        assert result.score in {1, 2, 3, 4}
    else:
        assert result.percentage is None and result.score is None
        assert result.label == NOT_ENOUGH_EVIDENCE
    assert result.sufficient == (
        Fraction(result.scored, result.criteria) >= Fraction(3, 4) and len(set(categories)) >= 2
    )
    assert result.sufficient == (result.shortfalls == ())


@pytest.mark.parametrize("rule", [DEFAULT_RULE, STRICTER_RULE], ids=["limiters off", "limiters on"])
@given(scores=st.lists(criterion_score, min_size=1, max_size=12))
def test_overall_results_stay_within_bounds(rule, scores):
    result = overall_result(scores, rule=rule)
    assert result.indicative == (len(scores) != 8 or None in scores)
    if result.scored:
        assert 25 <= result.percentage <= 100
        assert result.rating in RATINGS
        assert result.calculated_rating in RATINGS
        assert result.rating_score <= DEFAULT_RULE.band_for(result.percentage).score  # limiters only lower
        assert result.band_position in {"upper", "lower", None}
    else:
        assert result.percentage is result.rating is None
    if not rule.stricter_limiters:
        assert result.limiter_notes == ()
        assert result.rating == result.calculated_rating


@given(rules())
def test_any_valid_rule_survives_a_json_round_trip(rule):
    assert ScoringRule.from_dict(json.loads(json.dumps(rule.to_dict()))) == rule


@given(st.fractions(min_value=0, max_value=100), st.fractions(min_value=0, max_value=100), rules())
def test_banding_is_monotone_for_any_rule(low, high, rule):
    low, high = sorted((low, high))
    assert rule.band_for(low).score <= rule.band_for(high).score


@given(st.fractions(min_value=0, max_value=100))
def test_a_displayed_percentage_never_claims_a_whole_number_the_value_does_not_reach(value):
    shown = Decimal(format_percentage(value).rstrip("%"))
    assert abs(Fraction(shown) - value) <= Fraction(1, 10)
    if shown == shown.to_integral_value():
        assert value >= Fraction(shown)

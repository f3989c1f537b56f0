"""The redline: word diffs and comparisons of two versions' data, without a database."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from principles.redline import compare_versions, word_diff
from principles.scoring import DEFAULT_RULE, rule_in_words

RUBRIC_FILE = Path(__file__).resolve().parents[2] / "principles" / "rubric" / "2026.yaml"


@pytest.fixture(scope="module")
def rubric_2026() -> dict:
    return yaml.safe_load(RUBRIC_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def old(rubric_2026) -> dict:
    return copy.deepcopy(rubric_2026)


@pytest.fixture
def new(rubric_2026) -> dict:
    return copy.deepcopy(rubric_2026)


def criterion(data: dict, code: str) -> dict:
    return next(c for p in data["principles"] for c in p["criteria"] if c["code"] == code)


# ---------------------------------------------------------------------------------------------
# word_diff


def test_a_changed_word_is_a_deletion_then_an_insertion_between_unchanged_text():
    assert word_diff("reported on a regular cycle", "reported on a quarterly cycle") == [
        ("equal", "reported on a "),
        ("delete", "regular"),
        ("insert", "quarterly"),
        ("equal", " cycle"),
    ]


def test_added_and_removed_words_keep_their_spaces():
    assert word_diff("named leads", "named senior leads") == [
        ("equal", "named "),
        ("insert", "senior "),
        ("equal", "leads"),
    ]
    assert word_diff("named senior leads", "named leads") == [
        ("equal", "named "),
        ("delete", "senior "),
        ("equal", "leads"),
    ]


def test_a_run_of_changed_words_reads_as_one_change_not_word_by_word():
    assert word_diff("Leaders rarely attend", "Boards always hear") == [
        ("delete", "Leaders rarely attend"),
        ("insert", "Boards always hear"),
    ]


def test_identical_and_empty_texts():
    assert word_diff("same words", "same words") == [("equal", "same words")]
    assert word_diff("", "") == []
    assert word_diff("", "new") == [("insert", "new")]
    assert word_diff("old", "") == [("delete", "old")]


def test_punctuation_stays_with_its_word():
    assert word_diff("boards.", "boards and committees.") == [
        ("delete", "boards."),
        ("insert", "boards and committees."),
    ]


@given(st.text(alphabet="ab \n.", max_size=40), st.text(alphabet="ab \n.", max_size=40))
def test_the_segments_always_rebuild_both_texts(old_text, new_text):
    segments = word_diff(old_text, new_text)
    assert "".join(text for op, text in segments if op != "insert") == old_text
    assert "".join(text for op, text in segments if op != "delete") == new_text
    assert all(op in {"equal", "delete", "insert"} and text for op, text in segments)


# ---------------------------------------------------------------------------------------------
# compare_versions


def test_identical_versions_have_no_changes(old, new):
    comparison = compare_versions(old, new)
    assert comparison.identical
    assert comparison.sections() == []
    assert set(comparison.counts.values()) == {0}


def test_a_new_label_alone_is_not_a_change(old, new):
    new["label"] = "2027"
    assert compare_versions(old, new).identical


def test_a_changed_descriptor_is_one_changed_criterion_with_that_level(old, new):
    criterion(new, "3.2")["levels"][4] = "Something entirely different."
    comparison = compare_versions(old, new)
    assert comparison.counts["criteria_changed"] == 1
    assert comparison.counts["levels_changed"] == 1
    [item] = comparison.criteria
    assert item.key == "3.2" and item.status == "changed" and item.principle_number == 3
    assert item.name == "Criterion 3.2: Decision papers show how public input was considered"
    [field] = item.fields
    assert field.name == "Level 4 – Exceptional standard"
    assert field.new == "Something entirely different."
    assert ("insert", "Something entirely different.") in field.segments
    assert comparison.principles == ()


def test_added_and_removed_criteria_are_matched_by_code(old, new):
    principle = new["principles"][3]
    principle["criteria"].append(
        {"code": "4.5", "text": "Digital methods are tested", "levels": {1: "a", 2: "b", 3: "c", 4: "d"}}
    )
    new["principles"][0]["criteria"] = [c for c in new["principles"][0]["criteria"] if c["code"] != "1.3"]
    comparison = compare_versions(old, new)
    assert [(i.key, i.status) for i in comparison.criteria] == [("1.3", "removed"), ("4.5", "added")]
    added = comparison.criteria[1]
    assert [f.name for f in added.fields][:2] == ["Text", "Level 1 – Significant shortfalls"]
    assert added.fields[0].new == "Digital methods are tested" and added.fields[0].old == ""
    removed = comparison.criteria[0]
    assert removed.fields[0].old == "Resources, skills and capacity" and removed.fields[0].new == ""
    # Adding or removing criteria is not also reported as a reordering of the principle.
    assert comparison.principles == ()
    assert comparison.counts["criteria_added"] == comparison.counts["criteria_removed"] == 1


def test_reordered_criteria_change_their_principle(old, new):
    new["principles"][1]["criteria"].reverse()
    [item] = compare_versions(old, new).principles
    assert item.key == "2" and item.status == "changed"
    [field] = item.fields
    assert field.name == "Order of criteria"
    assert (field.old, field.new) == ("2.1 2.2 2.3 2.4", "2.4 2.3 2.2 2.1")


def test_a_criterion_moved_to_another_principle_says_so(old, new):
    moved = new["principles"][0]["criteria"].pop()
    new["principles"][1]["criteria"].append(moved)
    comparison = compare_versions(old, new)
    [item] = comparison.criteria
    assert item.key == "1.4"
    assert [(f.name, f.old, f.new) for f in item.fields] == [("Principle", "1", "2")]


def test_a_removed_principle_and_its_criteria_are_listed(old, new):
    del new["principles"][7]
    comparison = compare_versions(old, new)
    assert [(i.key, i.status) for i in comparison.principles] == [("8", "removed")]
    assert comparison.principles[0].name == "Principle 8: Coordination across the system"
    assert [i.key for i in comparison.criteria] == ["8.1", "8.2", "8.3", "8.4"]
    assert [heading for heading, _, _ in comparison.sections()] == ["Principles removed", "Criteria removed"]


def test_principle_wording_and_suggested_evidence_changes(old, new):
    new["principles"][5]["statement"] = "Accessible, so that everyone can take part"
    new["principles"][5]["suggested_evidence"][0]["categories"] = ["PR", "OC"]
    [item] = compare_versions(old, new).principles
    assert [f.name for f in item.fields] == ["Statement", "Suggested evidence"]
    changes = [(op, text.strip()) for op, text in item.fields[0].segments if op != "equal"]
    assert changes == [("insert", "that")]


def test_suggested_evidence_names_its_categories_in_words_not_codes(old, new):
    """Issue 13, item 7: "(Processes, Outcomes)", not "PR, OC:"."""
    new["principles"][5]["suggested_evidence"][0]["categories"] = ["PR", "OC"]
    [item] = compare_versions(old, new).principles
    [field] = item.fields
    assert field.new.splitlines()[0].endswith("(Processes, Outcomes)")
    assert not field.new.startswith("PR")


def test_the_version_title_scoring_rule_and_categories_are_compared(old, new):
    new["title"] = "Public engagement rubric 2027"
    new["scoring_rule"]["bands"][1]["min_percent"] = "65"
    new["evidence_categories"][1]["description"] = "Board members and engagement staff"
    comparison = compare_versions(old, new)
    assert [f.name for f in comparison.version] == ["Title", "Scoring rule", "Evidence categories"]
    rule = comparison.version[1]
    assert "Good: 63% or more, but less than 88%" in rule.old
    assert "Good: 65% or more, but less than 88%" in rule.new
    assert ("insert", "65%") in rule.segments


def test_the_scoring_rule_in_words():
    assert rule_in_words(DEFAULT_RULE)[:4] == [
        "Outstanding: 88% or more",
        "Good: 63% or more, but less than 88%",
        "Requires improvement: 39% or more, but less than 63%",
        "Inadequate: less than 39%",
    ]
    assert (
        "A principle score needs at least 75% of the principle's criteria scored, and evidence "
        "from at least 2 evidence categories."
    ) in rule_in_words(DEFAULT_RULE)


def test_the_stricter_limiters_read_as_sentences_a_lead_understands():
    """Issue 13, item 7: not "Stricter limiters are off"."""
    off = rule_in_words(DEFAULT_RULE)[-1]
    assert off == (
        "The overall rating comes from the principle scores alone: one low principle score does not "
        "stop it being Outstanding. (This version does not use the optional stricter limits.)"
    )
    assert not any("limiters" in line for line in rule_in_words(DEFAULT_RULE))
    on = rule_in_words(replace(DEFAULT_RULE, stricter_limiters=True))[-1]
    assert on.startswith("This version adds two limits of its own (they are not CQC's): the overall rating")

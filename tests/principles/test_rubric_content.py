"""The 2026 rubric shipped as data (principles/rubric/2026.yaml): structure and spot values.

The YAML was generated from §5 of the domain team's rubric draft; these tests guard the file's
shape (it is also the portal's import/export format) and a few exact strings, without needing the
draft itself or a database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from principles.scoring import DEFAULT_RULE

RUBRIC_PATH = Path(__file__).resolve().parents[2] / "principles" / "rubric" / "2026.yaml"

TITLES = {
    1: "Strong leadership",
    2: "Clear purpose",
    3: "Engagement shapes planning and decisions",
    4: "The right methods",
    5: "Reaching the right people",
    6: "Accessible to everyone",
    7: "Learning and improving over time",
    8: "Coordination across the system",
}
CATEGORY_CODES = ["PE", "SL", "FP", "PR", "OC", "OB"]

# Counted from the draft's §5 tables: P1 4, P2 4, P3 5, P4 4, P5 4, P6 4, P7 4, P8 4.
CRITERIA_PER_PRINCIPLE = {1: 4, 2: 4, 3: 5, 4: 4, 5: 4, 6: 4, 7: 4, 8: 4}
TOTAL_CRITERIA = 33
# Counted from the draft's "Evidence types." lists: 5, 4, 5, 5, 4, 4, 4, 4.
TOTAL_EVIDENCE_BULLETS = 35


@pytest.fixture(scope="module")
def rubric():
    with RUBRIC_PATH.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def criteria_by_code(rubric):
    return {c["code"]: c for p in rubric["principles"] for c in p["criteria"]}


def test_header(rubric):
    assert rubric["format"] == "engagement-rubric/1"
    assert rubric["label"] == "2026"
    assert rubric["title"] == "Public engagement rubric 2026"
    assert list(rubric) == ["format", "label", "title", "scoring_rule", "evidence_categories", "principles"]
    assert rubric["scoring_rule"] == DEFAULT_RULE.to_dict()


def test_evidence_categories(rubric):
    cats = rubric["evidence_categories"]
    assert [c["code"] for c in cats] == CATEGORY_CODES
    for c in cats:
        assert set(c) == {"code", "name", "description"}
        assert isinstance(c["name"], str) and c["name"]
        assert isinstance(c["description"], str)
    by_code = {c["code"]: c for c in cats}
    assert by_code["PE"]["name"] == "People's experience"
    assert by_code["SL"]["description"] == ""
    assert by_code["OC"]["description"] == 'Decisions changed, metrics, "you said, we did"'


def test_eight_principles_with_titles(rubric):
    principles = rubric["principles"]
    assert [p["number"] for p in principles] == list(range(1, 9))
    assert {p["number"]: p["title"] for p in principles} == TITLES
    for p in principles:
        assert list(p) == ["number", "title", "statement", "guidance", "criteria", "suggested_evidence"]
        assert isinstance(p["statement"], str) and p["statement"]
        assert isinstance(p["guidance"], str)


def test_criteria_codes_and_levels(rubric):
    seen = []
    for p in rubric["principles"]:
        assert len(p["criteria"]) == CRITERIA_PER_PRINCIPLE[p["number"]]
        for c in p["criteria"]:
            assert list(c) == ["code", "text", "guidance", "suggested_evidence", "levels"]
            assert isinstance(c["code"], str)
            assert c["code"].startswith(f"{p['number']}.")
            assert isinstance(c["text"], str) and c["text"]
            assert isinstance(c["guidance"], str)
            assert isinstance(c["suggested_evidence"], str)
            assert list(c["levels"]) == [1, 2, 3, 4]
            for descriptor in c["levels"].values():
                assert isinstance(descriptor, str) and descriptor.strip()
                assert "*" not in descriptor  # markdown emphasis was stripped
            seen.append(c["code"])
    assert len(seen) == len(set(seen))
    assert len(seen) == TOTAL_CRITERIA


def test_suggested_evidence(rubric):
    total = 0
    for p in rubric["principles"]:
        assert p["suggested_evidence"]
        for item in p["suggested_evidence"]:
            assert set(item) == {"categories", "text"}
            assert item["categories"]
            assert set(item["categories"]) <= set(CATEGORY_CODES)
            assert isinstance(item["text"], str) and item["text"]
            total += 1
    assert total == TOTAL_EVIDENCE_BULLETS


def test_spot_values(rubric):
    crit = criteria_by_code(rubric)
    assert rubric["principles"][7]["statement"] == (
        "Coordinating engagement across the system to avoid overlap and increase impact"
    )
    assert crit["2.1"]["levels"][4] == (
        "Scope and purpose are set with communities; commitments to revisit decisions are documented "
        "and honoured."
    )
    assert crit["3.2"]["text"] == "Decision papers show how public input was considered"
    assert crit["3.2"]["levels"][3].startswith(
        "A standard section in decision papers summarises the insight, who it came from, and how it was "
        "considered (conscientious consideration)"
    )
    assert crit["8.4"]["levels"][1] == "Insight stays where it was collected."
    p7 = rubric["principles"][6]["suggested_evidence"]
    assert {"categories": ["PE", "FP"], "text": "input to reviews."} in p7
    p3 = rubric["principles"][2]["suggested_evidence"]
    assert {"categories": ["OC"], "text": "an impact log (decision → input → change)."} in p3


def test_round_trips_through_safe_dump(rubric):
    dumped = yaml.safe_dump(rubric, sort_keys=False, allow_unicode=True, width=100)
    assert yaml.safe_load(dumped) == rubric

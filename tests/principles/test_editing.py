"""Rubric admins change every word of a draft on the rubric pages: suggested evidence, evidence
categories and the scoring rule's thresholds, as well as principles and criteria (test_views.py).
Every change is recorded in the history; a published version refuses them all."""

from __future__ import annotations

import html
import re
from fractions import Fraction

import pytest

from principles import services
from principles.interchange import version_to_dict
from principles.models import EvidenceCategory, RubricChange, RubricVersion, SuggestedEvidence
from principles.scoring import share_as_percent
from tests.principles.test_views import make_draft, page, text_of

pytestmark = pytest.mark.django_db

RULE = {
    "min_percent_4": "88",
    "min_percent_3": "63",
    "min_percent_2": "39",
    "min_percent_1": "0",
    "min_scored_percent": "75",
    "min_evidence_categories": "2",
    "stricter_limiters": "no",
}


def changes(version: RubricVersion) -> set[tuple[str, str, str, str]]:
    return set(
        RubricChange.objects.filter(version=version)
        .exclude(field="created")
        .values_list("subject", "field", "before", "after")
    )


def items(version: RubricVersion, number: int) -> list[SuggestedEvidence]:
    principle = version.principles.get(number=number)
    return list(principle.suggested_evidence.order_by("position", "pk"))


def error_summary(response) -> str:
    content = page(response)
    assert "<title>Error: " in content
    return content.split('class="govuk-error-summary"')[1].split("</ul>")[0]


@pytest.fixture
def draft(cast) -> RubricVersion:
    return make_draft(cast)


@pytest.fixture
def admin(client, cast):
    client.force_login(cast.rubric_admin)
    return client


# ---------------------------------------------------------------------------------------------
# The scoring rule


def test_a_rubric_admin_changes_the_scoring_rules_thresholds_and_each_change_is_recorded(admin, draft, cast):
    form = admin.get("/rubric/versions/2027/scoring-rule/edit/")
    assert form.status_code == 200
    for name, value in RULE.items():
        if name != "stricter_limiters":
            assert f'name="{name}" value="{value}"' in page(form), name
    assert re.search(r'value="no"\s+checked', page(form))

    response = admin.post(
        "/rubric/versions/2027/scoring-rule/edit/",
        {
            **RULE,
            "min_percent_4": "90",
            "min_percent_2": "37.5",
            "min_scored_percent": "80%",
            "min_evidence_categories": "3",
            "stricter_limiters": "yes",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/rubric/versions/2027/#scoring-rule", 302)]
    assert "Scoring rule saved." in text_of(response)
    assert "Outstanding: 90% or more" in text_of(response)
    assert "Requires improvement: 37.5% or more, but less than 63%" in text_of(response)
    assert "This version adds two limits of its own" in text_of(response)

    draft.refresh_from_db()
    rule = draft.rule()
    assert [str(band.min_percent) for band in rule.bands] == ["90", "63", "37.5", "0"]
    assert rule.min_scored_fraction == Fraction(4, 5)
    assert draft.scoring_rule["min_scored_fraction"] == "4/5"
    assert (rule.min_evidence_categories, rule.stricter_limiters) == (3, True)
    assert rule.principles_required == 8 and rule.decisions_principle == 3  # not on the form: kept
    assert changes(draft) == {
        ("Scoring rule", "Outstanding band minimum", "88%", "90%"),
        ("Scoring rule", "Requires improvement band minimum", "39%", "37.5%"),
        ("Scoring rule", "criteria scored", "75%", "80%"),
        ("Scoring rule", "evidence categories needed", "2", "3"),
        ("Scoring rule", "stricter limiters", "off", "on"),
    }
    assert all(c.changed_by == cast.rubric_admin for c in RubricChange.objects.filter(version=draft))
    history = text_of(admin.get("/rubric/versions/2027/history/"))
    assert "Scoring rule: Outstanding band minimum" in history
    assert "Scoring rule: stricter limiters" in history
    # The published version it was copied from keeps its rule.
    assert RubricVersion.objects.get(label="2026").rule().bands[0].min_percent == 88


def test_saving_the_scoring_rule_unchanged_records_nothing(admin, draft):
    response = admin.post("/rubric/versions/2027/scoring-rule/edit/", RULE, follow=True)
    assert "Nothing was changed." in text_of(response)
    assert changes(draft) == set()


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        (
            {"min_percent_3": "90"},
            "min_percent_3",
            "The minimum for Good must be lower than the minimum for Outstanding",
        ),
        (
            {"min_percent_1": "10"},
            "min_percent_1",
            "The minimum for Inadequate must be 0, so that every percentage is in a band",
        ),
        (
            {"min_percent_2": "forty"},
            "min_percent_2",
            "The minimum for Requires improvement must be a number",
        ),
        ({"min_percent_4": "101"}, "min_percent_4", "The minimum for Outstanding must be a number between 0"),
        ({"min_percent_4": ""}, "min_percent_4", "Enter the minimum percentage for Outstanding"),
        ({"min_scored_percent": "0"}, "min_scored_percent", "must be more than 0 and at most 100"),
        ({"min_scored_percent": "most"}, "min_scored_percent", "must be a number, like 75"),
        (
            {"min_evidence_categories": "-1"},
            "min_evidence_categories",
            "The number of evidence categories needed must be a whole number, 0 or more",
        ),
        (
            {"min_evidence_categories": "7"},
            "min_evidence_categories",
            "cannot be more than the 6 categories in this version",
        ),
        ({"min_evidence_categories": "two"}, "min_evidence_categories", "must be a whole number, like 2"),
        ({"stricter_limiters": ""}, "stricter_limiters", "Select whether to use the stricter limiters"),
    ],
)
def test_a_scoring_rule_that_is_not_valid_is_refused_against_the_right_field(
    admin, draft, changed, field, message
):
    typed = {**RULE, "min_percent_3": "61.5", **changed}
    response = admin.post("/rubric/versions/2027/scoring-rule/edit/", typed)
    assert response.status_code == 200
    summary = error_summary(response)
    assert f'href="#id_{field}"' in summary
    assert message in summary.replace("&#x27;", "'")
    assert f'id="id_{field}_1_error"' in page(response)
    # What was typed is still there to correct.
    for name, value in typed.items():
        if name != "stricter_limiters":
            assert f'name="{name}" value="{value}"' in page(response) or not value, name
    draft.refresh_from_db()
    assert draft.scoring_rule == RubricVersion.objects.get(label="2026").scoring_rule
    assert changes(draft) == set()


def test_a_share_no_decimal_can_write_is_kept_exactly_when_saved_unchanged(admin, draft, cast):
    rule = {**draft.scoring_rule, "min_scored_fraction": "2/3"}
    services.rubric_update_scoring_rule(version=draft, by=cast.rubric_admin, scoring_rule=rule)
    assert share_as_percent(Fraction(2, 3)) == "66.67"
    assert share_as_percent(Fraction(5, 8)) == "62.5"
    form = admin.get("/rubric/versions/2027/scoring-rule/edit/")
    assert 'name="min_scored_percent" value="66.67"' in page(form)
    admin.post("/rubric/versions/2027/scoring-rule/edit/", {**RULE, "min_scored_percent": "66.67"})
    draft.refresh_from_db()
    assert draft.rule().min_scored_fraction == Fraction(2, 3)


def test_the_scoring_rule_service_refuses_an_invalid_rule(draft, cast):
    rule = {**draft.scoring_rule, "min_evidence_categories": -1}
    with pytest.raises(ValueError, match="min_evidence_categories"):
        services.rubric_update_scoring_rule(version=draft, by=cast.rubric_admin, scoring_rule=rule)
    draft.refresh_from_db()
    assert draft.rule().min_evidence_categories == 2
    assert changes(draft) == set()


def test_a_long_band_name_from_a_rubric_file_does_not_stop_a_threshold_change(draft, cast):
    rule = draft.scoring_rule
    long_name = "Good, with a name from an imported rubric file that runs on and on"
    rule["bands"][1]["name"] = long_name
    services.rubric_update_scoring_rule(version=draft, by=cast.rubric_admin, scoring_rule=rule)
    rule["bands"][1]["min_percent"] = "60"
    assert services.rubric_update_scoring_rule(version=draft, by=cast.rubric_admin, scoring_rule=rule)
    draft.refresh_from_db()
    assert draft.rule().bands[1].min_percent == 60
    change = RubricChange.objects.get(version=draft, before="63%", after="60%")
    assert change.field == f"{long_name} band minimum"[:50]


# ---------------------------------------------------------------------------------------------
# Evidence categories


def test_a_rubric_admin_renames_and_redescribes_an_evidence_category(admin, draft, cast):
    form = admin.get("/rubric/versions/2027/categories/SL/edit/")
    assert form.status_code == 200
    assert "Change evidence category SL" in text_of(form)
    assert 'value="Feedback from staff and leaders"' in page(form)
    response = admin.post(
        "/rubric/versions/2027/categories/SL/edit/",
        {
            "name": "Feedback from staff, leaders and boards",
            "description": "Interviews and surveys",
            "code": "X",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/rubric/versions/2027/#evidence-categories", 302)]
    assert "Evidence category SL saved." in text_of(response)
    assert "Feedback from staff, leaders and boards" in text_of(response)
    category = EvidenceCategory.objects.get(version=draft, code="SL")  # the code stays
    assert (category.name, category.description) == (
        "Feedback from staff, leaders and boards",
        "Interviews and surveys",
    )
    assert changes(draft) == {
        (
            "Evidence category SL",
            "name",
            "Feedback from staff and leaders",
            "Feedback from staff, leaders and boards",
        ),
        ("Evidence category SL", "description", "", "Interviews and surveys"),
    }
    # Suggested evidence tagged SL is now shown under the new name.
    assert items(draft, 1)[1].categories == ["SL"]
    principle_page = text_of(admin.get("/rubric/versions/2027/principles/1/"))
    assert "Feedback from staff, leaders and boards" in principle_page
    assert "Evidence category SL: name" in text_of(admin.get("/rubric/versions/2027/history/"))


def test_an_evidence_category_needs_a_name_and_keeps_what_was_typed(admin, draft):
    response = admin.post(
        "/rubric/versions/2027/categories/PE/edit/", {"name": "  ", "description": "Typed just now"}
    )
    assert response.status_code == 200
    assert 'href="#id_name"' in error_summary(response)
    assert "Enter the category&#x27;s name" in page(response)
    assert "Typed just now" in page(response)
    assert EvidenceCategory.objects.get(version=draft, code="PE").name == "People's experience"
    assert changes(draft) == set()


def test_an_unknown_evidence_category_is_404(admin, draft):
    assert admin.get("/rubric/versions/2027/categories/ZZ/edit/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Suggested evidence


def test_a_rubric_admin_adds_suggested_evidence_tagged_with_categories(admin, draft):
    before = items(draft, 2)
    form = admin.get("/rubric/versions/2027/principles/2/evidence/new/")
    assert form.status_code == 200
    assert "People&#x27;s experience (PE)" in page(form)
    response = admin.post(
        "/rubric/versions/2027/principles/2/evidence/new/",
        {"text": "A purpose statement co-written with residents", "categories": ["OC", "PE"]},
        follow=True,
    )
    assert response.redirect_chain == [("/rubric/versions/2027/principles/2/#suggested-evidence", 302)]
    assert "Suggested evidence added to principle 2." in text_of(response)
    assert "A purpose statement co-written with residents" in text_of(response)
    after = items(draft, 2)
    assert len(after) == len(before) + 1
    added = after[-1]
    assert (added.text, added.categories) == ("A purpose statement co-written with residents", ["PE", "OC"])
    assert changes(draft) == {
        (
            "Principle 2 suggested evidence",
            "added",
            "",
            "PE, OC: A purpose statement co-written with residents",
        )
    }


def test_a_rubric_admin_changes_an_items_words_and_categories(admin, draft):
    item = items(draft, 1)[0]
    url = f"/rubric/versions/2027/principles/1/evidence/{item.pk}/edit/"
    form = admin.get(url)
    assert form.status_code == 200
    assert re.search(r'value="PR"\s+checked', page(form))
    assert html.escape(item.text) in page(form)
    response = admin.post(url, {"text": "Board papers showing engagement items", "categories": ["SL", "PR"]})
    assert response.status_code == 302
    assert response["Location"] == "/rubric/versions/2027/principles/1/#suggested-evidence"
    item.refresh_from_db()
    assert (item.text, item.categories) == ("Board papers showing engagement items", ["SL", "PR"])
    old_text = items(RubricVersion.objects.get(label="2026"), 1)[0].text
    assert changes(draft) == {
        ("Principle 1 suggested evidence", "categories", f"PR: {old_text}", f"SL, PR: {old_text}"),
        ("Principle 1 suggested evidence", "text", old_text, "Board papers showing engagement items"),
    }


def test_suggested_evidence_needs_words_and_a_category_and_keeps_what_was_typed(admin, draft):
    item = items(draft, 1)[0]
    url = f"/rubric/versions/2027/principles/1/evidence/{item.pk}/edit/"
    response = admin.post(url, {"text": "Typed just now"})
    summary = error_summary(response)
    assert '<a href="#id_categories">Select at least one evidence category</a>' in summary
    assert 'id="id_categories"' in page(response)  # the link lands on the first checkbox
    assert "Typed just now" in page(response)
    response = admin.post(url, {"text": "", "categories": ["OC", "XX"]})
    summary = error_summary(response)
    assert "Enter the suggested evidence" in summary
    assert "Select evidence categories from the list" in summary
    response = admin.post(url, {"text": "", "categories": ["OC"]})
    assert re.search(r'value="OC"\s+checked', page(response))
    item.refresh_from_db()
    assert item.categories == ["PR"] and item.text != "Typed just now"
    assert changes(draft) == set()


def test_removing_suggested_evidence_asks_first_then_removes_it(admin, draft):
    item = items(draft, 3)[1]
    url = f"/rubric/versions/2027/principles/3/evidence/{item.pk}/remove/"
    confirm = admin.get(url)
    assert confirm.status_code == 200
    assert "Remove this suggested evidence?" in text_of(confirm)
    assert item.text in text_of(confirm)
    response = admin.post(url, follow=True)
    assert response.redirect_chain == [("/rubric/versions/2027/principles/3/#suggested-evidence", 302)]
    assert "Suggested evidence removed from principle 3." in text_of(response)
    assert not SuggestedEvidence.objects.filter(pk=item.pk).exists()
    assert changes(draft) == {
        ("Principle 3 suggested evidence", "removed", f"{', '.join(item.categories)}: {item.text}", "")
    }


def test_an_item_is_found_only_under_its_own_principle_and_version(admin, draft):
    theirs = items(draft, 2)[0]
    published = items(RubricVersion.objects.get(label="2026"), 1)[0]
    for item in (theirs, published):
        for action in ("edit", "remove"):
            url = f"/rubric/versions/2027/principles/1/evidence/{item.pk}/{action}/"
            assert admin.get(url).status_code == 404, url
            assert admin.post(url, {"text": "x", "categories": ["PE"]}).status_code == 404, url
    assert admin.get("/rubric/versions/2027/principles/9/evidence/new/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Who may, and where the links are


def _new_pages(version: RubricVersion) -> list[tuple[str, dict]]:
    principle = version.principles.get(number=1)
    item = principle.suggested_evidence.order_by("position", "pk").first()
    base = f"/rubric/versions/{version.label}"
    return [
        (f"{base}/scoring-rule/edit/", {**RULE, "min_percent_4": "95"}),
        (f"{base}/categories/PE/edit/", {"name": "Changed", "description": ""}),
        (f"{base}/principles/1/evidence/new/", {"text": "Changed", "categories": ["PE"]}),
        (f"{base}/principles/1/evidence/{item.pk}/edit/", {"text": "Changed", "categories": ["PE"]}),
        (f"{base}/principles/1/evidence/{item.pk}/remove/", {}),
    ]


@pytest.mark.parametrize("person", ["viewer_a", "lead_b", "assessor", "outsider"])
def test_a_draft_is_404_and_a_published_version_403_for_people_who_are_not_rubric_admins(
    client, cast, draft, person
):
    client.force_login(cast.person(person))
    for url, data in _new_pages(draft):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    for url, data in _new_pages(RubricVersion.objects.get(label="2026")):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert changes(draft) == set()


def test_a_published_version_refuses_every_new_edit_and_nothing_changes(admin, cast):
    published = RubricVersion.objects.get(label="2026")
    before = version_to_dict(published)
    history = RubricChange.objects.filter(version=published).count()
    refusal = "Version 2026 is published, so it cannot be changed. Make a new draft to change the wording."
    for url, data in _new_pages(published):
        for response in (admin.get(url), admin.post(url, data)):
            assert response.status_code == 403, url
            assert refusal in text_of(response), url
    assert version_to_dict(RubricVersion.objects.get(label="2026")) == before
    assert RubricChange.objects.filter(version=published).count() == history


def test_the_services_refuse_a_published_version(cast):
    published = RubricVersion.objects.get(label="2026")
    principle = published.principles.get(number=1)
    item = principle.suggested_evidence.first()
    category = published.evidence_categories.get(code="PE")
    admin = cast.rubric_admin
    attempts = [
        lambda: services.rubric_update_scoring_rule(
            version=published, by=admin, scoring_rule=published.scoring_rule
        ),
        lambda: services.rubric_update_category(category=category, by=admin, name="X", description=""),
        lambda: services.rubric_add_evidence(principle=principle, by=admin, text="X", categories=["PE"]),
        lambda: services.rubric_update_evidence(item=item, by=admin, text="X", categories=["PE"]),
        lambda: services.rubric_remove_evidence(item=item, by=admin),
    ]
    for attempt in attempts:
        with pytest.raises(services.FrozenRubricError):
            attempt()
    assert version_to_dict(RubricVersion.objects.get(label="2026")) == version_to_dict(published)


def test_the_services_refuse_categories_the_version_does_not_have(draft, cast):
    principle = draft.principles.get(number=1)
    with pytest.raises(ValueError, match="XX"):
        services.rubric_add_evidence(principle=principle, by=cast.rubric_admin, text="X", categories=["XX"])
    with pytest.raises(ValueError, match="at least one"):
        services.rubric_add_evidence(principle=principle, by=cast.rubric_admin, text="X", categories=[])


def test_edit_links_are_shown_to_rubric_admins_on_drafts_only(client, cast, draft):
    item = items(draft, 1)[0]
    draft_links = [
        'href="/rubric/versions/2027/scoring-rule/edit/"',
        'href="/rubric/versions/2027/categories/PE/edit/"',
        'href="/rubric/versions/2027/categories/OB/edit/"',
    ]
    principle_links = [
        'href="/rubric/versions/2027/principles/1/evidence/new/"',
        f'href="/rubric/versions/2027/principles/1/evidence/{item.pk}/edit/"',
        f'href="/rubric/versions/2027/principles/1/evidence/{item.pk}/remove/"',
    ]
    client.force_login(cast.rubric_admin)
    version_page = page(client.get("/rubric/versions/2027/"))
    assert all(link in version_page for link in draft_links)
    principle_page = client.get("/rubric/versions/2027/principles/1/")
    assert all(link in page(principle_page) for link in principle_links)
    assert 'Change<span class="govuk-visually-hidden"> suggested evidence item 1</span>' in page(
        principle_page
    )
    assert "Feedback from staff and leaders" in text_of(principle_page)  # the item's category, by name

    for person in ("rubric_admin", "viewer_a", "assessor"):
        client.force_login(cast.person(person))
        published = page(client.get("/rubric/versions/2026/")) + page(
            client.get("/rubric/versions/2026/principles/1/")
        )
        edit_link = r'href="/rubric/versions/2026/[^"]*(scoring-rule|categories|evidence)'
        assert not re.search(edit_link, published), person

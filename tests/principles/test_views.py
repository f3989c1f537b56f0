"""The rubric pages: reading versions, a rubric admin's whole editing flow, comparing, history,
and importing and exporting files. Assertions are on what people see: status codes, page text,
downloaded bytes and database rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from principles import services
from principles.models import Criterion, LevelDescriptor, RubricChange, RubricVersion

pytestmark = pytest.mark.django_db

RUBRIC_FILE = Path(__file__).resolve().parents[2] / "principles" / "rubric" / "2026.yaml"
LEVEL_3_OF_1_1 = (
    "Board-level or executive leads are named in the ICB/LA and key partners; engagement is reported "
    "to boards on a regular cycle with clear accountability."
)


def page(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The page's text without tags, with whitespace collapsed, for phrases split by markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(response)))


def make_draft(cast, label: str = "2027") -> RubricVersion:
    return services.rubric_new_draft(source=services.current_version(), label=label, by=cast.rubric_admin)


def criterion_form(criterion: Criterion, **changes: str) -> dict[str, str]:
    """What the criterion form posts when nothing is changed, with `changes` applied."""
    data = {
        "code": criterion.code,
        "text": criterion.text,
        "guidance": criterion.guidance,
        "suggested_evidence": criterion.suggested_evidence,
    }
    for descriptor in criterion.levels.all():
        data[f"level_{descriptor.level}"] = descriptor.text
    return {**data, **changes}


def criterion_in(version: RubricVersion, code: str) -> Criterion:
    return Criterion.objects.get(principle__version=version, code=code)


def level_text(version: RubricVersion, code: str, level: int) -> str:
    return LevelDescriptor.objects.get(criterion=criterion_in(version, code), level=level).text


def codes_of(version: RubricVersion, number: int) -> list[str]:
    principle = version.principles.get(number=number)
    return list(principle.criteria.order_by("position", "pk").values_list("code", flat=True))


# ---------------------------------------------------------------------------------------------
# Reading


def test_a_viewer_reads_the_current_rubric_its_principles_and_scoring_bands(client, cast):
    client.force_login(cast.viewer_a)
    response = client.get("/rubric/")
    assert response.status_code == 200
    text = text_of(response)
    version = RubricVersion.objects.get(label="2026")
    assert "Public engagement rubric 2026" in text
    assert "1. Strong leadership" in text
    assert "Strong leadership makes engagement part of how the system works" in text
    assert "8. Coordination across the system" in text
    assert "Outstanding: 88% or more" in text
    assert "Good: 63% or more, but less than 88%" in text
    assert "Inadequate: less than 39%" in text
    assert version.content_hash in text
    assert "Published" in text and "The current version" in text
    assert 'href="/rubric/versions/2026/principles/3/"' in page(response)
    # Reading, not editing: no publish or draft buttons for a viewer.
    assert "Make a new draft" not in text and "Retire this version" not in text


def test_the_version_page_reads_the_same_as_the_current_rubric_page(client, cast):
    client.force_login(cast.lead_b)
    response = client.get("/rubric/versions/2026/")
    assert response.status_code == 200
    assert "Public engagement rubric 2026" in text_of(response)
    assert "Evidence categories" in text_of(response)


def test_a_principle_page_shows_each_criterion_its_four_levels_and_evidence_by_category(client, cast):
    client.force_login(cast.contributor_a)
    response = client.get("/rubric/versions/2026/principles/1/")
    assert response.status_code == 200
    text = text_of(response)
    assert "1. Strong leadership" in text
    for code in ("1.1", "1.2", "1.3", "1.4"):
        assert f'id="criterion-{code}"' in page(response)
    assert "Named senior ownership and accountability for engagement across partners" in text
    for heading in ("1 – Significant shortfalls", "2 – Some shortfalls", "3 – Good standard"):
        assert heading in text
    assert text.count("4 – Exceptional standard") == 4
    assert "Board-level or executive leads are named" in text
    # The four levels are a grid of cards, not a table (which is unreadable at 320px).
    assert page(response).count('class="app-levels__level"') == 16
    # Suggested evidence under the names of its categories.
    assert "Suggested evidence" in text
    assert "Feedback from partners" in text
    assert "Healthwatch, VCSE and LA/ICB partner views of leadership commitment." in text
    assert "Next principle : 2. Clear purpose" in text
    assert "Change the principle" not in text


def test_drafts_are_404_for_people_who_are_not_rubric_admins(client, cast):
    make_draft(cast, "2027")
    for person in ("viewer_a", "lead_a", "assessor", "outsider"):
        client.force_login(cast.person(person))
        for url in (
            "/rubric/versions/2027/",
            "/rubric/versions/2027/principles/1/",
            "/rubric/versions/2027/export.yaml",
            "/rubric/versions/2027/history/",
            "/rubric/versions/2027/edit/",
            "/rubric/compare/?from=2026&to=2027",
        ):
            assert client.get(url).status_code == 404, (person, url)
        listing = text_of(client.get("/rubric/versions/"))
        assert "2026" in listing and "2027" not in listing


def test_the_version_list_shows_drafts_to_rubric_admins_with_status_tags(client, cast):
    make_draft(cast, "2027")
    client.force_login(cast.rubric_admin)
    response = client.get("/rubric/versions/")
    html = page(response)
    assert response.status_code == 200
    assert '<strong class="govuk-tag govuk-tag--yellow">Draft</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">Published</strong>' in html
    assert 'href="/rubric/versions/2027/"' in html
    assert "Import a rubric file" in html


def test_unknown_versions_principles_and_criteria_are_404(client, cast):
    make_draft(cast, "2027")
    client.force_login(cast.rubric_admin)
    assert client.get("/rubric/versions/1999/").status_code == 404
    assert client.get("/rubric/versions/2026/principles/9/").status_code == 404
    assert client.get("/rubric/versions/2027/criteria/9.9/edit/").status_code == 404
    assert client.get("/rubric/compare/?from=1999&to=2026").status_code == 404


def test_the_export_download_is_the_2026_rubric_file_byte_for_byte(client, cast):
    client.force_login(cast.viewer_b)
    response = client.get("/rubric/versions/2026/export.yaml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="rubric-2026.yaml"'
    assert response.content == RUBRIC_FILE.read_bytes()


def test_everyone_signed_in_has_a_rubric_link_and_rubric_admins_a_link_to_the_versions(client, cast):
    client.force_login(cast.viewer_a)
    assert '<a class="govuk-service-navigation__link" href="/rubric/"' in page(client.get("/"))
    client.force_login(cast.rubric_admin)
    home = page(client.get("/"))
    assert 'href="/rubric/versions/">Manage rubric versions</a>' in home
    rubric = page(client.get("/rubric/versions/2026/principles/2/"))
    assert 'href="/rubric/" aria-current="page"' in rubric


# ---------------------------------------------------------------------------------------------
# A rubric admin's flow: new draft, edit, history, publish, frozen


def test_a_rubric_admin_drafts_edits_and_publishes_a_new_version_which_then_cannot_change(client, cast):
    client.force_login(cast.rubric_admin)

    # A new draft, copied from the published version.
    form = client.get("/rubric/versions/new/")
    assert form.status_code == 200
    assert "copy of every word of the current version, 2026" in text_of(form)
    # The label alone: the page asks for the title, suggesting one from the label, and makes
    # nothing yet.
    asked = client.post("/rubric/versions/new/", {"label": "2027"})
    assert asked.status_code == 200
    assert not RubricVersion.objects.filter(label="2027").exists()
    assert "We have suggested a title from the label" in text_of(asked)
    assert 'value="Public engagement rubric 2027"' in asked.content.decode()
    response = client.post(
        "/rubric/versions/new/", {"label": "2027", "title": "Public engagement rubric 2027"}, follow=True
    )
    assert response.redirect_chain == [("/rubric/versions/2027/", 302)]
    assert "Draft 2027, “Public engagement rubric 2027”, made from version 2026." in text_of(response)
    draft = RubricVersion.objects.get(label="2027")
    assert draft.title == "Public engagement rubric 2027"
    assert draft.is_draft and draft.based_on.label == "2026"
    assert draft.principles.count() == 8
    assert Criterion.objects.filter(principle__version=draft).count() == 33

    # Edit one descriptor, through the form that holds the criterion and all four levels.
    edit_url = "/rubric/versions/2027/criteria/1.1/edit/"
    edit_page = client.get(edit_url)
    assert edit_page.status_code == 200
    assert LEVEL_3_OF_1_1 in text_of(edit_page)
    new_text = LEVEL_3_OF_1_1.replace("regular cycle", "quarterly cycle")
    response = client.post(edit_url, criterion_form(criterion_in(draft, "1.1"), level_3=new_text))
    assert response.status_code == 302
    assert response["Location"] == "/rubric/versions/2027/principles/1/#criterion-1.1"
    assert level_text(draft, "1.1", 3) == new_text
    assert level_text(RubricVersion.objects.get(label="2026"), "1.1", 3) == LEVEL_3_OF_1_1

    # The history says who changed what, with the changed word marked.
    history = client.get("/rubric/versions/2027/history/")
    assert history.status_code == 200
    text = text_of(history)
    assert "Criterion 1.1 level 3: text" in text
    assert cast.rubric_admin.get_full_name() in text
    assert '<span class="govuk-visually-hidden">deleted text: </span>regular</del>' in page(history)
    assert '<span class="govuk-visually-hidden">inserted text: </span>quarterly</ins>' in page(history)
    assert "Version: created" in text and "Copied from 2026" in text

    # A descriptor left empty stops publishing; the message names the criterion and the level.
    services.rubric_update_criterion(
        criterion=criterion_in(draft, "1.2"),
        by=cast.rubric_admin,
        levels={2: ""},
    )
    publish = client.get("/rubric/versions/2027/publish/")
    assert publish.status_code == 200
    assert "Criterion 1.2 needs a descriptor for level 2." in text_of(publish)
    assert "Publish version" not in text_of(publish)
    response = client.post("/rubric/versions/2027/publish/")
    assert response.status_code == 200
    assert "<title>Error: " in page(response)
    assert "The draft was not published" in text_of(response)
    assert "Criterion 1.2 needs a descriptor for level 2." in text_of(response)
    assert 'href="/rubric/versions/2027/criteria/1.2/edit/"' in page(response)
    draft.refresh_from_db()
    assert draft.is_draft
    assert level_text(draft, "1.1", 3) == new_text  # the draft keeps its wording

    # Fill the gap, then publish.
    response = client.post(
        "/rubric/versions/2027/criteria/1.2/edit/",
        criterion_form(criterion_in(draft, "1.2"), level_2="Some parts of a strategy exist."),
    )
    assert response.status_code == 302
    confirm = client.get("/rubric/versions/2027/publish/")
    assert "Publishing cannot be undone" in text_of(confirm)
    assert 'href="/rubric/compare/?from=2026&amp;to=2027"' in page(confirm)
    response = client.post("/rubric/versions/2027/publish/", follow=True)
    assert response.redirect_chain == [("/rubric/versions/2027/", 302)]
    assert "Version 2027 is published. New assessments will use it." in text_of(response)
    draft.refresh_from_db()
    assert draft.status == RubricVersion.Status.PUBLISHED
    assert draft.published_by == cast.rubric_admin and len(draft.content_hash) == 64
    assert services.current_version() == draft

    # Now frozen: every edit page explains why it cannot be used, and nothing changes.
    changes = RubricChange.objects.filter(version=draft).count()
    refusal = "Version 2027 is published, so it cannot be changed. Make a new draft to change the wording."
    for url in (
        "/rubric/versions/2027/edit/",
        "/rubric/versions/2027/principles/1/edit/",
        "/rubric/versions/2027/principles/1/criteria/new/",
        edit_url,
        "/rubric/versions/2027/criteria/1.1/remove/",
        "/rubric/versions/2027/publish/",
        "/rubric/versions/2027/delete/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert refusal in text_of(response), url
    response = client.post(edit_url, criterion_form(criterion_in(draft, "1.1"), level_3="Changed."))
    assert response.status_code == 403
    assert refusal in text_of(response)
    for url, data in (
        ("/rubric/versions/2027/edit/", {"title": "Another title"}),
        ("/rubric/versions/2027/criteria/1.1/move/", {"direction": "down"}),
        ("/rubric/versions/2027/criteria/1.1/remove/", {}),
        ("/rubric/versions/2027/delete/", {}),
    ):
        assert client.post(url, data).status_code == 403, url
    draft.refresh_from_db()
    assert level_text(draft, "1.1", 3) == new_text
    assert draft.title == "Public engagement rubric 2027"
    assert codes_of(draft, 1) == ["1.1", "1.2", "1.3", "1.4"]
    assert RubricChange.objects.filter(version=draft).count() == changes


def test_the_shipped_2026_rubric_cannot_be_edited_and_says_how_to_change_it(client, cast):
    client.force_login(cast.site_admin)
    version = RubricVersion.objects.get(label="2026")
    response = client.get("/rubric/versions/2026/criteria/3.2/edit/")
    assert response.status_code == 403
    assert "Version 2026 is published, so it cannot be changed." in text_of(response)
    assert 'href="/rubric/versions/new/"' in page(response)
    response = client.post("/rubric/versions/2026/principles/3/edit/", {"title": "X", "statement": "Y"})
    assert response.status_code == 403
    assert version.principles.get(number=3).title == "Engagement shapes planning and decisions"


def test_the_criterion_form_refuses_an_empty_descriptor_and_keeps_what_was_typed(client, cast):
    draft = make_draft(cast)
    client.force_login(cast.rubric_admin)
    criterion = criterion_in(draft, "1.1")
    response = client.post(
        "/rubric/versions/2027/criteria/1.1/edit/",
        criterion_form(criterion, text="Named senior owners, typed just now", level_3=""),
    )
    assert response.status_code == 200
    assert "<title>Error: " in page(response)
    assert "Enter the level 3 descriptor" in text_of(response)
    assert 'href="#id_level_3"' in page(response)
    assert "Named senior owners, typed just now" in page(response)
    criterion.refresh_from_db()
    assert criterion.text == "Named senior ownership and accountability for engagement across partners"
    assert level_text(draft, "1.1", 3) == LEVEL_3_OF_1_1


def test_a_new_drafts_title_is_suggested_from_its_label_never_kept_from_the_old_version(cast):
    source = services.current_version()
    assert source.title == "Public engagement rubric 2026"
    assert services.suggested_title(source, "2027") == "Public engagement rubric 2027"
    assert make_draft(cast, "2027").title == "Public engagement rubric 2027"
    named = services.rubric_new_draft(
        source=source, label="2028", title="  Our own title ", by=cast.rubric_admin
    )
    assert named.title == "Our own title"
    source.title = "Public engagement rubric"
    assert services.suggested_title(source, "2029") == "Public engagement rubric 2029"


def test_a_new_draft_needs_an_unused_label(client, cast):
    make_draft(cast, "2027")
    client.force_login(cast.rubric_admin)
    count = RubricVersion.objects.count()
    response = client.post("/rubric/versions/new/", {"label": "2027"})
    assert response.status_code == 200
    assert "A version called 2027 already exists" in text_of(response)
    response = client.post("/rubric/versions/new/", {"label": ""})
    assert "Enter a label for the new version" in text_of(response)
    response = client.post("/rubric/versions/new/", {"label": "x" * 41})
    assert "Label must be 40 characters or fewer" in text_of(response)
    response = client.post("/rubric/versions/new/", {"label": "2027/b"})
    assert "Label must start with a letter or number" in text_of(response)
    assert RubricVersion.objects.count() == count


def test_a_criterion_code_already_used_in_the_version_is_refused(client, cast):
    draft = make_draft(cast)
    client.force_login(cast.rubric_admin)
    message = "Criterion code 3.2 is already used in this version"
    # Renaming 1.1 to a code another principle uses.
    response = client.post(
        "/rubric/versions/2027/criteria/1.1/edit/", criterion_form(criterion_in(draft, "1.1"), code="3.2")
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert criterion_in(draft, "1.1").code == "1.1"
    # Adding a criterion with that code.
    response = client.post(
        "/rubric/versions/2027/principles/1/criteria/new/",
        criterion_form(criterion_in(draft, "1.1"), code="3.2", text="A new criterion"),
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert codes_of(draft, 1) == ["1.1", "1.2", "1.3", "1.4"]


def test_adding_a_criterion_puts_it_last_with_its_four_levels(client, cast):
    draft = make_draft(cast)
    client.force_login(cast.rubric_admin)
    form = client.get("/rubric/versions/2027/principles/1/criteria/new/")
    assert 'value="1.5"' in page(form)  # the next free code is suggested
    levels = {f"level_{n}": f"Level {n} for the new criterion." for n in (1, 2, 3, 4)}
    response = client.post(
        "/rubric/versions/2027/principles/1/criteria/new/",
        {"code": "1.5", "text": "Engagement is budgeted for", **levels},
        follow=True,
    )
    assert response.redirect_chain == [("/rubric/versions/2027/principles/1/#criterion-1.5", 302)]
    assert "Criterion 1.5 added." in text_of(response)
    assert codes_of(draft, 1) == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert level_text(draft, "1.5", 4) == "Level 4 for the new criterion."
    assert "Engagement is budgeted for" in text_of(response)


def test_moving_a_criterion_down_swaps_it_with_the_next_one(client, cast):
    draft = make_draft(cast)
    client.force_login(cast.rubric_admin)
    principle_page = page(client.get("/rubric/versions/2027/principles/1/"))
    assert 'action="/rubric/versions/2027/criteria/1.1/move/"' in principle_page
    response = client.post("/rubric/versions/2027/criteria/1.1/move/", {"direction": "down"}, follow=True)
    assert "Criterion 1.1 moved down." in text_of(response)
    assert codes_of(draft, 1) == ["1.2", "1.1", "1.3", "1.4"]
    assert RubricChange.objects.filter(version=draft, subject="Criterion 1.1", field="order").exists()
    client.post("/rubric/versions/2027/criteria/1.1/move/", {"direction": "up"})
    assert codes_of(draft, 1) == ["1.1", "1.2", "1.3", "1.4"]
    response = client.post("/rubric/versions/2027/criteria/1.1/move/", {"direction": "up"}, follow=True)
    assert "Criterion 1.1 is already first." in text_of(response)
    assert (
        client.post("/rubric/versions/2027/criteria/1.1/move/", {"direction": "sideways"}).status_code == 400
    )


def test_removing_a_criterion_asks_first_then_removes_it(client, cast):
    draft = make_draft(cast)
    client.force_login(cast.rubric_admin)
    confirm = client.get("/rubric/versions/2027/criteria/1.3/remove/")
    assert confirm.status_code == 200
    assert "Remove criterion 1.3?" in text_of(confirm)
    assert "Resources, skills and capacity" in text_of(confirm)
    assert codes_of(draft, 1) == ["1.1", "1.2", "1.3", "1.4"]
    response = client.post("/rubric/versions/2027/criteria/1.3/remove/", follow=True)
    assert response.redirect_chain == [("/rubric/versions/2027/principles/1/", 302)]
    assert "Criterion 1.3 removed." in text_of(response)
    assert codes_of(draft, 1) == ["1.1", "1.2", "1.4"]
    assert RubricChange.objects.filter(version=draft, subject="Criterion 1.3", field="removed").exists()


def test_a_principle_and_the_title_are_edited_and_recorded(client, cast):
    draft = make_draft(cast)
    client.force_login(cast.rubric_admin)
    response = client.post(
        "/rubric/versions/2027/principles/2/edit/",
        {
            "title": "Clear purpose",
            "statement": "A clear purpose lets public input change things",
            "guidance": "",
        },
    )
    assert response.status_code == 302
    assert draft.principles.get(number=2).statement == "A clear purpose lets public input change things"
    response = client.post("/rubric/versions/2027/edit/", {"title": "Public engagement rubric 2027 (draft)"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Public engagement rubric 2027 (draft)"
    fields = set(RubricChange.objects.filter(version=draft).values_list("subject", "field"))
    assert {("Principle 2", "statement"), ("Version", "title")} <= fields
    response = client.post("/rubric/versions/2027/edit/", {"title": ""})
    assert "Enter a title" in text_of(response)


def test_retiring_a_published_version(client, cast):
    client.force_login(cast.rubric_admin)
    confirm = client.get("/rubric/versions/2026/retire/")
    assert confirm.status_code == 200
    assert "This is the only published version" in text_of(confirm)
    response = client.post("/rubric/versions/2026/retire/", follow=True)
    assert "Version 2026 is retired." in text_of(response)
    version = RubricVersion.objects.get(label="2026")
    assert version.status == RubricVersion.Status.RETIRED and version.retired_by == cast.rubric_admin
    assert "This version is retired." in text_of(response)
    client.force_login(cast.viewer_a)
    assert "No rubric has been published yet." in text_of(client.get("/rubric/"))
    assert client.get("/rubric/versions/2026/principles/1/").status_code == 200  # still readable
    client.force_login(cast.rubric_admin)
    response = client.post("/rubric/versions/2026/retire/")
    assert response.status_code == 403
    assert "Only a published version can be retired. Version 2026 is retired." in text_of(response)


def test_a_draft_cannot_be_retired(client, cast):
    make_draft(cast)
    client.force_login(cast.rubric_admin)
    response = client.post("/rubric/versions/2027/retire/")
    assert response.status_code == 403
    assert RubricVersion.objects.get(label="2027").is_draft


def test_deleting_a_draft_asks_first_then_deletes_it_and_its_history(client, cast):
    draft = make_draft(cast)
    client.force_login(cast.rubric_admin)
    confirm = client.get("/rubric/versions/2027/delete/")
    assert "Delete draft 2027?" in text_of(confirm)
    response = client.post("/rubric/versions/2027/delete/", follow=True)
    assert response.redirect_chain == [("/rubric/versions/", 302)]
    assert "Draft 2027 is deleted." in text_of(response)
    assert not RubricVersion.objects.filter(label="2027").exists()
    assert not RubricChange.objects.filter(version_id=draft.pk).exists()
    assert client.post("/rubric/versions/2026/delete/").status_code == 403
    assert RubricVersion.objects.filter(label="2026").exists()


def test_the_history_is_shown_100_changes_a_page(client, cast):
    draft = make_draft(cast)  # records one change: "created"
    RubricChange.objects.bulk_create(
        RubricChange(
            version=draft, changed_by=cast.rubric_admin, subject="Version", field="title", after=str(n)
        )
        for n in range(100)
    )
    client.force_login(cast.rubric_admin)
    first = client.get("/rubric/versions/2027/history/")
    assert page(first).count('<td class="govuk-table__cell" data-label="Who">') == 100
    assert "101 changes in all" in text_of(first)
    assert 'href="?page=2"' in page(first)
    second = client.get("/rubric/versions/2027/history/?page=2")
    assert page(second).count('<td class="govuk-table__cell" data-label="Who">') == 1


def test_the_history_is_for_rubric_admins_only(client, cast):
    client.force_login(cast.assessor)
    assert client.get("/rubric/versions/2026/history/").status_code == 403
    client.force_login(cast.rubric_admin)
    response = client.get("/rubric/versions/2026/history/")
    assert response.status_code == 200
    assert "History of changes" in text_of(response)


# ---------------------------------------------------------------------------------------------
# Comparing versions


def test_the_comparison_marks_a_changed_word_and_lists_an_added_criterion(client, cast):
    draft = make_draft(cast)
    services.rubric_update_criterion(
        criterion=criterion_in(draft, "1.1"),
        by=cast.rubric_admin,
        levels={3: LEVEL_3_OF_1_1.replace("regular cycle", "quarterly cycle")},
    )
    services.rubric_add_criterion(
        principle=draft.principles.get(number=4),
        by=cast.rubric_admin,
        code="4.5",
        text="Digital methods are tested with the people who will use them",
        levels={n: f"Level {n}." for n in (1, 2, 3, 4)},
    )
    client.force_login(cast.rubric_admin)
    response = client.get("/rubric/compare/?from=2026&to=2027")
    assert response.status_code == 200
    html, text = page(response), text_of(response)
    assert "Changes from version 2026 to version 2027" in text
    deleted = '<span class="govuk-visually-hidden">deleted text: </span>regular</del>'
    inserted = '<span class="govuk-visually-hidden">inserted text: </span>quarterly</ins>'
    assert f'<del class="app-diff__deleted">{deleted}<ins class="app-diff__inserted">{inserted}' in html
    assert "How changes are marked" in text
    assert "Criteria changed" in text and "Criterion 1.1: Named senior ownership" in text
    assert "Level 3 – Good standard" in text
    assert "Criteria added" in text
    assert "Criterion 4.5: Digital methods are tested with the people who will use them" in text
    assert "Criteria 1 added, 0 removed, 1 changed" in text
    assert "Principles 0 added, 0 removed, 0 changed" in text
    assert "Level descriptors 1 changed in criteria that are in both versions" in text
    assert "Principles removed" not in text

    # Without "from", a draft is compared with the version it was copied from.
    response = client.get("/rubric/compare/?to=2027")
    assert "Changes from version 2026 to version 2027" in text_of(response)


def test_comparing_a_version_with_an_unchanged_copy_says_no_changes(client, cast):
    source = services.current_version()
    services.rubric_new_draft(source=source, label="2027", title=source.title, by=cast.rubric_admin)
    client.force_login(cast.rubric_admin)
    response = client.get("/rubric/compare/?from=2026&to=2027")
    assert "No changes." in text_of(response)
    assert "<del" not in page(response).split("Changes from version")[1]


def test_the_comparison_page_without_a_choice_offers_the_versions(client, cast):
    client.force_login(cast.viewer_a)
    response = client.get("/rubric/compare/")
    assert response.status_code == 200
    assert "There is no earlier version to compare version 2026 with." in text_of(response)
    assert '<option value="2026" selected>2026 (published)</option>' in page(response)


# ---------------------------------------------------------------------------------------------
# Importing files


def upload(content: bytes, name: str = "rubric.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/yaml")


def test_importing_a_malformed_file_lists_every_problem_with_its_line_and_creates_nothing(client, cast):
    broken = RUBRIC_FILE.read_text(encoding="utf-8").replace("code: PE", "code: PEOPLE", 1)
    broken = broken.replace("  - code: '1.2'", "  - code: '1.1'", 1)
    client.force_login(cast.rubric_admin)
    count = RubricVersion.objects.count()
    response = client.post("/rubric/import/", {"file": upload(broken.encode()), "label": "typed-label"})
    assert response.status_code == 200
    html, text = page(response), text_of(response)
    assert "<title>Error: " in html
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "Line 24, evidence_categories[0].code: must be at most 4 characters" in summary
    assert "Line 60, principles[0].criteria[1].code: &#x27;1.1&#x27; is used by another criterion" in summary
    # PE is no longer a category, and every principle's evidence that used it is listed.
    assert summary.count("&#x27;PE&#x27; is not an evidence category") == 8
    assert summary.count("<li>") == 10
    assert 'value="typed-label"' in html
    assert "There is a problem" in text
    assert RubricVersion.objects.count() == count


def test_importing_something_that_is_not_yaml_says_so(client, cast):
    client.force_login(cast.rubric_admin)
    response = client.post("/rubric/import/", {"file": upload(b"label: [unclosed\n")})
    assert response.status_code == 200
    assert "the file is not valid YAML" in text_of(response)


def test_importing_an_exported_file_with_a_new_label_makes_a_draft_that_exports_the_same(client, cast):
    client.force_login(cast.rubric_admin)
    exported = client.get("/rubric/versions/2026/export.yaml").content
    response = client.post("/rubric/import/", {"file": upload(exported), "label": "2026-copy"}, follow=True)
    assert response.redirect_chain == [("/rubric/versions/2026-copy/", 302)]
    assert "The file is imported as draft 2026-copy." in text_of(response)
    draft = RubricVersion.objects.get(label="2026-copy")
    assert draft.is_draft and draft.created_by == cast.rubric_admin
    again = client.get("/rubric/versions/2026-copy/export.yaml").content
    assert again == exported.replace(b"label: '2026'\n", b"label: 2026-copy\n")
    assert again != exported


def test_importing_under_a_label_in_use_is_refused(client, cast):
    client.force_login(cast.rubric_admin)
    count = RubricVersion.objects.count()
    response = client.post("/rubric/import/", {"file": upload(RUBRIC_FILE.read_bytes()), "label": "2026"})
    assert "A version called 2026 already exists" in text_of(response)
    response = client.post("/rubric/import/", {"file": upload(RUBRIC_FILE.read_bytes())})
    assert "A version called 2026 already exists. Enter a label for the draft" in text_of(response)
    assert RubricVersion.objects.count() == count


def test_people_who_are_not_rubric_admins_cannot_import(client, cast):
    client.force_login(cast.lead_a)
    response = client.post("/rubric/import/", {"file": upload(RUBRIC_FILE.read_bytes()), "label": "x"})
    assert response.status_code == 403
    assert not RubricVersion.objects.filter(label="x").exists()


# ---------------------------------------------------------------------------------------------
# Site administration


def test_site_administration_shows_every_version_read_only_drafts_included(client, cast):
    """Edits go through the rubric pages, which record them; the admin would skip the history."""
    draft = make_draft(cast)
    published = RubricVersion.objects.get(label="2026")
    principle = draft.principles.get(number=1)
    criterion = criterion_in(draft, "1.1")
    client.force_login(cast.site_admin)
    for url in (
        f"/admin/principles/rubricversion/{published.pk}/change/",
        f"/admin/principles/rubricversion/{draft.pk}/change/",
        f"/admin/principles/principle/{principle.pk}/change/",
        f"/admin/principles/criterion/{criterion.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="_save"' not in page(response), url
        # Every field, the inlines' included, is shown as text, never as an input.
        assert not re.search(r'<(input|textarea)[^>]* name="[^"]*(title|text|statement)"', page(response)), (
            url
        )
    history = client.get("/admin/principles/rubricchange/")
    assert history.status_code == 200
    assert "Version" in text_of(history) and "created" in text_of(history)
    assert 'href="/admin/principles/rubricchange/add/"' not in page(history)
    for url, data in (
        (f"/admin/principles/rubricversion/{draft.pk}/change/", {"label": "2027", "title": "Changed"}),
        (f"/admin/principles/rubricversion/{published.pk}/change/", {"title": "Changed"}),
        (f"/admin/principles/rubricversion/{draft.pk}/delete/", {"post": "yes"}),
        (f"/admin/principles/principle/{principle.pk}/change/", {"title": "Changed"}),
        (f"/admin/principles/criterion/{criterion.pk}/delete/", {"post": "yes"}),
    ):
        assert client.post(url, data).status_code == 403, url
    # There is no page for adding anything: the address is taken for an object called "add".
    added = client.post(
        "/admin/principles/principle/add/", {"version": draft.pk, "number": 9, "title": "X"}, follow=True
    )
    assert 'name="_save"' not in page(added)
    assert 'href="/admin/principles/principle/add/"' not in page(client.get("/admin/"))
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.title, published.title) == (
        "Public engagement rubric 2027",
        "Public engagement rubric 2026",
    )
    assert draft.principles.get(number=1).title == "Strong leadership"
    assert draft.principles.count() == 8 and criterion_in(draft, "1.1").text
    assert RubricChange.objects.filter(version=draft).count() == 1  # only "created"

"""The library page (filters, sorting, pages, search with snippets) and an item's page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from evidence.models import EvidenceItem
from tests.evidence.library import cite, cite_and_submit, stored_file, text_of

pytestmark = pytest.mark.django_db


def library_url(cast) -> str:
    return reverse("evidence_library", kwargs={"code": cast.org_a.code})


def titles(response) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>',
        response.content.decode(),
    )


def item(cast, title: str, **fields):
    return stored_file(cast.org_a, cast.lead_a, title=title, content=title.encode() + b"%PDF-", **fields)


@pytest.fixture
def shelf(cast):
    """Four items of organisation A and one of B, with different kinds, categories and dates."""
    return {
        "minutes": item(
            cast,
            "Board minutes, March 2026",
            kind=EvidenceItem.Kind.BOARD_MINUTES,
            category=EvidenceItem.Category.PROCESSES,
            evidence_date=datetime.date(2026, 3, 12),
            text="The board heard from the citizens' panel about waiting times for wheelchairs.",
        ),
        "survey": item(
            cast,
            "Access survey results",
            kind=EvidenceItem.Kind.SURVEY_RESULTS,
            category=EvidenceItem.Category.PEOPLES_EXPERIENCE,
            evidence_date=datetime.date(2025, 11, 1),
            description="What 400 residents told us about getting to appointments.",
        ),
        "strategy": item(
            cast,
            "Engagement strategy",
            kind=EvidenceItem.Kind.STRATEGY,
            category=EvidenceItem.Category.PROCESSES,
            evidence_date=datetime.date(2024, 6, 30),
        ),
        "undated": item(
            cast,
            "Youth forum notes",
            kind=EvidenceItem.Kind.INTERVIEW_NOTES,
            category=EvidenceItem.Category.STAFF_AND_LEADERS,
        ),
        "theirs": stored_file(cast.org_b, cast.lead_b, title="Brackenfield board minutes", content=b"b%PDF-"),
    }


def test_members_see_their_organisations_items_newest_evidence_first(client, cast, shelf):
    client.force_login(cast.viewer_a)
    response = client.get(library_url(cast))
    assert response.status_code == 200
    assert titles(response) == [
        "Board minutes, March 2026",
        "Access survey results",
        "Engagement strategy",
        "Youth forum notes",
    ]
    shown = text_of(response)
    assert "4 items" in shown
    assert "Board or committee minutes. Processes." in shown and "Dated 12 March 2026." in shown
    assert "Brackenfield" not in shown
    # A viewer reads but cannot upload.
    assert "Upload evidence" not in shown


def test_a_contributor_sees_the_upload_button(client, cast, shelf):
    client.force_login(cast.contributor_a)
    assert "Upload evidence" in text_of(client.get(library_url(cast)))


def test_filters_by_kind_category_and_evidence_date(client, cast, shelf):
    client.force_login(cast.lead_a)
    url = library_url(cast)
    assert titles(client.get(url, {"kind": "survey_results"})) == ["Access survey results"]
    assert titles(client.get(url, {"category": "PR"})) == ["Board minutes, March 2026", "Engagement strategy"]
    dated = {"date_from_0": "1", "date_from_1": "1", "date_from_2": "2025", "date_to_0": "31"}
    dated |= {"date_to_1": "12", "date_to_2": "2025"}
    assert titles(client.get(url, dated)) == ["Access survey results"]
    assert titles(client.get(url, {"date_from_0": "1", "date_from_1": "1", "date_from_2": "2026"})) == [
        "Board minutes, March 2026"
    ]


def test_a_date_range_the_wrong_way_round_is_an_error(client, cast, shelf):
    client.force_login(cast.lead_a)
    response = client.get(
        library_url(cast),
        {"date_from_0": "1", "date_from_1": "1", "date_from_2": "2026", "date_to_0": "1", "date_to_1": "1"}
        | {"date_to_2": "2025"},
    )
    assert "The end date must be the same as or after the start date" in text_of(response)
    assert response.content.decode().count("<title>") == 1 and "<title>Error: " in response.content.decode()


def test_filters_by_the_principle_an_assessment_cited_it_for(client, cast, shelf):
    cite(shelf["survey"], cast.lead_a, code="5.1")
    cite(shelf["minutes"], cast.lead_a, code="1.2")
    client.force_login(cast.viewer_a)
    assert titles(client.get(library_url(cast), {"principle": "5"})) == ["Access survey results"]
    assert titles(client.get(library_url(cast), {"principle": "1"})) == ["Board minutes, March 2026"]
    assert titles(client.get(library_url(cast), {"principle": "8"})) == []


def test_sorts_by_title_and_by_upload_date(client, cast, shelf):
    client.force_login(cast.lead_a)
    assert titles(client.get(library_url(cast), {"sort": "title"})) == [
        "Access survey results",
        "Board minutes, March 2026",
        "Engagement strategy",
        "Youth forum notes",
    ]
    assert titles(client.get(library_url(cast), {"sort": "uploaded"}))[0] == "Youth forum notes"


def test_the_library_is_paged_with_the_filters_kept(client, cast):
    for n in range(45):
        item(cast, f"Minutes {n:02d}", kind=EvidenceItem.Kind.BOARD_MINUTES)
    client.force_login(cast.lead_a)
    first = client.get(library_url(cast), {"kind": "board_minutes", "sort": "title"})
    assert titles(first)[0] == "Minutes 00" and len(titles(first)) == 20
    html = first.content.decode()
    assert 'class="govuk-pagination"' in html
    assert 'href="?kind=board_minutes&amp;sort=title&amp;page=3"' in html
    third = client.get(library_url(cast), {"kind": "board_minutes", "sort": "title", "page": "3"})
    assert titles(third) == ["Minutes 40", "Minutes 41", "Minutes 42", "Minutes 43", "Minutes 44"]
    assert 'aria-current="page">3<' in third.content.decode()


def test_search_finds_words_in_titles_descriptions_and_the_text_of_files(client, cast, shelf):
    client.force_login(cast.viewer_a)
    assert titles(client.get(library_url(cast), {"q": "strategy"})) == ["Engagement strategy"]
    assert titles(client.get(library_url(cast), {"q": "residents"})) == ["Access survey results"]
    response = client.get(library_url(cast), {"q": "wheelchairs"})
    assert titles(response) == ["Board minutes, March 2026"]
    # The snippet shows where it matched, the match highlighted.
    assert re.search(r"<mark>wheelchairs</mark>", response.content.decode())
    assert "waiting times for" in text_of(response)
    assert "1 item found" in text_of(response)


def test_search_never_finds_another_organisations_or_deleted_evidence(client, cast, shelf):
    EvidenceItem.objects.filter(pk=shelf["strategy"].item_id).update(deleted_at="2026-01-01T00:00Z")
    client.force_login(cast.viewer_a)
    assert titles(client.get(library_url(cast), {"q": "strategy"})) == []
    assert titles(client.get(library_url(cast), {"q": "Brackenfield"})) == []


def test_a_snippet_escapes_what_was_uploaded(client, cast):
    item(cast, "Web notes", text='Smith & Jones <img src=x onerror="alert(1)"> told the panel <b>no</b>')
    client.force_login(cast.viewer_a)
    html = client.get(library_url(cast), {"q": "panel"}).content.decode()
    snippet = re.search(r'<p class="govuk-body-s app-snippet[^"]*">(.*?)</p>', html, flags=re.S).group(1)
    assert "<mark>panel</mark>" in snippet
    assert "Smith &amp; Jones" in snippet
    assert "<img" not in snippet and "<b>" not in snippet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgresql_search_matches_other_forms_of_a_word(client, cast, shelf):
    client.force_login(cast.viewer_a)
    assert titles(client.get(library_url(cast), {"q": "wheelchair"})) == ["Board minutes, March 2026"]
    assert titles(client.get(library_url(cast), {"q": "meeting"})) == []
    assert titles(client.get(library_url(cast), {"q": "appointment"})) == ["Access survey results"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_a_files_search_vector_follows_its_text(client, cast, shelf):
    """The stored vector (migration 0003) is kept by the database, whatever writes the text."""
    from evidence.models import EvidenceFile

    client.force_login(cast.viewer_a)
    assert titles(client.get(library_url(cast), {"q": "hippopotamus"})) == []
    EvidenceFile.objects.filter(item__title="Access survey results").update(text="A hippopotamus visited.")
    assert titles(client.get(library_url(cast), {"q": "hippopotamuses"})) == ["Access survey results"]
    EvidenceFile.objects.filter(item__title="Access survey results").update(text="Nothing of the kind.")
    assert titles(client.get(library_url(cast), {"q": "hippopotamus"})) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_the_search_uses_the_gin_indexes(cast, shelf):
    from evidence import search
    from evidence.models import EvidenceFile

    query = search.query_for("wheelchairs")
    files = EvidenceFile.objects.filter(search.file_matches("wheelchairs"))
    items = EvidenceItem.objects.annotate(v=search.item_vector()).filter(v=query)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            assert "evidence_file_vector" in files.explain()
            assert "evidence_item_search" in items.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")


# ---------------------------------------------------------------------------------------------
# An item's page


def item_url(cast, file) -> str:
    return reverse("evidence_item", kwargs={"code": cast.org_a.code, "item_id": file.item_id})


def test_an_items_page_shows_its_details_revisions_and_where_it_is_cited(client, cast, shelf):
    minutes = shelf["minutes"]
    second = stored_file(
        cast.org_a, cast.contributor_a, item=minutes.item, content=b"v2 %PDF-", name="minutes-v2.pdf",
        scan_status="pending",
    )  # fmt: skip
    cite(minutes, cast.lead_a, code="1.2", location="Page 4")
    client.force_login(cast.viewer_a)
    response = client.get(item_url(cast, minutes))
    shown = text_of(response)
    assert "Board minutes, March 2026" in shown
    assert "Board or committee minutes" in shown and "12 March 2026" in shown
    assert "Revision 2 (latest)" in shown and "Revision 1" in shown
    assert "minutes-v2.pdf" in shown and "Waiting for virus scan" in shown and "Available" in shown
    assert second.sha256 in shown
    # Members get a link to the criterion (so the markup splits "criterion 1.2" from its colon).
    assert "Self-assessment 2026/27, criterion 1.2 : revision 1, Page 4 (in progress)" in shown
    html = response.content.decode()
    # Only the clean revision has a download link.
    assert (
        reverse("evidence_download", kwargs={"code": "QA1", "item_id": minutes.item_id, "revision": 1})
        in html
    )
    assert (
        reverse("evidence_download", kwargs={"code": "QA1", "item_id": minutes.item_id, "revision": 2})
        not in html
    )
    # A viewer gets no buttons to change it.
    assert (
        "Change details" not in shown
        and "Add a revision" not in shown
        and "Delete this evidence" not in shown
    )


def test_a_contributor_edits_an_items_details(client, cast, shelf):
    minutes = shelf["minutes"]
    client.force_login(cast.contributor_a)
    url = reverse("evidence_item_edit", kwargs={"code": "QA1", "item_id": minutes.item_id})
    form = client.get(url)
    assert 'value="Board minutes, March 2026"' in form.content.decode()
    response = client.post(
        url,
        {"title": "Board minutes, 12 March 2026", "description": "Approved.", "kind": "board_paper"}
        | {"category": "OC", "evidence_date_0": "", "evidence_date_1": "", "evidence_date_2": ""}
        | {"version": "1"},
    )
    assert response.status_code == 302
    minutes.item.refresh_from_db()
    assert (minutes.item.title, minutes.item.kind, minutes.item.category) == (
        "Board minutes, 12 March 2026",
        "board_paper",
        "OC",
    )
    assert minutes.item.evidence_date is None
    assert "Your changes have been saved." in text_of(client.get(response["Location"]))


def test_editing_needs_a_title(client, cast, shelf):
    client.force_login(cast.lead_a)
    url = reverse("evidence_item_edit", kwargs={"code": "QA1", "item_id": shelf["minutes"].item_id})
    response = client.post(url, {"title": " ", "kind": "board_paper", "category": "OC"})
    assert "Enter a title" in text_of(response)


def test_an_assessor_sees_only_evidence_cited_by_submitted_assessments(client, cast, shelf):
    cite_and_submit(shelf["survey"], cast.lead_a)
    stored_file(cast.org_a, cast.lead_a, item=shelf["survey"].item, content=b"later %PDF-", name="later.pdf")
    cite(shelf["minutes"], cast.lead_a, code="1.1", label="2027/28")  # a draft's citation
    client.force_login(cast.assessor)
    assert titles(client.get(library_url(cast))) == ["Access survey results"]
    response = client.get(item_url(cast, shelf["survey"]))
    shown = text_of(response)
    assert "Revision 1" in shown and "later.pdf" not in shown  # only the revision that was cited
    assert "(submitted)" in shown
    assert client.get(item_url(cast, shelf["minutes"])).status_code == 404
    assert client.get(item_url(cast, shelf["strategy"])).status_code == 404

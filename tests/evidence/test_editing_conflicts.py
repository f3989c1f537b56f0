"""Two people changing one evidence item's details at once (issue 13, item 21): the second save
is refused, shows both versions and keeps what the second person typed; nothing is lost."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.evidence.library import stored_file, text_of

pytestmark = pytest.mark.django_db


def details(**changes) -> dict:
    return {
        "title": "Board minutes, March 2026",
        "description": "",
        "kind": "board_minutes",
        "category": "PR",
        "evidence_date_0": "12",
        "evidence_date_1": "3",
        "evidence_date_2": "2026",
        **changes,
    }


def version_in(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)


@pytest.fixture
def item(cast):
    return stored_file(cast.org_a, cast.lead_a).item


@pytest.fixture
def two(cast):
    lead, contributor = Client(), Client()
    lead.force_login(cast.lead_a)
    contributor.force_login(cast.contributor_a)
    return lead, contributor


def edit_url(item) -> str:
    return reverse("evidence_item_edit", kwargs={"code": item.organisation.code, "item_id": item.pk})


def test_the_second_of_two_saves_is_refused_with_both_versions_and_the_losers_text_kept(cast, item, two):
    lead, contributor = two
    url = edit_url(item)
    # Both open "Change details" before either saves.
    lead_version, contributor_version = version_in(lead.get(url)), version_in(contributor.get(url))
    assert lead_version == contributor_version == "1"

    first = lead.post(url, details(title="Board minutes, 12 March 2026", version=lead_version))
    assert first.status_code == 302
    second = contributor.post(
        url,
        details(
            description="The panel's report is on page 4.",
            category="PE",
            version=contributor_version,
        ),
    )

    assert second.status_code == 409
    page = text_of(second)
    html = second.content.decode()
    lead_name = cast.lead_a.get_full_name() or cast.lead_a.username
    assert (
        f"Your changes were not saved: {lead_name} changed these details while you were editing them" in page
    )
    assert "Their details, saved " in page and f"by {lead_name}" in page
    # Theirs, as saved; yours, as typed.
    assert re.search(r'id="their-title">\s*Board minutes, 12 March 2026\s*<', html)
    assert re.search(r'id="your-title">\s*Board minutes, March 2026\s*<', html)
    assert "The panel&#x27;s report is on page 4." in html
    assert "Processes" in page and "People&#x27;s experience" in html
    # The form still holds what the contributor typed, and now the version saved in between.
    assert "The panel&#x27;s report is on page 4.</textarea>" in html
    assert re.search(r'<input[^>]*value="PE"[^>]*checked', html)
    assert version_in(second) == "2"
    # Nothing the contributor typed was saved over the lead's change.
    item.refresh_from_db()
    assert (item.title, item.description, item.category, item.version) == (
        "Board minutes, 12 March 2026",
        "",
        "PR",
        2,
    )

    # Saving again (having merged by hand) is a knowing overwrite, and goes through.
    merged = contributor.post(
        url,
        details(
            title="Board minutes, 12 March 2026",
            description="The panel's report is on page 4.",
            category="PE",
            version=version_in(second),
        ),
    )
    assert merged.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.description, item.category, item.version, item.updated_by) == (
        "Board minutes, 12 March 2026",
        "The panel's report is on page 4.",
        "PE",
        3,
        cast.contributor_a,
    )


def test_saving_unchanged_details_is_not_a_conflict_and_changes_nothing(item, two):
    lead, contributor = two
    url = edit_url(item)
    assert lead.post(url, details(title="Board minutes, 12 March 2026", version="1")).status_code == 302
    # The contributor's stale page happens to hold exactly what is saved now.
    unchanged = contributor.post(url, details(title="Board minutes, 12 March 2026", version="1"))
    assert unchanged.status_code == 302
    item.refresh_from_db()
    assert item.version == 2


def test_a_page_without_a_usable_version_keeps_what_was_typed_and_says_so(item, two):
    lead, _ = two
    response = lead.post(edit_url(item), details(title="Renamed", version="junk"))
    assert response.status_code == 200
    assert "This page was out of date. Your changes are below: save them again." in text_of(response)
    assert 'value="Renamed"' in response.content.decode()
    assert version_in(response) == "1"
    item.refresh_from_db()
    assert item.title == "Board minutes, March 2026"

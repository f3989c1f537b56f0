"""The null character (U+0000) in an address or a form: a 400 page, never PostgreSQL's error.

Found by the form fuzzer (tests/fuzz/): on PostgreSQL, CQC's notes, rationales and replies with
a NUL byte were server errors, as were over-long usernames at sign-in.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.fuzz import snapshot
from tests.permissions import matrix

pytestmark = pytest.mark.django_db


def test_a_review_note_with_a_null_character_is_refused_and_nothing_is_saved(client, cast):
    kwargs = matrix._sa_submitted(cast)
    client.force_login(cast.assessor)
    before = snapshot.take()
    response = client.post(reverse("review_notes", kwargs=kwargs), {"notes": "Seen\x00it", "version": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your form could not be sent" in page
    assert "Nothing was saved." in page
    assert not snapshot.diff(before, snapshot.take())


def test_the_same_note_without_it_is_saved(client, cast):
    kwargs = matrix._sa_submitted(cast)
    client.force_login(cast.assessor)
    response = client.post(reverse("review_notes", kwargs=kwargs), {"notes": "Seen it", "version": "0"})
    assert response.status_code == 302


def test_a_urlencoded_form_is_checked_as_well_as_a_multipart_one(client, cast):
    kwargs = matrix._sa_submitted(cast)
    client.force_login(cast.assessor)
    response = client.post(
        reverse("review_notes", kwargs=kwargs),
        "notes=Seen%00it&version=0",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/organisations/QA1%00/evidence/", "/rubric/versions/2026%00/", "/review/?cycle=%00", "/?x=%00"],
)
def test_an_address_with_a_null_character_is_refused(client, cast, path):
    client.force_login(cast.assessor)
    response = client.get(path)
    assert response.status_code == 400
    assert "There is a problem with the web address" in response.content.decode()


def test_an_over_long_username_is_a_form_error_not_a_server_error(client, cast):
    username = "🙂" * 300
    response = client.post(reverse("login"), {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert "Username must be 150 characters or fewer" in response.content.decode()

"""Evidence categories are named in words wherever people read them (issue 13, item 7)."""

from __future__ import annotations

import pytest

from tests.assessments.helpers import start
from tests.assessments.test_pages import text_of, url

pytestmark = pytest.mark.django_db


def test_the_criterion_pages_suggested_evidence_names_its_categories_in_words(client, cast):
    assessment = start(cast)
    client.force_login(cast.contributor_a)
    text = text_of(client.get(url("assessment_criterion", assessment, criterion="1.1")))
    assert (
        "Healthwatch, VCSE and LA/ICB partner views of leadership commitment. (Feedback from partners)"
        in text
    )
    assert "governance. (People's experience)" in text
    assert "(FP)" not in text and "(PE)" not in text

"""Nothing identifying is kept with a response: the tables that hold answers have no column that
could hold an address, a browser string, an account or a time of day."""

from __future__ import annotations

import pytest
from django.db import connection, models

from voices.models import AddressCount, Answer, FreeTextAnswer, ReceivedSubmission, Response

pytestmark = pytest.mark.django_db

IDENTIFYING = (
    "ip",
    "addr",
    "agent",
    "browser",
    "user",
    "account",
    "session",
    "cookie",
    "host",
    "time",
    "_at",
)


def columns(model) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name: column for column in description}


def test_the_response_table_has_only_the_survey_and_the_day():
    assert set(columns(Response)) == {"id", "survey_id", "received_on"}
    assert isinstance(Response._meta.get_field("received_on"), models.DateField)
    assert not isinstance(Response._meta.get_field("received_on"), models.DateTimeField)


@pytest.mark.parametrize("model", [Response, Answer, FreeTextAnswer, ReceivedSubmission])
def test_no_answer_table_has_a_column_that_could_hold_an_address_browser_or_account(model):
    for name in columns(model):
        if model is FreeTextAnswer and name in {"reviewed_by_id", "reviewed_at"}:
            continue  # the lead who reviewed it, not the person who wrote it
        assert not any(word in name for word in IDENTIFYING), f"{model.__name__}.{name}"


def test_the_address_limit_keeps_only_a_keyed_hash():
    assert set(columns(AddressCount)) == {"id", "digest", "window_start", "count"}

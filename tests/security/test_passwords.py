"""Passwords: at least 12 characters, not a common one, and no composition rules (ASVS V6.2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "correcthorsebatterystaple",  # lower case only, no digits, no symbols
        "twelve chars",  # exactly 12, with a space
        "ÄÖÜäöüßéèêëà",  # 12 characters of anything
        "123498761234",  # digits only, not a common one
    ],
)
def test_a_long_enough_uncommon_password_is_accepted_whatever_it_is_made_of(password, cast):
    # The cast's names come from Faker; a random first name such as "Charles" is "too similar" to
    # "twelve chars", which is a different rule from the one this test is about. Pin the names.
    person = cast.lead_a
    person.first_name, person.last_name = "Amara", "Okafor"
    validate_password(password, user=person)


def test_eleven_characters_are_too_few(cast):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("elevenchars", user=cast.lead_a)


def test_a_common_password_is_refused_however_long(cast):
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234", user=cast.lead_a)


def test_a_password_like_the_username_is_refused(cast):
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("lead_a@example.org", user=cast.lead_a)


def test_no_validator_asks_for_particular_kinds_of_character():
    names = {type(v).__name__ for v in get_default_password_validators()}
    assert names == {"UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator"}

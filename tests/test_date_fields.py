"""Every date input of the portal is engagement_portal.lib.forms.GovukDateField: a date that does
not exist, or numbers too large to be one, get a plain-English message, never Python's words or
a server error (the form fuzzer found a day of 2147483648 raising OverflowError)."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from audit.forms import EventDateField
from cycles.forms import _date as cycle_date
from engagement_portal.lib.forms import GovukDateField
from evidence.forms import clean_date_parts, evidence_date_field
from improvement.forms import _due_field


def _fields():
    evidence = evidence_date_field("Date of the evidence", "For example, 12 3 2026", required=True)
    clean_date_parts(evidence)
    return {
        "evidence": (evidence, "Enter a real date, for example 31 3 2027"),
        "cycle": (cycle_date("Closing date"), "Enter a real closing date, such as 31 3 2027"),
        "audit": (
            EventDateField("From", "For example, 1 4 2026"),
            "Enter a real date, for example 12 3 2026",
        ),
        "improvement": (_due_field(), "Enter a real date, for example 31 3 2027"),
    }


@pytest.mark.parametrize("which", ["evidence", "cycle", "audit", "improvement"])
@pytest.mark.parametrize(
    "parts", [["31", "2", "2027"], ["2147483648", "3", "2027"], ["1", "99999999999999999999", "2027"]]
)
def test_a_date_that_cannot_be_is_refused_in_plain_words(which, parts):
    field, message = _fields()[which]
    assert isinstance(field, GovukDateField)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(parts)
    assert refused.value.messages == [message]


@pytest.mark.parametrize("which", ["evidence", "cycle", "audit", "improvement"])
def test_a_real_date_is_a_date(which):
    field, _ = _fields()[which]
    assert field.clean(["29", "2", "2028"]) == datetime.date(2028, 2, 29)

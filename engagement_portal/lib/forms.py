"""Form helpers shared by every app's forms (crispy-forms-gds)."""

from __future__ import annotations

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Field, Size
from django.core.exceptions import ValidationError


def select(name: str, size: str = Size.SMALL, **attrs) -> Field:
    """A <select> with a label of the given size (bold at "s", as Field.text's label_size gives).

    crispy-forms-gds's Field.select has no label size: its label_size keyword became an invalid
    label-size="s" attribute on the <select>. `attrs` go on the <select> (css_class too)."""
    return Field(name, context={"label_size": Size.for_label(size)}, **attrs)


def submit_button(label: str) -> Button:
    """The one primary button of a form; GOV.UK Frontend stops it submitting twice."""
    return Button("submit", label, data_prevent_double_click="true")


class GovukDateField(DateInputField):
    """GOV.UK's date input (day, month and year boxes). A date that does not exist (31 2 2027), or
    numbers too large to be one (a day of 2147483648, which Python's `date` refuses with an
    OverflowError that the template pack's field lets through as a server error), gets the
    field's "invalid" message in plain English rather than Python's own words. Every date input
    of the portal is one of these."""

    default_error_messages = {"invalid": "Enter a real date, for example 31 3 2027"}

    def compress(self, data_list):
        day, month, year = data_list
        if day and month and year:
            try:
                return datetime.date(day=int(day), month=int(month), year=int(year))
            except (ValueError, OverflowError):
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return None

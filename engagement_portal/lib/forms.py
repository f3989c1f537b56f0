"""Form helpers shared by every app's forms (crispy-forms-gds)."""

from __future__ import annotations

from crispy_forms_gds.layout import Button


def submit_button(label: str) -> Button:
    """The one primary button of a form; GOV.UK Frontend stops it submitting twice."""
    return Button("submit", label, data_prevent_double_click="true")

"""Signals other apps listen to (apps above this one must not be imported here).

`assessment_submitted` is sent inside the submitting transaction with `assessment` and
`submission`: reviews tells CQC's assessors (reviews/notices.py)."""

from django.dispatch import Signal

assessment_submitted = Signal()

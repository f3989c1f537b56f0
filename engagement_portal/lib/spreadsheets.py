"""Spreadsheet formula injection: any text cell beginning with =, +, -, @, a tab or a carriage
return is prefixed with a single quote, so a spreadsheet shows it as text instead of running it
(an organisation's name, a criterion's wording or an audit summary could otherwise carry a
formula). Used by every CSV and XLSX export."""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value

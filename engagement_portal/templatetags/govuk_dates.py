"""The portal's date and time filters, built into every template (settings TEMPLATES builtins):
`{{ value|govuk_date }}` "2 December 2026", `{{ value|govuk_time }}` "1:15pm",
`{{ value|govuk_datetime }}` "2 December 2026 at 1:15pm". See engagement_portal/dates.py."""

from django import template

from engagement_portal import dates

register = template.Library()

register.filter("govuk_date", dates.govuk_date, is_safe=False)
register.filter("govuk_month", dates.govuk_month, is_safe=False)
register.filter("govuk_time", dates.govuk_time, is_safe=False)
register.filter("govuk_datetime", dates.govuk_datetime, is_safe=False)

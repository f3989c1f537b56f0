"""Dates and times in one GOV.UK style (engagement_portal/dates.py and its template filters)."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.template import Context, Template

from engagement_portal.dates import govuk_date, govuk_datetime, govuk_time

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC


def test_dates():
    assert govuk_date(datetime.date(2026, 12, 2)) == "2 December 2026"
    assert govuk_date(datetime.date(2027, 3, 27)) == "27 March 2027"
    assert govuk_date("2026-03-12") == "12 March 2026"  # a snapshot's evidence date
    assert govuk_date("Spring 2026") == "Spring 2026"  # not a date: kept as written
    assert govuk_date(None) == "" and govuk_date("") == ""


def test_times():
    assert govuk_time(datetime.time(13, 15)) == "1:15pm"
    assert govuk_time(datetime.time(10, 0)) == "10am"
    assert govuk_time(datetime.time(9, 5)) == "9:05am"
    assert govuk_time(datetime.time(12, 0)) == "midday"
    assert govuk_time(datetime.time(0, 0)) == "midnight"
    assert govuk_time(datetime.time(0, 30)) == "12:30am"
    assert govuk_time(datetime.time(12, 30)) == "12:30pm"


def test_date_times_are_shown_in_london_time():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    moment = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert govuk_datetime(moment) == "1 July 2026 at 12:30am"
    assert govuk_date(moment) == "1 July 2026"
    winter = datetime.datetime(2026, 12, 2, 13, 15, tzinfo=UTC)
    assert govuk_datetime(winter) == "2 December 2026 at 1:15pm"


def test_every_template_has_the_filters_without_loading_them():
    moment = datetime.datetime(2026, 12, 2, 13, 15, tzinfo=UTC)
    rendered = Template("{{ d|govuk_date }}; {{ d|govuk_time }}; {{ d|govuk_datetime }}").render(
        Context({"d": moment})
    )
    assert rendered == "2 December 2026; 1:15pm; 2 December 2026 at 1:15pm"


def test_no_template_formats_a_date_its_own_way():
    """Every template shows dates through the govuk_* filters; Django's `date` filter is left only
    for machine-readable values (`<time datetime="...">`, format "c")."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "templates"
    own_way = []
    for template in root.rglob("*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            for found in re.findall(r"\|(?:date|time):(\"[^\"]*\"|'[^']*')", line):
                if found.strip("\"'") != "c":
                    own_way.append(f"{template.relative_to(root)}:{number}: {found}")
    assert not own_way, "Use |govuk_date, |govuk_time or |govuk_datetime:\n" + "\n".join(own_way)


def test_python_code_puts_dates_into_words_through_the_helper():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    own_way = []
    for source in root.glob("*/**/*.py"):
        if any(part in {".venv", "node_modules", "tests", "bench", "migrations"} for part in source.parts):
            continue
        text = source.read_text(encoding="utf-8")
        if re.search(r"%-?d %[bB]|%B %Y", text):
            own_way.append(str(source.relative_to(root)))
    assert not own_way, "Use engagement_portal.dates.govuk_date:\n" + "\n".join(own_way)


def test_working_days_skip_englands_bank_holidays_and_their_substitute_days():
    from engagement_portal.dates import add_working_days, is_working_day

    # Christmas 2026: Friday 25 December, Boxing Day on Saturday, so Monday 28 December is its
    # substitute; then New Year's Day on Friday 1 January 2027.
    assert not is_working_day(datetime.date(2026, 12, 25))
    assert not is_working_day(datetime.date(2026, 12, 28))
    assert is_working_day(datetime.date(2026, 12, 29))
    friday = datetime.date(2026, 12, 18)
    assert add_working_days(friday, 1) == datetime.date(2026, 12, 21)
    # 21, 22, 23, 24, 29, 30, 31 December and 4, 5, 6 January.
    assert add_working_days(friday, 10) == datetime.date(2027, 1, 6)
    # Easter 2027: Good Friday 26 March and Easter Monday 29 March.
    assert add_working_days(datetime.date(2027, 3, 25), 1) == datetime.date(2027, 3, 30)

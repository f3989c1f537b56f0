"""`manage.py send_reminders` run by two real processes at the same time sends each reminder
once (issue 15.3). The thread test in test_reminders.py shares one Python process; this one
starts two operating-system processes, each with its own Django and its own database connection,
against the data this test committed.

On PostgreSQL both processes use the test database itself. On SQLite the test database lives in
memory, so the test copies it, committed data and schema, to a file with SQLite's backup API and
points both processes at that file, opened with BEGIN IMMEDIATE transactions
(process_settings.py): with Django's default deferred transactions the process that read first
is refused at once with "database is locked" when it comes to write, and reports that source as
failed. The unique idempotency key does the rest."""

from __future__ import annotations

import datetime
import email
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from assessments.models import AssessmentCycle
from notifications.models import Kind, Notification
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
CLOSES = datetime.date(2027, 3, 31)
ORGANISATIONS = 30


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SQLITE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.notifications.process_settings",
        PYTHONPATH=str(ROOT),
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
            f"{settings['NAME']}"
        )
    else:
        copy = tmp_path / "portal.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        env["SQLITE_PATH"] = str(copy)
    return env


def _sent(tmp_path: Path) -> list[tuple[str, str]]:
    """(to, subject) of every email both processes wrote."""
    messages = []
    for path in sorted((tmp_path / "mail").glob("*.log")):
        # The file backend writes each message followed by a line of 79 dashes.
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                messages.append((message["To"], message["Subject"]))
    return messages


@pytest.mark.django_db(transaction=True)
def test_two_processes_at_once_send_each_reminder_once(
    _flushable_database, _staff_groups, _published_rubric, tmp_path
):
    AssessmentCycle.objects.create(
        label="2026/27", slug="2026-27", opens_on=CLOSES - datetime.timedelta(days=120), closes_on=CLOSES
    )
    leads = []
    for n in range(ORGANISATIONS):
        organisation = OrganisationFactory(name=f"Organisation {n}", code=f"PROC{n}")
        leads.append(
            MembershipFactory(
                user=UserFactory(username=f"process_lead_{n}", email=f"lead{n}@example.org"),
                organisation=organisation,
                role="lead",
            ).user
        )
    env = _environment(tmp_path)
    command = [
        sys.executable,
        "manage.py",
        "send_reminders",
        "--date",
        (CLOSES - datetime.timedelta(days=7)).isoformat(),
    ]
    processes = [
        subprocess.Popen(  # noqa: S603 (our own command, no shell)
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = []
    for process in processes:
        output, _ = process.communicate(timeout=180)
        outputs.append(output)
        assert process.returncode == 0, output
    # Between them the two processes made one reminder per lead, whichever made it.
    assert "failed" not in "".join(outputs), outputs
    made = [
        int(line.split(": ")[1].split()[0])
        for out in outputs
        for line in out.splitlines()
        if line.startswith("cycle closing:")
    ]
    assert sum(made) == ORGANISATIONS, outputs

    if connection.vendor == "postgresql":
        rows = list(
            Notification.objects.filter(kind=Kind.CYCLE_CLOSING).values_list("email", "occasion", "status")
        )
    else:
        with sqlite3.connect(tmp_path / "portal.sqlite3") as copy:
            rows = copy.execute(
                "SELECT email, occasion, status FROM notifications_notification WHERE kind = ?",
                [Kind.CYCLE_CLOSING.value],
            ).fetchall()
    assert sorted(rows) == sorted((lead.email, "closing:2027-03-31:7", "sent") for lead in leads)
    sent = _sent(tmp_path)
    assert sorted(to for to, _ in sent) == sorted(lead.email for lead in leads)
    assert {subject for _, subject in sent} == {
        "7 days left: the 2026/27 self-assessment closes on 31 March 2027"
    }

"""Settings for the `manage.py send_reminders` processes tests/notifications/test_two_processes.py
starts: the test settings, with emails written to files in EMAIL_FILE_PATH so the test can count
what both processes sent."""

import os

from tests.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]

# SQLite (`make run`'s database; production runs PostgreSQL): with Django's default deferred
# transactions, the process that reads first and writes second is refused at once with
# "database is locked" while the other writes. BEGIN IMMEDIATE makes it wait for the lock
# (up to `timeout` seconds) instead.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}  # noqa: F405

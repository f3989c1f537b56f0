"""Test settings: the real settings module, with the environment a test run needs.

Only test-run defaults live here; everything else, including DATABASE_URL (SQLite when unset,
PostgreSQL when set), comes from engagement_portal.settings exactly as in production.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")

from engagement_portal.settings import *  # noqa: F403

# Tests render templates with {% static %} without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Hashing passwords slowly is the point in production and a waste of minutes in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Each test run writes evidence files to a fresh temporary folder.
import tempfile  # noqa: E402

EVIDENCE_ROOT = Path(tempfile.mkdtemp(prefix="evidence-tests-"))  # noqa: F405
STORAGES["evidence"] = {
    **STORAGES["evidence"],
    "OPTIONS": {**STORAGES["evidence"]["OPTIONS"], "location": EVIDENCE_ROOT},
}

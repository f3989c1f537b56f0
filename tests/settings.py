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
# Always on the local disk, whatever EVIDENCE_S3_BUCKET says (tests/evidence/test_s3.py points
# the storage at a loopback S3 server of its own).
STORAGES["evidence"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None, "file_permissions_mode": 0o600},
}

# Background tasks run in-process as soon as they are enqueued (after the upload's transaction
# commits), so a test sees the scan and the extracted text at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No virus scanner unless a test sets one (tests/evidence/test_clamav.py uses a real clamd):
# files are marked clean without a scan, as on a developer's machine, whatever CLAMD_* says.
CLAMD_SOCKET = ""
CLAMD_HOST = ""
EVIDENCE_ALLOW_UNSCANNED = True

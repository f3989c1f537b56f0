"""Settings for the app servers and task workers that tests/scale starts: production's, exactly.

engagement_portal.settings read from the environment the test gives each process (DEBUG off,
one secret key, one database, one evidence store, the database task queue), with one change:
static files are found in static/ rather than in collectstatic's manifest, so the test need not
run collectstatic into the checkout. Nothing about sessions, storage or tasks differs.
"""

from engagement_portal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

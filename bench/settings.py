"""Settings for the benchmarks in bench/: the project's own settings, plus one thing.

The baseline `bench/pages.py` compares every page with is a trivial view (bench/urls.py). It
exists only under these settings, so production never serves it: gunicorn serves the portal with
DJANGO_SETTINGS_MODULE=bench.settings, and every other URL, middleware and setting is the
project's own.
"""

from engagement_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

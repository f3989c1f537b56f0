"""Settings for the engagement self-assessment portal, read from the environment.

Every variable is listed in README.md. Defaults are for a newcomer's machine (embedded SQLite,
console email); production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DJANGO_HTTPS and
DATABASE_URL, and `manage.py check --deploy` is then clean.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from engagement_portal.lib.env import database_from_url, env_bool, env_days, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# A missing secret key must stop a production start-up, not fall back to a public one. Only a
# developer's machine (DEBUG on) gets a fixed, obviously insecure key.
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 on a developer's machine."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"  # noqa: S105 - DEBUG only, refused above otherwise
# Every app server and worker must have the same key: sessions, the messages cookie and password
# reset links are signed with it. Earlier keys listed here are still accepted (never used to
# sign), so a key can be changed on one server after another without signing anyone out.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so `runserver` serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    # Sign-in throttling: failed attempts, lockouts, and their admin pages.
    "axes",
    # The second factor: TOTP (authenticator apps) and static devices (one-time recovery codes).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background tasks: the django.tasks API and its database queue (tables used even when the
    # immediate backend runs tasks in-process, so migrations are the same everywhere).
    "django_tasks",
    "django_tasks_db",
    # People and organisations (floor 1 of the house: README, Architecture): organisations,
    # memberships, roles and the access helpers; signing in, the second factor, the account page.
    "organisations",
    "accounts",
    "assessments",
    "principles",
    "evidence",
    "reviews",
    # Surveys of staff, partners and people who took part, whose results become evidence.
    "voices",
    # A system's shared register of engagement activities, and "You said, we did".
    "activities",
    # Improvement plans carried from one cycle to the next (principle 7).
    "improvement",
    # The append-only audit trail every app writes to (audit.services.record).
    "audit",
    # Records management: retention (apply_retention), backup and restore. No models of its own.
    "records",
    # The home page each role lands on (the top floor: it gathers every app's to-dos).
    "home",
    # Emails and reminders: who was told what, sent in the background (notifications/).
    "notifications",
    # CQC's pages for assessment cycles and their national progress (the models are assessments').
    "cycles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (the policy is CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF check, whose reading of the body it reuses: a null character in the address
    # or a form's fields is a 400 before any view runs, since views that read request.POST/GET
    # themselves would pass it to PostgreSQL, which refuses it (a 500).
    "engagement_portal.null_characters.RefuseNullCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session verified (request.user.is_verified()) once the second factor is given.
    "django_otp.middleware.OTPMiddleware",
    # Default deny: every view needs sign-in unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Records refused access (403 and 404 for signed-in people) in the audit trail, and gives
    # the services' audit records the request's address and path.
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs a person out after SESSION_IDLE_TIMEOUT idle, or SESSION_COOKIE_AGE in all. After
    # the messages middleware, so it can say why on the sign-in page.
    "accounts.security.SessionTimeoutMiddleware",
    # The second factor cannot be skipped: a person past the password but not the code (or who
    # must set up two-factor authentication and has not) reaches no other page, /admin/ included.
    "accounts.two_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "engagement_portal.urls"
WSGI_APPLICATION = "engagement_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.portal",
            ],
            # Dates and times in one GOV.UK style in every template (engagement_portal/dates.py).
            "builtins": ["engagement_portal.templatetags.govuk_dates"],
        },
    },
]

# SQLite when DATABASE_URL is unset (a newcomer's machine); PostgreSQL otherwise.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or str(BASE_DIR / "db.sqlite3"),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords: length and commonness, no composition rules (NCSC and ASVS V6.2 advice).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in throttling (django-axes, ASVS V6.3.1): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked for AXES_COOLOFF_MINUTES. Locking the pair, not
# the username alone, means an attacker cannot lock a colleague out from elsewhere. Site admins
# unlock in site administration (Access attempts) or with `manage.py axes_reset_username`.
# axes' backend comes first: it refuses a locked pair before the password is even checked.
# accounts.backends reads a person's permissions in one query for ModelBackend, which answers
# (it signs nobody in). ModelBackend stays last: sessions name it, and bench/pages.py reads it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.OneQueryPermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A successful sign-in forgets earlier typos.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "engagement_portal.lib.client_ip.client_ip"
# The second factor (ASVS V6.4, V6.5): TOTP from an authenticator app, with one-time recovery
# codes; required for CQC assessors, rubric admins and site admins (accounts/two_factor.py).
# The issuer is the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "Engagement self-assessment"
# Wrong codes in a row make the next try wait 1, 2, 4, 8... seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Reset links stop working after an hour: long enough to read an email, short enough to limit
# what a leaked link is worth.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# More than one app server: nothing a later request may need is kept in a process. Sessions are
# rows in the database, and so are django-axes' failed sign-ins (its database handler, never
# its cache one), so every server sees the same sessions and the same lockouts. The cache is
# each process's own memory and holds nothing that must be shared; nothing in the portal uses
# it at present, and tests/scale/test_shared_state.py fails if sessions or axes move into it.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions end at the latest 12 hours after sign-in (ASVS V7.3); cookies never reach scripts.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
# ...and after 30 minutes without a request (ASVS V7.3.1). Both are enforced by
# accounts.security.SessionTimeoutMiddleware, since Django's cookie age slides.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A form refused by the CSRF check gets a plain-English GOV.UK page, and the refusal is audited.
CSRF_FAILURE_VIEW = "audit.csrf.csrf_failure"

# HTTPS: on behind any real deployment. The proxy in front terminates TLS and says so.
HTTPS = env_bool("DJANGO_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload directive only makes the site eligible for browsers' HTTPS-only list; nothing is
# submitted until the domain's owner asks. Off with DJANGO_HSTS_PRELOAD=0.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (ASVS V3.4.3): only the portal's own files, no inline scripts or
# styles, no plugins, no <base>, no framing, forms post only to the portal. The one inline
# script (base.html's js-enabled class, which must run before the body renders) carries the
# per-request nonce. GOV.UK Frontend needs nothing inline. PDF templates are rendered by
# WeasyPrint, never served as HTML, so the policy does not concern them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# /healthz is probed over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/ holds our own Sass and images; `npm run build` writes GOV.UK Frontend's compiled CSS
# and JavaScript into static/dist/ (not committed).
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files live in their own private storage, never under a served folder: they are only
# ever read back through the permission-checked download view.
EVIDENCE_ROOT = Path(env_str("EVIDENCE_ROOT") or BASE_DIR / "var" / "evidence")
# With EVIDENCE_S3_BUCKET set, the evidence store is a private bucket on S3 or an S3-compatible
# server instead. Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, or an instance role), never from this file.
EVIDENCE_S3_BUCKET = env_str("EVIDENCE_S3_BUCKET") or ""
if EVIDENCE_S3_BUCKET:
    _evidence_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("EVIDENCE_S3_REGION") or None,
            "location": env_str("EVIDENCE_S3_PREFIX") or "",
            "addressing_style": env_str("EVIDENCE_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            # Files are only ever streamed through the permission-checked download view. An
            # unsigned URL to a private object does not work, so a URL that leaked by mistake
            # would give nothing away; a signed one would.
            "querystring_auth": False,
            # Keys are random and a revision is never overwritten.
            "file_overwrite": False,
            # Reading a file back spools it to a temporary file past 1 MB, not all into memory.
            "max_memory_size": 1024 * 1024,
        },
    }
else:
    _evidence_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None, "file_permissions_mode": 0o600},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": _evidence_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Evidence uploads (bytes and counts).
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_BYTES", default=50 * 1024 * 1024)
EVIDENCE_MAX_FILES_PER_UPLOAD = env_int("EVIDENCE_MAX_FILES_PER_UPLOAD", default=10)
EVIDENCE_QUOTA_BYTES = env_int("EVIDENCE_QUOTA_BYTES", default=10 * 1024 * 1024 * 1024)

# Virus scanning of every uploaded file by ClamAV's clamd, over a unix socket (CLAMD_SOCKET) or
# TCP (CLAMD_HOST, CLAMD_PORT). A file is only ever served once clamd has called it clean.
# With neither set, files are marked clean without a scan only when EVIDENCE_ALLOW_UNSCANNED is
# on, which it is by default on a developer's machine (DEBUG) and nowhere else. In production
# without a scanner, uploads fail closed: they are never served, and `check --deploy` warns.
CLAMD_SOCKET = env_str("CLAMD_SOCKET") or ""
CLAMD_HOST = env_str("CLAMD_HOST") or ""
if CLAMD_SOCKET and CLAMD_HOST:
    raise ImproperlyConfigured("Set CLAMD_SOCKET or CLAMD_HOST to reach clamd, not both.")
CLAMD_PORT = env_int("CLAMD_PORT", default=3310)
# Seconds to wait for clamd at each step (connecting, sending a chunk, waiting for the verdict).
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", default=60)

# Draft PDF reports are rendered while their person waits (a second or two of a core each): at
# most this many for one person in any 10 minutes (assessments/report_views.py).
DRAFT_REPORT_LIMIT = env_int("DRAFT_REPORT_LIMIT", default=10)
EVIDENCE_ALLOW_UNSCANNED = env_bool("EVIDENCE_ALLOW_UNSCANNED", default=DEBUG)

# Background tasks (django.tasks API). Production queues them in the database, and
# `manage.py db_worker` runs them in a process of its own. On a developer's machine (DEBUG) they
# run in-process straight after the upload commits, so `make run` stays one process; set
# TASKS_BACKEND=database there to try the worker.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND") or ("immediate" if DEBUG else "database")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'database' or 'immediate', not {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

# Retention: how many days each kind of record is kept before `manage.py apply_retention`
# deletes it, or None ("forever" in the environment) to keep it for ever. records/retention.py
# says what each kind is; README.md lists the defaults and why.
RETENTION_DAYS = {
    "deleted_evidence": env_days("RETENTION_DELETED_EVIDENCE_DAYS", default=30),
    "unsubmitted_assessments": env_days("RETENTION_UNSUBMITTED_ASSESSMENT_DAYS", default=6 * 365),
    "uncited_evidence": env_days("RETENTION_UNCITED_EVIDENCE_DAYS", default=6 * 365),
    "rendered_reports": env_days("RETENTION_RENDERED_REPORT_DAYS", default=365),
    "evidence_downloads": env_days("RETENTION_EVIDENCE_DOWNLOAD_DAYS", default=2 * 365),
    "sign_in_attempts": env_days("RETENTION_SIGN_IN_ATTEMPT_DAYS", default=90),
    "task_results": env_days("RETENTION_TASK_RESULT_DAYS", default=30),
    "incoming_uploads": env_days("RETENTION_INCOMING_UPLOAD_DAYS", default=1),
}
# The evidence pages promise 30 days in which deleted evidence can be restored.
if (RETENTION_DAYS["deleted_evidence"] or 30) < 30:
    raise ImproperlyConfigured(
        "RETENTION_DELETED_EVIDENCE_DAYS must be at least 30 (deleted evidence can be restored for "
        f"30 days), not {RETENTION_DAYS['deleted_evidence']}."
    )

# Surveys (voices/): counts below the threshold are never shown (never below 5); a survey takes
# at most SURVEY_RESPONSE_CAP responses, and one address at most SURVEY_ADDRESS_LIMIT an hour.
SURVEY_SUPPRESSION_THRESHOLD = env_int("SURVEY_SUPPRESSION_THRESHOLD", default=10)
if SURVEY_SUPPRESSION_THRESHOLD < 5:
    raise ImproperlyConfigured(
        f"SURVEY_SUPPRESSION_THRESHOLD must be at least 5, not {SURVEY_SUPPRESSION_THRESHOLD}."
    )
SURVEY_RESPONSE_CAP = env_int("SURVEY_RESPONSE_CAP", default=20000)
SURVEY_ADDRESS_LIMIT = env_int("SURVEY_ADDRESS_LIMIT", default=60)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# File inputs drawn as GOV.UK's file upload component (the pack only converts Django's
# ClearableFileInput; evidence uploads use FileInput and a multiple-file FileInput).
CRISPY_CLASS_CONVERTERS = {"fileinput": "govuk-file-upload", "multiplefileinput": "govuk-file-upload"}
# The template pack's markup matches this GOV.UK Frontend release (package.json pins it).
CRISPY_GDS_FRONTEND_VERSION = "5.8.0"

# Email: printed to the console unless GOV.UK Notify (NOTIFY_API_KEY) or an SMTP host
# (EMAIL_HOST) is configured. Notifications (notifications/) and password resets go the same way.
EMAIL_HOST = env_str("EMAIL_HOST") or ""
# Seconds to wait for the SMTP server or GOV.UK Notify before a send fails (and is tried again).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=30)
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY") or ""
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL") or "https://api.notifications.service.gov.uk"
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID") or ""
# "kind=template-id,kind=template-id": a Notify template of its own for some kinds of email.
NOTIFY_TEMPLATE_IDS = dict(item.split("=", 1) for item in env_list("NOTIFY_TEMPLATE_IDS") if "=" in item)
if NOTIFY_API_KEY:
    if not NOTIFY_TEMPLATE_ID:
        raise ImproperlyConfigured("NOTIFY_TEMPLATE_ID must be set when NOTIFY_API_KEY is.")
    EMAIL_BACKEND = "notifications.notify_backend.NotifyEmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "engagement-portal@localhost"
# The portal's address as people reach it, for the links in emails.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL") or "http://127.0.0.1:8000"

SERVICE_NAME = "Engagement self-assessment"
FEEDBACK_EMAIL = env_str("FEEDBACK_EMAIL") or "engagement-portal-feedback@example.org"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_in_one_line": {"()": "engagement_portal.log_filters.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals_in_one_line"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        # Django's own configuration gives the "django" logger a console handler of its own with
        # debug on, and its records also reach the root's: every warning printed twice. Here
        # they reach the root's handler only. (Its mail_admins handler is unused: no ADMINS.)
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # WeasyPrint reports each step of every PDF it lays out, page by page, at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

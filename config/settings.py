"""Doorstep settings: everything that differs between machines comes from the environment.

DOORSTEP_ENV=production turns on the deployment hardening that `manage.py check --deploy` asks for.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("DOORSTEP_ENV", "development")
PRODUCTION = ENV == "production"

SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "" if PRODUCTION else "doorstep-development-key-not-for-production-use-0123456789abcdef"
)
# Rotating the key (docs/operations.md): the old ones, comma-separated, still verify sessions and links meanwhile.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DOORSTEP_ENV=production")
DEBUG = os.environ.get("DOORSTEP_DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The nation whose bank holidays count when working days are counted (ESC-12).
DOORSTEP_NATION = os.environ.get("DOORSTEP_NATION", "england-wales")
if DOORSTEP_NATION not in {"england-wales", "scotland", "northern-ireland"}:
    raise RuntimeError("DOORSTEP_NATION must be england-wales, scotland or northern-ireland")
# Roles that must use two-step verification (an authenticator app). Everyone else may turn it on.
DOORSTEP_TWO_STEP_ROLES = [r for r in os.environ.get(
    "DOORSTEP_TWO_STEP_ROLES", "manager,administrator,board_chair" if PRODUCTION else "").split(",") if r]
# Break-glass access lasts this long (P-4).
DOORSTEP_BREAK_GLASS_HOURS = int(os.environ.get("DOORSTEP_BREAK_GLASS_HOURS", "24"))
# OVR-2 (issue 19): in the Board's report a count below this is shown as "fewer than N" (and secondary suppression).
DOORSTEP_BOARD_SMALL_COUNT = int(os.environ.get("DOORSTEP_BOARD_SMALL_COUNT", "5"))
# How often each worker records its heartbeat (core/heartbeat.py); a minute without one means no worker is running.
DOORSTEP_HEARTBEAT_SECONDS = float(os.environ.get("DOORSTEP_HEARTBEAT_SECONDS", "5"))
# Issue 16: with no heartbeat this fresh, managers, administrators and workers on visits are told (core/monitoring.py).
DOORSTEP_MONITORING_MAX_AGE_SECONDS = int(os.environ.get("DOORSTEP_MONITORING_MAX_AGE_SECONDS", "60"))
DOORSTEP_MONITORING_WARNINGS = os.environ.get("DOORSTEP_MONITORING_WARNINGS", "1") == "1"
DOORSTEP_SITE_URL = os.environ.get("DOORSTEP_SITE_URL", "http://127.0.0.1:8000")

# The worker's periodic jobs (core/schedule.py), in seconds: the escalation sweep, the e-mail catch-up, and the
# lone-worker alarms (SAF-3: within 60 s of their time). The tests that kill and restart a worker shorten them.
# The sweep runs every 20 s so that a deadline is acted on within issue 15's 30 s at worst (interval, plus the
# task's pick-up and run: 32.5 s worst with 30 s on the 2026-12-06 bench); with nothing due it costs about 0.1 s.
DOORSTEP_SWEEP_SECONDS = int(os.environ.get("DOORSTEP_SWEEP_SECONDS", "20"))
DOORSTEP_EMAIL_CATCH_UP_SECONDS = int(os.environ.get("DOORSTEP_EMAIL_CATCH_UP_SECONDS", "60"))
DOORSTEP_VISIT_SWEEP_SECONDS = int(os.environ.get("DOORSTEP_VISIT_SWEEP_SECONDS", "10"))
# OVR-1 (issue 19): how often the worker looks for families whose drift signals were not yet computed today.
DOORSTEP_OVERSIGHT_SECONDS = int(os.environ.get("DOORSTEP_OVERSIGHT_SECONDS", "3600"))
# An e-mail left in "sending" this long (its worker died mid-send) is tried again by the catch-up.
DOORSTEP_EMAIL_STUCK_SECONDS = int(os.environ.get("DOORSTEP_EMAIL_STUCK_SECONDS", "300"))
# Every family is evaluated by the rules engine at least this often, in days (nightly by default).
DOORSTEP_FAMILY_RECHECK_DAYS = int(os.environ.get("DOORSTEP_FAMILY_RECHECK_DAYS", "1"))
# SAF-3's default escalation chain when an agency has no lone-working procedure of its own, in minutes after the
# visit's expected end, e.g. "reminder=0,line_manager=15,duty_manager=30,emergency=45" (an empty time leaves a step
# out); and how long a worker's acknowledgement holds the chain (empty: the default in visits/chain.py).
DOORSTEP_VISIT_CHAIN = {
    step.strip(): (int(minutes) if minutes.strip() else None)
    for step, minutes in (item.split("=", 1) for item in os.environ.get("DOORSTEP_VISIT_CHAIN", "").split(",")
                          if "=" in item)
}
DOORSTEP_VISIT_ACK_HOLD_MINUTES = int(os.environ.get("DOORSTEP_VISIT_ACK_HOLD_MINUTES") or 0) or None
# SUP-4 and OVR-3 (ESC-12: areas differ): how often each worker is supervised (days); the manager's deadline for an
# overdue supervision (working days after it fell due); a worker leading this many families with warning markers
# carries "high exposure".
DOORSTEP_SUPERVISION_INTERVAL_DAYS = int(os.environ.get("DOORSTEP_SUPERVISION_INTERVAL_DAYS", "28"))
DOORSTEP_SUPERVISION_OVERDUE_WORKING_DAYS = int(os.environ.get("DOORSTEP_SUPERVISION_OVERDUE_WORKING_DAYS", "5"))
DOORSTEP_SUPERVISION_MARKED_FAMILIES_THRESHOLD = int(
    os.environ.get("DOORSTEP_SUPERVISION_MARKED_FAMILIES_THRESHOLD", "3"))
# AGR-1: a TrueType font with the Welsh letters ŵ and ŷ for agreement PDFs (empty: DejaVu Sans or Liberation Sans
# when installed), and its bold (empty: the same font).
DOORSTEP_PDF_FONT = os.environ.get("DOORSTEP_PDF_FONT", "")
DOORSTEP_PDF_FONT_BOLD = os.environ.get("DOORSTEP_PDF_FONT_BOLD", "") or DOORSTEP_PDF_FONT

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "doorstep.core",
    "doorstep.audit",
    "doorstep.agencies",
    "doorstep.partnerships",
    "doorstep.families",
    "doorstep.chronology",
    "doorstep.notifications",
    "doorstep.escalations",
    "doorstep.engagement",
    "doorstep.markers",
    "doorstep.incidents",
    "doorstep.visits",
    "doorstep.meetings",
    "doorstep.agreements",
    "doorstep.supervision",
    "doorstep.oversight",
    "doorstep.retention",
    "doorstep.recording",  # RIG-2 and UK GDPR Article 16 (issue 20)
    "doorstep.subjectaccess",
    "doorstep.scale",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Issue 17: every request but a static file is a log line and counted in /metrics.
    "doorstep.core.logs.RequestLogMiddleware",
    "doorstep.core.metrics.RequestMetricsMiddleware",
    "doorstep.core.replicas.ReplicaRoutingMiddleware",
    "doorstep.core.middleware.NoStoreMiddleware",
    "doorstep.core.methods.PageMethodsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "doorstep.core.sessions.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "doorstep.audit.middleware.AuditContextMiddleware",
    "doorstep.agencies.middleware.TwoStepMiddleware",
    "doorstep.core.middleware.DraftRescueMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "agencies.Professional"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doorstep.core.context_processors.doorstep",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'doorstep.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several workers and the web server share one file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Issue 15: PostgreSQL's JIT compiled Find a family's query for 0.4-0.85 s to save milliseconds; Doorstep's
    # queries are short, so every connection runs without it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Issue 13 finding 12: in production DATABASE_URL is a role that may only INSERT and SELECT audit rows; the owner of
# the tables runs `manage.py migrate --database migrate` and `manage.py db_roles --database migrate --app-role ...`.
if os.environ.get("DATABASE_MIGRATE_URL"):
    DATABASES["migrate"] = dj_database_url.parse(os.environ["DATABASE_MIGRATE_URL"])
    DATABASES["migrate"]["TEST"] = {"MIRROR": "default"}
# Issue 17 (doorstep/core/replicas.py): a streaming replica for the pages that only read; everything else, and any
# read after a write in the same request, goes to the primary; a replica more than MAX_LAG seconds behind, or down,
# is not used (checked at most every CHECK seconds per process).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")))
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["OPTIONS"]["options"] = "-c jit=off"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Issue 17: PgBouncer in transaction mode between Doorstep and PostgreSQL (docs/operations.md): no server-side cursors
# (they need the session a transaction-mode pool does not keep) and no prepared statements.
if os.environ.get("DATABASE_PGBOUNCER", "0") == "1":
    for _alias in DATABASES:
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES[_alias].setdefault("OPTIONS", {})["prepare_threshold"] = None
DATABASE_ROUTERS = ["doorstep.core.replicas.PrimaryReplicaRouter"]
DATABASE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "10"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "5"))
DOORSTEP_REPLICA_VIEWS = frozenset({
    "families:search", "families:detail", "chronology:family", "chronology:csv", "chronology:pdf", "meetings:board",
})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Issue 13: an account waiting for a manager's approval neither signs in nor keeps a session.
    "doorstep.agencies.backends.ApprovedAccountBackend",
]
# A password reset link works for an hour, once (issue 13 finding 11).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))
# Reset links asked for in an hour, per e-mail address and per requesting address (issue 13); counted in the cache.
DOORSTEP_PASSWORD_RESET_LIMIT_EMAIL = int(os.environ.get("DOORSTEP_PASSWORD_RESET_LIMIT_EMAIL", "3"))
DOORSTEP_PASSWORD_RESET_LIMIT_IP = int(os.environ.get("DOORSTEP_PASSWORD_RESET_LIMIT_IP", "20"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout after repeated failed logins (django-axes): 5 failures for one username from one address, and (issue 13
# finding 11) 30 failures from one address across any usernames, which stops guessing many accounts from one place
# while an office behind one address survives its staff's typing mistakes. See agencies.login_throttle.
AXES_HANDLER = "doorstep.agencies.login_throttle.LoginThrottle"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
DOORSTEP_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DOORSTEP_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # LoginThrottle relies on this order
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Sessions time out after 30 minutes without a request; the page warns two minutes before.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
# Issue 15: the database store, each renewal committed without waiting for the disk (doorstep/core/session_store.py).
SESSION_ENGINE = "doorstep.core.session_store"
# And end 10 hours after signing in however busy the session is (issue 13 finding 11; core.sessions).
DOORSTEP_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(10 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
DOORSTEP_SESSION_WARNING_SECONDS = 120

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("cy", _("Cymraeg"))]
LANGUAGE_COOKIE_NAME = "doorstep_language"
LOCALE_PATHS: list = []  # each app keeps its own catalogue in doorstep/<app>/locale
TIME_ZONE = "Europe/London"
FORMAT_MODULE_PATH = ["doorstep.core.formats"]  # issue 18: "5 Dec 2026" everywhere, in both languages
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_build"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security headers. GOV.UK Frontend needs one inline script (js-enabled), allowed by nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer's health checks may come in plain HTTP from inside the network (issue 17).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "doorstep@localhost")
# Issue 17: `make demo` catches every e-mail in a local SMTP server of its own (doorstep/core/demo_mail.py), kept in
# this directory and shown on the "Demo mailbox" page. Never in production.
DOORSTEP_DEMO_MAILBOX = os.environ.get("DOORSTEP_DEMO_MAILBOX", "")
if PRODUCTION and DOORSTEP_DEMO_MAILBOX:
    raise RuntimeError("DOORSTEP_DEMO_MAILBOX is for the demo only: unset it when DOORSTEP_ENV=production")

# Issue 16: time-critical work (SAF-3 alarms, overdue actions, due-moment tasks) has its own queue and thread in the
# worker, e-mails another with a bounded pool of threads (doorstep/core/worker.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "alarms", "email"]}}
DOORSTEP_EMAIL_THREADS = int(os.environ.get("DOORSTEP_EMAIL_THREADS", "4"))
# Seconds an SMTP connection may wait: a hanging mail server holds one e-mail thread this long, never an alarm.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "doorstep.agencies.api_auth.AgencySystemTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Issue 13 finding 1: two-step verification holds for session users of the API too.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "doorstep.agencies.permissions.TwoStepVerified",
    ],
    # Issue 13 finding 11: per person (or partner system), and per address for the anonymous.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "30/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "300/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "doorstep.core.api.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "doorstep.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Doorstep API",
    "DESCRIPTION": "Shared multi-agency record for families who are hostile, resistant or hard to engage.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "doorstep.agencies.permissions.TwoStepVerified",
    ],
    "PREPROCESSING_HOOKS": ["doorstep.core.api.without_format_suffixes"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "doorstep.core.api.document_errors"],
    # Several models have a field called "kind"; name their choice sets so the schema's enums are unambiguous.
    "ENUM_NAME_OVERRIDES": {
        "ContactKindEnum": "doorstep.engagement.models.ContactKind",
        "EntryKindEnum": "doorstep.chronology.models.EntryKind",
        "ContactOutcomeEnum": "doorstep.engagement.models.Outcome",
        "MeetingOutcomeEnum": "doorstep.meetings.models.Outcome",
        "AgreementReviewOutcomeEnum": "doorstep.agreements.models.AgreementReviewOutcome",
        "AuditRoundStateEnum": "doorstep.oversight.models.RoundState",
        "StateEnum": "doorstep.escalations.models.EscalationState",  # its name before audit rounds had a state too
        "SubjectAccessRequestStateEnum": "doorstep.subjectaccess.models.RequestState",
        "RedactionStateEnum": "doorstep.subjectaccess.models.RedactionState",
        "LanguageEnum": "doorstep.families.models.CorrespondenceLanguage",
        "CorrectionDecisionEnum": ["corrected", "not_corrected"],
        "DecisionEnum": "doorstep.visits.models.Decision",  # its name before requests to correct had a decision too
    },
}

OTP_TOTP_ISSUER = "Doorstep"

# Issue 17: /metrics (Prometheus) answers only to `Authorization: Bearer <this>`; unset, there is no such page.
DOORSTEP_METRICS_TOKEN = os.environ.get("DOORSTEP_METRICS_TOKEN", "")
# prometheus-client shares counters between gunicorn workers through this directory (docs/operations.md).
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")

# Issue 17 (doorstep/core/logs.py): in production one JSON object per line (a line per request: request id, user and
# agency, view, status, duration; never family data); elsewhere plain text, warnings and errors only, without the task
# worker's line per task or a traceback per refused page.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "doorstep.core.logs.RequestIdFilter"},
        "quiet": {"()": "doorstep.core.logs.QuietFilter"},
    },
    "formatters": {
        "json": {"()": "doorstep.core.logs.DoorstepJsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s", "datefmt": "%H:%M:%S"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id", "quiet"],
                    "formatter": "json" if PRODUCTION else "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
    "loggers": {
        # runserver's line per request (the demo): only errors; gunicorn keeps its own access log if asked.
        "django.server": {"level": "ERROR"},
        # The worker says when it loses and regains the database, and which sweep check failed (issue 16).
        "doorstep.worker": {"level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}

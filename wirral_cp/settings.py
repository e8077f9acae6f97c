"""Settings for the child protection case-management application.

Everything that differs between a laptop demo, CI and production comes from environment
variables (see `.env.example`). The defaults run the demo on SQLite with eager Celery tasks;
production refuses to start on insecure defaults.
"""

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# --- Core -----------------------------------------------------------------------------------
INSECURE_SECRET_KEY = "insecure-demo-key-do-not-use-in-production"  # noqa: S105
# The example secret in `.env.example`: copied unchanged, it is as public as the default.
PLACEHOLDER_SECRET_KEYS = {"change-me-to-a-long-random-string"}
DEBUG = env.bool("DEBUG", default=False)
# Demo mode: documented demo passwords, no second factor, demo data allowed.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
# The demo users' password (printed in the README): refused at sign-in outside DEMO_MODE.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - public by design, demo only
SECRET_KEY = env("SECRET_KEY", default=INSECURE_SECRET_KEY)
if not DEBUG and not DEMO_MODE and SECRET_KEY == INSECURE_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the insecure default. Set SECRET_KEY in the environment "
        "(or DEBUG=true / DEMO_MODE=true for a local demo)."
    )
if not DEBUG and not DEMO_MODE and SECRET_KEY in PLACEHOLDER_SECRET_KEYS:
    raise ImproperlyConfigured(
        "SECRET_KEY is a placeholder from .env.example. Set a long random value, e.g. from "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "timescales",
    "accounts",
    "audit",
    "people",
    "cases",
    "strategy",
    "familyhelp",
    "documents",
    "frontdoor",
    "conferences",
    "monitoring",
    "dashboards",
    "reporting",
    "partners",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in the URL is refused with 400 before anything reads it.
    "wirral_cp.middleware.RefuseNulBytesMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise (static files stay cacheable): no other response is stored by the browser.
    "wirral_cp.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After a write, the session's reads come from the primary (wirral_cp/replica.py).
    "wirral_cp.replica.ReplicaStickyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified() from the session's second factor.
    "django_otp.middleware.OTPMiddleware",
    # Every view requires login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ... and, outside demo mode, a verified second factor (accounts/middleware.py).
    "accounts.middleware.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form sent twice (a double click) is saved once (accounts/middleware.py).
    "accounts.middleware.OnceOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-auditlog's actor and remote address, with the address read as the lockout reads it.
    "audit.middleware.AuditlogMiddleware",
    # Every page of a child's record shown to someone is an "accessed" audit entry.
    "audit.middleware.RecordAccessMiddleware",
    # Last, as django-axes asks: turns a lockout during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wirral_cp.urls"
WSGI_APPLICATION = "wirral_cp.wsgi.application"

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
                "wirral_cp.context_processors.site",
                "monitoring.context_processors.task_badge",
            ],
            # `{% form_token %}` in every form that saves (a double click saves once).
            "builtins": ["accounts.templatetags.once", "accounts.templatetags.error_summary"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections kept open between requests for this many seconds (0: one per request), checked
# before reuse. A new PostgreSQL connection costs a few milliseconds of every page (issue 17).
DATABASE_CONN_MAX_AGE = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A PostgreSQL streaming replica for the pages that only read (dashboards, drill-downs, returns):
# wirral_cp/replica.py. Without it everything reads from the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    # Tests make no database on the replica (it is read-only): it mirrors the test database,
    # and tests/replica point it at the real standby.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["wirral_cp.replica.ReplicaRouter"]
# PostgreSQL's JIT compiler off for every connection (on: the server's setting). Compiling the
# dashboards' and the nightly scan's whole-authority queries cost more than running them
# (issue 17, 150,000 children: the service dashboard worked out 7.6 s with it, 3.7 s without).
DATABASE_JIT = env.bool("DATABASE_JIT", default=False)
if not DATABASE_JIT:
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _options = _database.setdefault("OPTIONS", {})
            _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
# Further behind than this, the replica is not read (the primary is).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
# After a write, the same session reads from the primary for this long.
REPLICA_STICKY_SECONDS = env.float("REPLICA_STICKY_SECONDS", default=60.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Caches: each process's own memory for small things (a user's badge count, the local
# timescale policy), and the database for the dashboards' kept figures (dashboards.measures), so
# that every web worker and the Celery worker that keeps them fresh share them (the table is
# made by the migration dashboards 0002).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dashboards_kept_figures",
        "TIMEOUT": 6 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# A dashboard's figures worked out before the latest write are shown, labelled with their time,
# for up to this many seconds while they are worked out again after the response
# (dashboards.measures); 0: always work them out again after a write.
DASHBOARD_FIGURES_MAX_AGE = env.int("DASHBOARD_FIGURES_MAX_AGE", default=300)
# How long the "My tasks" badge's count is kept for a user and data version (0: counted on every
# page; monitoring.context_processors).
TASK_BADGE_KEEP_SECONDS = 10 * 60

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is inactivity, not time since login
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes checks for a lockout before any other backend sees the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: a username from one address, after AXES_FAILURE_LIMIT wrong passwords in a row, for
# AXES_COOLOFF_MINUTES (a new failure during the lockout restarts it). Administrators can lift
# it early by deleting the user's access attempts in the admin site (or `axes_reset_username`).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "audit.client_ip.client_ip"
# Reverse proxies in front of the application (each appends to X-Forwarded-For); 0 = none, so
# the header is ignored. Used for the lockout and the audit log's remote address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Second factor (django-otp, TOTP), required outside DEMO_MODE by accounts.middleware.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Children's Services CP")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code
# The admin site never shows a device's secret key or QR code (whoever saw it could sign in as
# the device's owner).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A first authenticator app is set up only with an enrolment code from an administrator (the
# password alone must not be enough to enrol); how long an issued code stays valid.
OTP_ENROLMENT_CODE_HOURS = env.int("OTP_ENROLMENT_CODE_HOURS", default=72)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
# One date format everywhere, "1 Dec 2026" (the locale's formats win over DATE_FORMAT alone).
FORMAT_MODULE_PATH = ["wirral_cp.formats"]
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic` first (the Docker image does it).
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# --- Documents (documents/) -------------------------------------------------------------------
# Uploaded and generated files. Never under static/ and never served by a URL of their own:
# the only way out is the download view, which applies the access rule. Local files by default
# (DOCUMENTS_ROOT, outside the tree's static files); S3-compatible object storage in production
# with DOCUMENTS_STORAGE=s3 (django-storages; credentials from the usual AWS_* variables or the
# instance's role).
DOCUMENTS_MAX_UPLOAD_MB = env.int("DOCUMENTS_MAX_UPLOAD_MB", default=20)

# "Known to us?" and duplicates (issue 20 items 3, 4): how long a record opened with a reason
# stays open to the worker who gave it, and how long a merge of two people can be reversed.
KNOWN_TO_US_ACCESS_HOURS = env.int("KNOWN_TO_US_ACCESS_HOURS", default=8)
PERSON_MERGE_REVERSIBLE_DAYS = env.int("PERSON_MERGE_REVERSIBLE_DAYS", default=30)
DOCUMENTS_ROOT = env("DOCUMENTS_ROOT", default=str(BASE_DIR / "var" / "documents"))
# The ClamAV daemon: a Unix socket path or tcp://host:port. Blank: no scanner, and files are
# marked "not scanned" (downloadable). Configured: a file is downloadable only once clean.
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
CLAMD_TIMEOUT_SECONDS = env.int("CLAMD_TIMEOUT_SECONDS", default=30)
# Contribution requests to partner professionals (documents/contributions.py): how long the
# emailed link works, how long the one-time code works and how many tries it has, and how long
# the professional's page stays open once the code is confirmed.
CONTRIBUTION_LINK_DAYS = env.int("CONTRIBUTION_LINK_DAYS", default=14)
CONTRIBUTION_CODE_MINUTES = env.int("CONTRIBUTION_CODE_MINUTES", default=15)
CONTRIBUTION_CODE_MAX_ATTEMPTS = env.int("CONTRIBUTION_CODE_MAX_ATTEMPTS", default=5)
CONTRIBUTION_SESSION_MINUTES = env.int("CONTRIBUTION_SESSION_MINUTES", default=60)
_documents_storage: dict[str, Any]
if env("DOCUMENTS_STORAGE", default="local") == "s3":
    _documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("DOCUMENTS_S3_BUCKET"),
            "endpoint_url": env("DOCUMENTS_S3_ENDPOINT_URL", default=None),
            "region_name": env("DOCUMENTS_S3_REGION", default=None),
            "location": env("DOCUMENTS_S3_PREFIX", default="documents"),
            # Private objects, never overwritten, never a public URL: the app streams them.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
else:
    _documents_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": None},
    }
STORAGES["documents"] = _documents_storage
WHITENOISE_MANIFEST_STRICT = False

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cp-system@example.invalid")

# --- Celery ---------------------------------------------------------------------------------
# With REDIS_URL set, tasks go through Redis to a worker; without it (the demo default) they
# run eagerly in the web process so `make run` needs no server.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat's record of when each entry last ran: outside the working tree (and, in the Docker image,
# somewhere the unprivileged user may write).
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(Path(tempfile.gettempdir()) / "wirral-cp-celerybeat-schedule"),
)

# --- Partner agencies' API (partners app) --------------------------------------------------
# Partner systems authenticate with a hashed API key (djangorestframework-api-key), sent as
# "Authorization: Api-Key <key>"; no session, no browsable API: JSON in, JSON or RFC 9457
# problem details out.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["partners.api.auth.PartnerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["partners.api.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["partners.api.auth.PartnerClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"partner": env("PARTNER_API_RATE", default="60/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partners.api.problems.problem_details_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Child protection: partner agencies' API",
    "DESCRIPTION": "For partner systems of the local authority. See the README, 'Partner "
    "agencies'.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI's files from the sidecar package, served by whitenoise: nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}
# Who a partner calls about a child when the API may not name the allocated team (no plan, an
# unknown child, a restricted record): the authority's front door. Synthetic defaults.
AUTHORITY_DUTY_CONTACT = {
    "name": env("DUTY_CONTACT_NAME", default="Integrated Front Door (children's social care)"),
    "phone": env("DUTY_CONTACT_PHONE", default="0151 000 0000"),
    "email": env("DUTY_CONTACT_EMAIL", default="front-door@example.invalid"),
}
# Webhooks: attempts before a delivery is marked failed, and the first retry's delay (doubled
# each time).
PARTNER_WEBHOOK_MAX_ATTEMPTS = env.int("PARTNER_WEBHOOK_MAX_ATTEMPTS", default=6)
PARTNER_WEBHOOK_BACKOFF_SECONDS = env.int("PARTNER_WEBHOOK_BACKOFF_SECONDS", default=30)
PARTNER_WEBHOOK_TIMEOUT_SECONDS = env.int("PARTNER_WEBHOOK_TIMEOUT_SECONDS", default=10)

# --- Audit ----------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
# The log table is append-only in the database (audit/triggers.py).

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content security policy (django-csp 4): no inline script or style anywhere, nothing from
# another origin (Bootstrap is served from static/), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
if not DEBUG and not DEMO_MODE:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # X-Forwarded-Proto is believed only from a proxy of ours: with none in front, any client
    # could send it and have plain HTTP taken for HTTPS.
    if TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

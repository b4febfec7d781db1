"""Settings shared by every environment. Values come from the environment through one `env`."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The province this deployment serves (statistics-office code). 49 = Quảng Nam.
PORTAL_HOME_UNIT = env("PORTAL_HOME_UNIT", default="49")
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo12345")

INSTALLED_APPS = [
    "reform_portal.admin_site.PortalAdminConfig",  # django.contrib.admin, the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "reform_portal.axes_app.AxesConfig",  # django-axes, named in Vietnamese
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "units",
    "indices",
    "reports",
    "dashboards",
    "audit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our origin (no CDN)
    "api",
    "briefings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reform_portal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "reform_portal.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditRequestMiddleware",
    "reform_portal.session_expiry.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "indices.middleware.AnalysisDispatchMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reform_portal.urls"
WSGI_APPLICATION = "reform_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "units.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an eager rebuild writes.
    # IMMEDIATE: a transaction takes SQLite's write lock when it begins and waits up to the
    # timeout for it, instead of failing with "database is locked" when two requests that
    # both read first then try to write (a double-clicked button) upgrade their locks at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A persistent connection outlives a database restart: check it before each request's
    # first query, or the first request on each worker after a restart fails (make faults).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Checked wherever a password is set through the portal (the user pages, the admin site).
# The demo accounts' password is set without them (units.services.demo_accounts_create), and
# production never creates demo accounts.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A session ends after SESSION_COOKIE_AGE seconds without a request (activity extends it, with
# one write every SESSION_REFRESH_SECONDS at most: reform_portal.session_expiry) and when the
# browser closes: the portal is used on shared office computers.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["reform_portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Grouping is applied where a number is a quantity (the `num` filter), never to years or codes.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
# None where no collectstatic output exists (the test settings serve through the finders).
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Redis serves as Celery broker and cache when configured; otherwise everything runs in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Longer than the longest rebuild, so a task is redelivered only when its worker is gone.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker sweeps for tasks a dead worker left unacknowledged.
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# A broker that is down must not hold a page for long: the queued run in the database is the
# outbox, and the sweep below sends it once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": env.int("CELERY_PUBLISH_MAX_RETRIES", default=2),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = CELERY_BROKER_CONNECTION_TIMEOUT
# A rebuild whose heartbeat is older than this is taken over (its worker died). The heartbeat is
# refreshed every sixth of it while a rebuild runs.
ANALYTICS_STALE_SECONDS = env.int("ANALYTICS_STALE_SECONDS", default=90)
# PostgreSQL: editions a rebuild builds at once, one connection (and one core) each.
ANALYTICS_BUILDERS = env.int("ANALYTICS_BUILDERS", default=2)
# How often beat sweeps for runs to send again: queued for a minute and never taken (the broker
# was down), or running with a stale heartbeat (the worker died). A dead worker's run is taken
# over within stale + sweep seconds (under two minutes on the defaults).
ANALYTICS_SWEEP_SECONDS = env.int("ANALYTICS_SWEEP_SECONDS", default=20)
ANALYTICS_REDISPATCH_SECONDS = env.int("ANALYTICS_REDISPATCH_SECONDS", default=60)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "nightly-analytics-rebuild": {
        "task": "indices.tasks.analysis_rebuild_all_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "analytics-sweep": {
        "task": "indices.tasks.analysis_sweep_task",
        "schedule": float(ANALYTICS_SWEEP_SECONDS),
        # A sweep that waited longer than its interval is superseded by the next one.
        "options": {"expires": float(ANALYTICS_SWEEP_SECONDS)},
    },
}

# The cache only speeds pages up: when Redis is unreachable, errors are logged and pages are
# built uncached (django-redis's IGNORE_EXCEPTIONS), after a short connect timeout.
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=1.0)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True


def redis_cache(location: str) -> dict[str, object]:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "reform_portal",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
        },
    }


CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Failed-login lockout.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Every asset is served from our own origin: the portal runs on closed networks.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # plotly.js sets inline styles on the SVG it draws.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="reform-portal@localhost")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# Uploads: spreadsheets are checked before parsing (size, archive ratio).
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=20)
IMPORT_MAX_UNCOMPRESSED_MB = env.int("IMPORT_MAX_UNCOMPRESSED_MB", default=200)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
# A sheet is measured before it is loaded (a 5 KB file naming cell XFD1048576 would need 549 GB);
# the bench's long file has 200,001 rows. Files are read in a child process with these limits.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=250_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=200)
IMPORT_READ_MEMORY_MB = env.int("IMPORT_READ_MEMORY_MB", default=1024)
IMPORT_READ_SECONDS = env.int("IMPORT_READ_SECONDS", default=60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

EVIDENCE_MAX_MB = env.int("EVIDENCE_MAX_MB", default=10)
CELERY_BEAT_SCHEDULE["daily-progress-reminders"] = {
    "task": "reports.tasks.reminders_task",
    "schedule": crontab(hour=7, minute=30),
}

# The read API (/api/v1/): tokens or the signed-in session, each call limited per token (or
# account) to API_RATE_LIMIT ("<n>/second|minute|hour|day"; empty = no limit) and recorded.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/minute")
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=500)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsPortalReader"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reform Portal API",
    "DESCRIPTION": (
        "API chỉ đọc của Reform Portal: đơn vị hành chính, chỉ số, kỳ công bố, điểm số, kết quả "
        "phân tích, mục tiêu và tiến độ. Mỗi số kèm cơ sở số liệu (published, derived, internal, "
        "illustrative); số thập phân là chuỗi, làm tròn nửa lên theo kỳ công bố.\n\n"
        "Xác thực: gửi tiêu đề `Authorization: Bearer <mã>`. Mã do quản trị viên cấp (trang "
        "quản trị /quan-tri/, mục Mã truy cập API, hoặc lệnh `python manage.py create_api_token "
        "TÊN_ĐĂNG_NHẬP --name TÊN_HỆ_THỐNG`) và thu hồi ở cùng trang; mã đọc đúng những gì tài "
        "khoản của nó được xem. Giới hạn: API_RATE_LIMIT lần gọi mỗi mã (mặc định 120/phút; "
        "quá giới hạn: 429 kèm Retry-After); trang 50 dòng, page_size tối đa 500. Tham số lạ "
        "hoặc mã chỉ số, mã đơn vị không có: 400 kèm lý do."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page are for the portal's readers, as the data is.
    "SERVE_PERMISSIONS": ["api.permissions.IsPortalReader"],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "BasisEnum": "indices.models.Basis",
        "LevelEnum": "indices.models.Level",
        "UnitKindEnum": "units.models.Unit.Kind",
        "SuccessionKindEnum": "units.models.Succession.Kind",
        "ReportStatusEnum": "reports.models.QuarterlyReport.Status",
        "TaskStatusEnum": "reports.models.TaskProgress.Status",
        "TargetStatusEnum": "indices.models.TargetResult.Status",
    },
}

# Generated reports (briefings/): kept BRIEFING_KEEP_DAYS days in "Báo cáo của tôi", then purged
# nightly. Every PDF and every quarterly progress report is built by a Celery task; the index and
# internal league workbooks (a few sheets) are built on request.
BRIEFING_KEEP_DAYS = env.int("BRIEFING_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE["briefings-purge"] = {
    "task": "briefings.tasks.briefings_purge_task",
    "schedule": crontab(hour=3, minute=15),
}

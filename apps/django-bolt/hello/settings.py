"""Production settings for the crossover-bench django-bolt app.

Worker rule (django-bolt): processes = cores (K) (`runbolt --processes`,
SO_REUSEPORT), one Actix worker thread per process (`--workers` default under
the GIL) running an event loop for the async handlers.

Database connections: Django's async ORM (`aget`, `async for`) is asgiref
`sync_to_async(thread_sensitive=True)`. django-bolt replaces asgiref's
one-thread executor for those calls with its own "ORM executor", a
ThreadPoolExecutor of DJANGO_BOLT_ORM_THREADS threads per process (default 4 on
PostgreSQL), see django_bolt/concurrency.py. Each of its threads keeps its own
persistent Django connection, so the connection count per process is
DJANGO_BOLT_ORM_THREADS. The manifest sets DJANGO_BOLT_ORM_THREADS =
{poolSize} (= C / K), so the app holds at most processes x DB_POOL_SIZE = C
connections, and those threads bound in-flight queries per process.
(Bolt's other executor, DJANGO_BOLT_EXECUTOR_THREADS, runs sync handlers;
this app has none. A route with Django middleware would run on per-request
"lanes" instead; this app uses no Django middleware.)

Access log: Bolt's Rust server logs every request when the `django.server`
logger is enabled for INFO, which Django's default logging config sets even
with DEBUG = False; LOGGING below raises it to WARNING, so no access log.
"""

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL is not set: export DATABASE_URL=postgres://user:password@host:port/dbname")
db_url = urlsplit(DATABASE_URL)

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# A fixed key is fine here: the app has no sessions, signing or auth.
SECRET_KEY = "crossover-bench-not-secret"

INSTALLED_APPS = ["django_bolt", "hello"]
# No Django middleware: the API needs no sessions, CSRF or auth, and Bolt runs
# routes without Django middleware on its async path.
MIDDLEWARE = []
ROOT_URLCONF = "hello.urls"
# Django's own template engine for the fortunes page, templates from hello/templates;
# autoescaping is on by default. No context processors: the page needs none.
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
USE_I18N = False
USE_TZ = True

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_url.path.lstrip("/"),
        "USER": unquote(db_url.username or ""),
        "PASSWORD": unquote(db_url.password or ""),
        "HOST": db_url.hostname or "",
        "PORT": db_url.port or "",
        # Persistent connections, one per ORM executor thread (Bolt keeps
        # connections across requests; None says so explicitly).
        "CONN_MAX_AGE": None,
        # Off (Django's default): a health check costs one extra round trip.
        "CONN_HEALTH_CHECKS": False,
    }
}

# No access log (see the top of this file).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {"django.server": {"level": "WARNING"}},
}

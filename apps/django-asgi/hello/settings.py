"""Production settings for the crossover-bench Django-under-ASGI variant.

The Django app (apps/django) served by uvicorn through Django's ASGIHandler,
with async views and the async ORM (`aget`, `async for`, `abulk_update`).

Worker rule (uvicorn): workers = cores (K), one event loop per worker, and a
psycopg 3 connection pool of DB_POOL_SIZE = C / K connections per worker,
where C is the total database connection cap shared by every app.

Database connections: Django's async ORM runs each query through asgiref's
sync_to_async(thread_sensitive=True). Under ASGI, Django gives every request
a ThreadSensitiveContext, so each request's queries run on a thread of its
own, created for the request and ended with it, and Django's connections are
per thread. Persistent connections (CONN_MAX_AGE = None, as the WSGI app has)
would leave one open connection behind per request thread; Django's docs say
to turn them off under ASGI and use the backend's pool instead. So
CONN_MAX_AGE = 0 (Django closes the request's connection when the request
finishes) with Django's psycopg 3 pool (OPTIONS "pool", Django 5.1+): closing
returns the connection to a pool of DB_POOL_SIZE per worker process, which
never opens more (max_size), so the app holds at most WORKERS x DB_POOL_SIZE
= C connections. A request beyond the pool waits in the pool for a
connection (up to its 30 s timeout), as requests wait for asyncpg's pool in
the FastAPI app. min_size = max_size: the pool opens every connection when
the first request needs one and keeps them.
"""

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL is not set: export DATABASE_URL=postgres://user:password@host:port/dbname")
db_url = urlsplit(DATABASE_URL)
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# A fixed key is fine here: the app has no sessions, signing or auth.
SECRET_KEY = "crossover-bench-not-secret"

INSTALLED_APPS = ["hello"]
# No middleware: the API needs no sessions, CSRF or auth, and each middleware
# adds per-request work (and, if sync, a thread hop per request under ASGI).
MIDDLEWARE = []
ROOT_URLCONF = "hello.urls"
ASGI_APPLICATION = "hello.asgi.application"
USE_I18N = False
USE_TZ = True

# Django templates (autoescaping on) for /fortunes, from hello/templates/.
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_url.path.lstrip("/"),
        "USER": unquote(db_url.username or ""),
        "PASSWORD": unquote(db_url.password or ""),
        "HOST": db_url.hostname or "",
        "PORT": db_url.port or "",
        # Django's pool requires it (a pooled connection is returned, not kept by the thread).
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        # libpq names the connections from PGAPPNAME, which the harness sets.
        "OPTIONS": {"pool": {"min_size": POOL_SIZE, "max_size": POOL_SIZE}},
    }
}

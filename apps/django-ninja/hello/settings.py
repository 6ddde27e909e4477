"""Production settings for the crossover-bench Django Ninja app.

A Ninja API (hello/api.py) on the Django ORM, with the Django app's settings
(apps/django) otherwise: the same server, worker rule and connections, so it
differs from Django, DRF and django-bolt by the API layer alone.

Worker rule (gunicorn-gthread): workers = cores (K), threads = C / K, where C
is the total database connection cap shared by every app. Each gthread thread
keeps one persistent connection (CONN_MAX_AGE = None), so the app holds at most
WORKERS x THREADS = C connections and THREADS bounds in-flight requests per worker.

Server flags (manifest.json): `--worker-class gthread` because the default
`sync` worker answers every request with `Connection: close`, which makes
autocannon under-count by about 40%; gthread keeps connections alive (gunicorn's
default --keep-alive of 2 s). No --access-logfile, so gunicorn writes no access
log. `--no-control-socket` stops gunicorn 27 from creating ~/.gunicorn/gunicorn.ctl,
a path that two servers on one host would fight over.
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

INSTALLED_APPS = ["hello"]
# No middleware: the API needs no sessions, CSRF or auth, and each middleware
# adds per-request work.
MIDDLEWARE = []
ROOT_URLCONF = "hello.urls"
WSGI_APPLICATION = "hello.wsgi.application"
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
        # Persistent connections: each gthread thread keeps its own connection
        # for the life of the process. CONN_MAX_AGE = 0 (Django's default)
        # opens a connection per request and is about 9x slower on /db.
        "CONN_MAX_AGE": None,
        # Off (Django's default): a health check costs one extra round trip
        # on the first query of every request.
        "CONN_HEALTH_CHECKS": False,
    }
}

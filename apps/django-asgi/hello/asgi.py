import atexit
import os

from django.core.asgi import get_asgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hello.settings")

application = get_asgi_application()


def close_pools():
    # Stops the pool's threads when the worker exits, so it stops at once.
    for connection in connections.all(initialized_only=True):
        connection.close_pool()


atexit.register(close_pools)

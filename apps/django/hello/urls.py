from django.urls import path

from . import views

urlpatterns = [
    path("json", views.json),
    path("db", views.db),
    path("queries", views.queries),
    path("updates", views.updates),
    path("slow-db", views.slow_db),
    path("fortunes", views.fortunes),
    path("plaintext", views.plaintext),
]

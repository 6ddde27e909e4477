from django.urls import path

from . import views

urlpatterns = [
    path("json", views.json),
    path("db", views.db),
    path("queries", views.queries),
    path("slow-db", views.slow_db),
    path("updates", views.updates),
    path("db-cpu", views.db_cpu),
    path("big-result", views.big_result),
    path("hot-rows", views.hot_rows),
    path("fortunes", views.fortunes),
    path("plaintext", views.plaintext),
]

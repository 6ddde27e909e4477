from django.urls import path

from . import views

urlpatterns = [
    path("json", views.JsonView.as_view()),
    path("db", views.DbView.as_view()),
    path("queries", views.QueriesView.as_view()),
    path("updates", views.UpdatesView.as_view()),
    path("slow-db", views.SlowDbView.as_view()),
    path("db-cpu", views.DbCpuView.as_view()),
    path("big-result", views.BigResultView.as_view()),
    path("hot-rows", views.HotRowsView.as_view()),
    path("fortunes", views.FortunesView.as_view()),
    path("plaintext", views.PlaintextView.as_view()),
]

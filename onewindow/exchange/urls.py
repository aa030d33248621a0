"""The exchange pages, included under /staff/exchange/ by onewindow/workbench/urls.py (the
workbench's namespace, like the outbox)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.record_list, name="exchange"),
    path("<int:record_id>/", views.record_detail, name="exchange_record"),
    path("<int:record_id>/retry/", views.record_retry, name="exchange_retry"),
]

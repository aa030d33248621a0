"""The outbox pages, included under /staff/outbox/ by onewindow/workbench/urls.py.

No ``app_name``: the names join the workbench's namespace (``workbench:outbox``), like the
workbench's other pages.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:message_id>/retry/", views.outbox_retry, name="outbox_retry"),
]

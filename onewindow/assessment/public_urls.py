"""The public summary of the assessment, on the portal."""

from django.urls import path

from . import monitoring_views, public_views

app_name = "assessment_public"
urlpatterns = [
    path("assessment/", public_views.summary, name="summary"),
    path("monitoring/", monitoring_views.observe, name="observe"),
]

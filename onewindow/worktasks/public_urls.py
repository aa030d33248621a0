"""The public notice of rectification campaigns (公示), on the portal."""

from django.urls import path

from . import campaign_views

app_name = "worktasks_public"
urlpatterns = [
    path("notices/campaigns/", campaign_views.public_notices, name="notices"),
    path("notices/campaigns/<int:pk>/", campaign_views.public_notice, name="notice"),
]

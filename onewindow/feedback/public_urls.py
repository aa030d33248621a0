"""Public pages of the citizen's voice: the rating link, the rating results, the published answers,
and the Open311 GeoReport v2 endpoint."""

from django.urls import path

from . import open311, public_views

app_name = "feedback_public"
urlpatterns = [
    path("rate/<str:token>/", public_views.rate_by_link, name="rate"),
    path("rate-case/", public_views.rate_case, name="rate_case"),
    path("ratings/results/", public_views.results, name="results"),
    path("feedback/answers/", public_views.answers, name="answers"),
    path("open311/v2/services.json", open311.services, name="open311_services"),
    path("open311/v2/services/<str:code>.json", open311.service, name="open311_service"),
    path("open311/v2/requests.json", open311.requests, name="open311_requests"),
    path("open311/v2/requests/<str:request_id>.json", open311.request_detail, name="open311_request"),
]

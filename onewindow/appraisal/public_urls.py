"""The public pages: answering a campaign, the exposure board, the service commitments."""

from django.urls import path

from . import public_views

app_name = "appraisal_public"
urlpatterns = [
    path("appraisal/", public_views.answer, name="answer"),
    path("appraisal/open/<str:token>/", public_views.open_answer, name="open"),
    path("exposure/", public_views.exposures, name="exposures"),
    path("commitments/", public_views.commitments, name="commitments"),
]

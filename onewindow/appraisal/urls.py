from django.urls import path

from . import views

app_name = "appraisal"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/<slug:action>/", views.campaign_action, name="campaign_action"),
    path("awards/", views.awards, name="awards"),
    path("exposures/", views.exposures, name="exposures"),
    path("commitments/", views.commitments, name="commitments"),
    path("training/", views.training, name="training"),
    path("diary/", views.diary, name="diary"),
]

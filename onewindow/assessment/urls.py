from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.assessment_action, name="action"),
]

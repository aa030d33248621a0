"""Staff pages of major projects, under /staff/projects/ (namespace ``workbench:projects``)."""

from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("quarter/", views.quarter_page, name="quarter"),
    path("quarter/export.xlsx", views.quarter_export, name="quarter_export"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.project_act, name="act"),
]

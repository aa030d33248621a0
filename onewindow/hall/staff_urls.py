"""The hall's staff pages under /staff/hall/: the window's page, the dashboard, the simulation."""

from django.urls import path

from . import views

app_name = "hall_staff"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("simulate/", views.simulate_page, name="simulate"),
    path("window/", views.window_page, name="window"),
    path("window/<str:action>/", views.window_act, name="window_act"),
]

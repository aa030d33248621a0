"""The hall's staff pages under /staff/hall/: the window's page, the dashboard, the simulation,
and the center administrator's opening hours, leaders' rota and reception days, the window staff
roster and its rotation."""

from django.urls import path

from . import center_views, roster_views, views

app_name = "hall_staff"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("simulate/", views.simulate_page, name="simulate"),
    path("window/", views.window_page, name="window"),
    path("window/<str:action>/", views.window_act, name="window_act"),
    path("hours/", center_views.hours_page, name="hours"),
    path("duty/", center_views.duty_page, name="duty"),
    path("duty/<str:action>/", center_views.duty_act, name="duty_act"),
    path("in-place/", center_views.in_place_page, name="in_place"),
    path("meetings/", center_views.meetings_page, name="meetings"),
    path("roster/", roster_views.roster_page, name="roster"),
    path("roster/cell/", roster_views.roster_cell, name="roster_cell"),
    path("roster/rotate/", roster_views.roster_rotate, name="roster_rotate"),
]

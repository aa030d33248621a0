"""Staff pages of the calendar, under /staff/calendar/ (included from onewindow/urls.py)."""

from django.urls import path

from . import views

app_name = "workdays"
urlpatterns = [
    path("", views.calculator, name="calculator"),
    path("publish/", views.publish, name="publish"),
    path("<int:year>/", views.year, name="year"),
    path("override/", views.override_add, name="override_add"),
    path("override/remove/", views.override_remove, name="override_remove"),
]

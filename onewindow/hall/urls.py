"""The hall's public device pages: /hall/<region code>/kiosk/ and /hall/<region code>/screen/."""

from django.urls import path

from . import views

app_name = "hall"
urlpatterns = [
    path("<str:region_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<str:region_code>/screen/", views.screen, name="screen"),
    path("<str:region_code>/screen/board/", views.screen_board, name="screen_board"),
]

"""The hall's public pages: the center's page (hours, leader on duty, reception days), the kiosk,
the calling screen, the staff identity board and each window's printable card."""

from django.urls import path

from . import center_views, views

app_name = "hall"
urlpatterns = [
    path("<str:region_code>/", center_views.center_page, name="center"),
    path("<str:region_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<str:region_code>/screen/", views.screen, name="screen"),
    path("<str:region_code>/screen/board/", views.screen_board, name="screen_board"),
    path("<str:region_code>/staff-board/", center_views.staff_board, name="staff_board"),
    path("<str:region_code>/staff-board/<str:window_number>/", center_views.window_card, name="window_card"),
    path("<str:region_code>/staff-board/photo/<str:employee_number>/", center_views.staff_photo, name="staff_photo"),
]

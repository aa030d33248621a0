"""The supervision pages, included under /staff/supervision/ by onewindow/workbench/urls.py.

No ``app_name`` at this level: the dashboard joins the workbench's namespace as
``workbench:supervision`` (the staff home links it); every other page is in the nested
``supervision`` namespace: ``workbench:supervision:orders`` …
"""

from django.urls import include, path

from . import views

pages = [
    path("export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning"),
    path("warnings/<int:warning_id>/acknowledge/", views.warning_acknowledge, name="warning_acknowledge"),
    path("warnings/<int:warning_id>/close-out/", views.warning_close_out, name="warning_close_out"),
    path("orders/", views.order_list, name="orders"),
    path("orders/issue/", views.order_issue, name="order_issue"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/<str:action>/", views.order_act, name="order_act"),
    path("efficiency-warnings/", views.efficiency_list, name="efficiency"),
    path("efficiency-warnings/issue/", views.efficiency_issue, name="efficiency_issue"),
    path("indicators/", views.indicator_page, name="indicators"),
    path("record/", views.my_record, name="record"),
    path("settings/", views.settings_page, name="settings"),
]

urlpatterns = [
    path("", views.dashboard, name="supervision"),
    path("", include((pages, "supervision"))),
]

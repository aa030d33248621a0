from django.urls import path

from . import accountability_views, monitoring_views, views

app_name = "assessment"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("reports/", views.report_list, name="reports"),
    path("reports/annual/", views.report_annual, name="report_annual"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("accountability/", accountability_views.accountability_list, name="accountabilities"),
    path("accountability/mine/", accountability_views.accountability_mine, name="accountability_mine"),
    path("accountability/new/", accountability_views.accountability_propose, name="accountability_propose"),
    path("accountability/<int:pk>/", accountability_views.accountability_detail, name="accountability"),
    path("accountability/<int:pk>/<slug:action>/", accountability_views.accountability_action,
         name="accountability_action"),
    path("monitors/", monitoring_views.monitor_list, name="monitors"),
    path("monitors/new/", monitoring_views.monitor_register, name="monitor_register"),
    path("monitors/report/", monitoring_views.monitor_report, name="monitor_report"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.assessment_action, name="action"),
]

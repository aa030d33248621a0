"""Staff pages of work tasks, problems and inspections, under /staff/worktasks/
(namespace ``workbench:worktasks``)."""

from django.urls import path

from . import campaign_views, views

app_name = "worktasks"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_page, name="plan"),
    path("plans/<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/import/", views.plan_import, name="plan_import"),
    path("tasks/<int:pk>/", views.task_page, name="task"),
    path("tasks/<int:pk>/act/<str:action>/", views.task_act, name="task_act"),
    path("problems/", views.problems, name="problems"),
    path("problems/<int:pk>/", views.problem_page, name="problem"),
    path("problems/<int:pk>/act/<str:action>/", views.problem_act, name="problem_act"),
    path("inspections/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("plans/new/", campaign_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/tasks/new/", campaign_views.task_new, name="task_new"),
    path("problems/new/", campaign_views.problem_new, name="problem_new"),
    path("inspections/new/", campaign_views.inspection_new, name="inspection_new"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_views.campaign_page, name="campaign"),
    path("campaigns/<int:pk>/act/<str:action>/", campaign_views.campaign_act, name="campaign_act"),
    path("campaign-reports/<int:pk>/file/", campaign_views.report_file, name="report_file"),
    path("photos/<int:pk>/", campaign_views.photo, name="photo"),
]

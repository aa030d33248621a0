"""Staff pages of work tasks, problems and inspections, under /staff/worktasks/
(namespace ``workbench:worktasks``)."""

from django.urls import path

from . import views

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
]

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import agent_views, bundle_views, case_views, id_view_log, views

app_name = "workbench"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView answers POST only: a link or an image cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organization/", views.organization, name="organization"),
    path("outbox/", include("onewindow.notifications.urls")),
    path("exchange/", include("onewindow.exchange.urls")),
    path("supervision/", include("onewindow.supervision.urls")),
    path("feedback/", include("onewindow.feedback.urls")),
    path("worktasks/", include("onewindow.worktasks.urls")),
    path("projects/", include("onewindow.projects.urls")),
    # Cases: intake, the case page and its actions, the inbox, the ledger and the register.
    path("intake/", case_views.intake, name="intake"),
    path("intake/items/", case_views.intake_items, name="intake_items"),
    path("intake/checklist/", case_views.intake_checklist, name="intake_checklist"),
    path("inbox/", case_views.inbox, name="inbox"),
    path("agent/", agent_views.agent_day, name="agent_day"),
    path("cases/<str:number>/", case_views.case_page, name="case"),
    path("cases/<str:number>/act/<str:action>/", case_views.case_act, name="case_act"),
    path("cases/<str:number>/full-id/", case_views.case_full_id, name="case_full_id"),
    path("cases/<str:number>/scans/", case_views.case_scan_add, name="case_scan_add"),
    path("cases/<str:number>/scans/<int:scan_id>/", case_views.case_scan, name="case_scan"),
    # 一件事: the intake of a bundle, the applications, one application and its actions.
    path("bundle-intake/", bundle_views.bundle_intake, name="bundle_intake"),
    path("bundles/", bundle_views.bundles, name="bundles"),
    path("bundles/<str:number>/", bundle_views.bundle_page, name="bundle"),
    path("bundles/<str:number>/review/", bundle_views.bundle_review_view, name="bundle_review"),
    path("bundles/<str:number>/supplement/", bundle_views.bundle_supplement_view, name="bundle_supplement"),
    path("bundles/<str:number>/deliver/", bundle_views.bundle_deliver_view, name="bundle_deliver"),
    path("bundles/<str:number>/notices/<int:no>/", bundle_views.bundle_notice, name="bundle_notice"),
    path("ledger/", case_views.ledger, name="ledger"),
    path("register/", case_views.register, name="register"),
    path("retimed/", case_views.retimed, name="retimed"),
    path("id-views/", id_view_log.id_views, name="id_views"),
    path("", views.home, name="home"),
]

from django.urls import path

from . import bundle_views, views

app_name = "online"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("import-consent/", views.import_consent, name="import_consent"),
    # The service guide's "apply online" link: {% url 'online:apply' item.implementation_code %}
    path("apply/<str:code>/", views.apply, name="apply"),
    path("apply/<str:code>/materials/<int:index>/", views.apply_material, name="apply_material"),
    path("uploads/<int:pk>/", views.upload, name="upload"),
    path("uploads/<int:pk>/remove/", views.upload_remove, name="upload_remove"),
    # 一件事: the one form of a bundle, then the application's progress, supplement and notices.
    path("bundles/<str:code>/apply/", bundle_views.bundle_apply, name="bundle_apply"),
    path("bundle-applications/<str:number>/", bundle_views.bundle, name="bundle"),
    path("bundle-applications/<str:number>/supplement/", bundle_views.bundle_supplement, name="bundle_supplement"),
    path("bundle-applications/<str:number>/notices/<int:no>/", bundle_views.bundle_notice, name="bundle_notice"),
    path("cases/", views.cases, name="cases"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/supplement/", views.supplement, name="supplement"),
    path("cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<str:number>/documents/<str:document_number>/", views.document, name="document"),
    path("progress/", views.progress, name="progress"),
    path("results/", views.results, name="results"),
    path("statistics/", views.statistics, name="statistics"),
]

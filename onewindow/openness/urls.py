from django.urls import path

from . import fund_views, power_views, publication_views, topic_views, views

app_name = "openness"
urlpatterns = [
    # Public: 政务公开
    path("openness/", views.public_index, name="public_index"),
    path("openness/requests/new/", views.public_file, name="public_file"),
    path("openness/requests/filed/", views.public_filed, name="public_filed"),
    path("openness/requests/status/", views.public_status, name="public_status"),
    path("openness/requests/reply.pdf", views.public_reply_pdf, name="public_reply_pdf"),
    path("openness/requests/fee.pdf", views.public_fee_pdf, name="public_fee_pdf"),
    path("openness/powers/", power_views.public_powers, name="public_powers"),
    path("openness/powers/<str:code>/", power_views.public_power, name="public_power"),
    path("openness/funds/", fund_views.public_funds, name="public_funds"),
    path("openness/funds/village/<str:code>/", fund_views.village_page, name="village"),
    path("openness/funds/entries/<int:entry_id>/dispute/", fund_views.public_dispute, name="public_dispute"),
    path("openness/publications/", publication_views.public_publications, name="public_publications"),
    path("openness/catalogue/", publication_views.public_catalogue, name="public_catalogue"),
    path("openness/publications/<str:number>/", publication_views.public_publication, name="public_publication"),
    path("openness/topics/", topic_views.public_topics, name="public_topics"),
    path("openness/topics/<int:pk>/second/", topic_views.public_second, name="public_second"),
    # Staff
    path("staff/openness/topics/", topic_views.staff_topics, name="staff_topics"),
    path("staff/openness/publications/", publication_views.staff_schedule, name="staff_schedule"),
    path("staff/openness/quality/", publication_views.staff_quality, name="staff_quality"),
    path("staff/openness/publications/<int:pk>/", publication_views.staff_publication, name="staff_publication"),
    path("staff/openness/publications/<int:pk>/act/<str:action>/", publication_views.staff_publication_act,
         name="staff_publication_act"),
    path("staff/openness/funds/", fund_views.staff_funds, name="staff_funds"),
    path("staff/openness/powers/", power_views.staff_powers, name="staff_powers"),
    path("staff/openness/powers/export/<int:version_id>/", power_views.staff_powers_export, name="staff_powers_export"),
    path("staff/openness/powers/<str:code>/calculator/", power_views.staff_calculator, name="staff_calculator"),
    path("staff/openness/requests/", views.staff_list, name="staff_list"),
    path("staff/openness/requests/new/", views.staff_new, name="staff_new"),
    path("staff/openness/requests/<str:number>/", views.staff_request, name="staff_request"),
    path("staff/openness/requests/<str:number>/act/<str:action>/", views.staff_act, name="staff_act"),
    path("staff/openness/requests/<str:number>/reply.pdf", views.staff_reply_pdf, name="staff_reply_pdf"),
    path("staff/openness/requests/<str:number>/fee.pdf", views.staff_fee_pdf, name="staff_fee_pdf"),
    path("staff/openness/report/", views.staff_report, name="staff_report"),
]

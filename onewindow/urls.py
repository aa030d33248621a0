from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from onewindow.api.api import api
from onewindow.core.views import healthz

admin.site.site_header = "一窗通办 · 政务服务中心管理"
admin.site.site_title = "一窗通办"
admin.site.index_title = "主数据维护"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("staff/calendar/", include("onewindow.workdays.urls")),
    path("staff/hall/", include("onewindow.hall.staff_urls")),
    path("hall/", include("onewindow.hall.urls")),
    path("", include("onewindow.documents.urls")),
    path("", include("onewindow.fees.urls")),
    path("staff/assessment/", include("onewindow.assessment.urls")),
    path("staff/appraisal/", include("onewindow.appraisal.urls")),
    path("staff/", include("onewindow.workbench.urls")),
    path("online/", include("onewindow.online.urls")),
    path("", include("onewindow.feedback.public_urls")),
    path("", include("onewindow.openness.urls")),
    path("", include("onewindow.worktasks.public_urls")),
    path("", include("onewindow.assessment.public_urls")),
    path("", include("onewindow.appraisal.public_urls")),
    path("", include("onewindow.portal.urls")),
]

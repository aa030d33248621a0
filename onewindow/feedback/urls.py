"""Staff pages of the citizen's voice, under /staff/feedback/ (namespace ``workbench:feedback``)."""

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_page, name="order"),
    path("orders/<int:pk>/act/<str:action>/", views.order_act, name="order_act"),
    path("orders/<int:pk>/phone/", views.order_phone, name="order_phone"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_page, name="rectification"),
    path("rectifications/<int:pk>/act/<str:action>/", views.rectification_act, name="rectification_act"),
    path("import/", views.import_page, name="import"),
    path("pad/", views.pad, name="pad"),
    path("hot/", views.hot, name="hot"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_page, name="notice"),
    path("notices/<int:pk>/act/<str:action>/", views.notice_act, name="notice_act"),
]

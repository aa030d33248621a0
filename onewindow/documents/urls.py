from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("staff/documents/<str:number>/pdf", views.staff_pdf, name="staff_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:number>", views.verify, name="verify_number"),
]

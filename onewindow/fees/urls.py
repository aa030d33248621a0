"""The fee pages: staff pages under /staff/fees/, the applicant's payment page and the local
provider's checkout under /pay/."""

from django.urls import path

from . import views

app_name = "fees"

urlpatterns = [
    path("staff/fees/", views.home, name="home"),
    path("staff/fees/cashier/", views.cashier, name="cashier"),
    path("staff/fees/cases/<str:number>/", views.case_bills, name="case"),
    path("staff/fees/bills/<int:bill_id>/", views.bill, name="bill"),
    path("staff/fees/bills/<int:bill_id>/notice.pdf", views.bill_pdf, name="bill_pdf"),
    path("staff/fees/bills/<int:bill_id>/<str:action>/", views.bill_act, name="bill_act"),
    path("staff/fees/reconciliations/", views.reconciliations, name="reconciliations"),
    path("staff/fees/reconciliations/<str:day>/", views.reconciliation_day, name="reconciliation"),
    path("staff/fees/ledger.xlsx", views.ledger_export, name="ledger"),
    path("pay/<str:code>/", views.pay, name="pay"),
    path("pay/<str:code>/notice.pdf", views.pay_pdf, name="pay_pdf"),
    path("pay/local/<str:code>/", views.local_pay, name="local_pay"),
]

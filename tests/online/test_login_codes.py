"""Issue 13, defect 4 (first half) and defect 5 ("send code"): a login code never rests where
staff can read it, and asking for one tells nobody whether a phone is registered.

A center administrator read live codes on the outbox page (``/staff/outbox/?q=<phone>``) and
could log in as any applicant. Now the outbox row keeps the text with the code replaced by
asterisks; the code exists in the database only as the keyed hash of ``OneTimeCode``, and in the
memory of the request that made it, for the one attempt to send it right after the commit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict

from onewindow.core.crypto import blind_index
from onewindow.core.errors import DomainError
from onewindow.core.timesource import now
from onewindow.notifications import services as notifications
from onewindow.notifications.models import OutboxMessage, Status
from onewindow.online import services
from onewindow.online.models import OneTimeCode
from onewindow.organization.models import Posting, Staff
from onewindow.organization.rules import Role
from tests.notifications.sending import HERE, FailingSender, PhoneSender

from .helpers import ME, SOMEONE_ELSE, code_texted_to, run_commit_hooks

pytestmark = pytest.mark.django_db

LATER = timedelta(seconds=61)  # past the one-code-a-minute rule after the registration's code


@pytest.fixture
def center_admin(hall, django_user_model):
    user = django_user_model.objects.create_user(username="center_admin", password="Admin-Pass-2026")
    staff = Staff.objects.create(user=user, name="中心管理员", employee_number="E-admin", region=hall.county)
    Posting.objects.create(staff=staff, role=Role.CENTER_ADMIN, region=hall.county)
    return user


def _everything_stored_about(phone: str) -> str:
    rows = OutboxMessage.objects.filter(recipient_bidx=blind_index("phone", phone))
    assert rows.exists()
    return " ".join(str(model_to_dict(row)) for row in rows)


def test_production_outbox_never_holds_or_shows_a_login_code(client, me, center_admin, settings):
    assert not settings.ONEWINDOW.get("DEMO_SHOW_CODES")  # the production default
    OneTimeCode.objects.all().delete()  # the registration's code: no one-a-minute rule in the way
    # the applicant asks for a code on the login page
    response = client.post("/online/login/", {"phone": ME, "action": "send_code"})
    assert response.status_code == 200
    code = code_texted_to(ME)  # the phone received it …
    assert any(code in body for to, body in PhoneSender.inbox if to == ME)
    # … the outbox row did not: not in any column, and the message counts as sent
    stored = _everything_stored_about(ME)
    assert code not in stored
    assert "******" in stored
    latest = OutboxMessage.objects.filter(recipient_bidx=blind_index("phone", ME), kind="auth.otp").latest("id")
    assert latest.status == Status.SENT
    assert latest.secret_withheld
    # the center administrator searching the outbox for the phone sees no code either
    client.force_login(center_admin)
    page = client.get("/staff/outbox/", {"q": ME}).content.decode()
    assert ME in page
    assert code not in page
    assert "******" in page
    # and the code still logs the applicant in
    client.logout()
    assert client.post("/online/login/", {"phone": ME, "code": code, "action": "login"}).status_code == 302


def test_a_code_that_failed_to_go_out_is_never_retried_with_a_code(me, center_admin, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "SENDERS": {"sms": f"{HERE}.FailingSender"}}
    services.otp_request(phone=ME, purpose="login", at=now() + LATER)
    run_commit_hooks()
    message = OutboxMessage.objects.filter(recipient_bidx=blind_index("phone", ME), kind="auth.otp").latest("id")
    assert FailingSender.calls == 1
    assert message.status == Status.FAILED
    assert message.next_attempt_at is None
    with pytest.raises(DomainError) as refused:
        notifications.message_retry(message_id=message.pk, actor=center_admin.staff)
    assert refused.value.code == "notification.secret_not_resendable"


def test_a_worker_that_finds_a_withheld_code_records_it_failed_and_sends_nothing(me):
    services.otp_request(phone=ME, purpose="login", at=now() + LATER)
    # The process died before its attempt after the commit: the code is gone with it.
    from django.db import connection

    connection.run_on_commit = []
    PhoneSender.inbox = []
    assert notifications.deliver_due(now=now() + LATER + notifications.SECRET_GRACE) == 0
    message = OutboxMessage.objects.filter(recipient_bidx=blind_index("phone", ME), kind="auth.otp").latest("id")
    assert message.status == Status.FAILED
    assert "重新获取验证码" in message.last_error
    assert PhoneSender.inbox == []  # never a text with asterisks for a code


def test_the_demo_keeps_codes_readable_in_the_outbox(client, me, center_admin, settings):
    settings.ONEWINDOW = {**settings.ONEWINDOW, "DEMO_SHOW_CODES": True}
    services.otp_request(phone=ME, purpose="login", at=now() + LATER)
    code = code_texted_to(ME)
    client.force_login(center_admin)
    assert code in client.get("/staff/outbox/", {"q": ME}).content.decode()


def test_existing_codes_are_redacted_by_the_migration(hall):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("onewindow.notifications.migrations.0002_outbox_secret_withheld")
    old = OutboxMessage.objects.create(region=hall.county, channel="sms", recipient=SOMEONE_ELSE,
                                       body="【中心】您的验证码是482913，5分钟内有效。", kind="auth.otp", created_at=now())
    migration.redact_stored_codes(apps, None)
    old.refresh_from_db()
    assert "482913" not in old.body
    assert old.secret_withheld


# --- "send code" answers alike for registered and unknown phones (defect 5) ----------------------


def _send_code(client, page: str, phone: str):
    response = client.post(f"/online/{page}/", {"phone": phone, "action": "send_code"})
    info = response.context["info"].replace(phone[:3] + "****" + phone[-4:], "<phone>")
    return response.status_code, dict(response.context["errors"]), info


def test_send_code_does_not_tell_whether_a_phone_is_registered(client, me):
    OneTimeCode.objects.all().delete()  # the registration's code: no one-a-minute rule in the way
    assert _send_code(client, "login", ME) == _send_code(client, "login", SOMEONE_ELSE)
    unknown = "13700000001"
    OneTimeCode.objects.all().delete()
    assert _send_code(client, "register", ME) == _send_code(client, "register", unknown)
    # and a wrong code is answered alike too (a decoy code was made for the registered phone)
    wrong = {"kind": "person", "real_name": "张三", "id_type": "resident_id", "id_number": "11010519491231002X",
             "code": "000000", "action": "register"}
    known = client.post("/online/register/", {**wrong, "phone": ME})
    other = client.post("/online/register/", {**wrong, "phone": unknown})
    assert (known.status_code, known.context["errors"]) == (other.status_code, other.context["errors"])

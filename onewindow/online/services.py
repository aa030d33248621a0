"""Writes of 网上办事: one-time codes, registration, login, drafts, online submission and supplement.

Applicants act on their own behalf: the case services take ``actor=None`` and the applicant's
own login (``applicant_account`` / ``applicant``), and record the event under the applicant's
name, so a case keeps one history whether it came in online or at a window.

A one-time code is six digits sent by SMS through the pluggable sender
(:mod:`onewindow.notifications`). The database keeps only a keyed hash of it — the outbox row
too has the code replaced by asterisks — and it dies after five minutes, after five wrong tries,
or once used. One code per phone per minute, ten per day.

"Send code" answers the same whether the phone is registered or not, for registering and for
logging in alike, so nobody learns from it who has an account: a request that cannot lead
anywhere (logging in with an unknown phone, registering a known one) makes a code row like any
other, counted by the same limits, whose code is never sent.
"""

from __future__ import annotations

import logging
import math
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from onewindow.cases import bundle_selectors
from onewindow.cases.bundle_rules import material_key
from onewindow.cases.bundle_selectors import bundle_guide
from onewindow.cases.bundle_services import bundle_apply, bundle_supplement
from onewindow.cases.models import BundleApplication, Case
from onewindow.cases.rules import MaterialCheck, MaterialState
from onewindow.cases.services import case_submit, case_supplement
from onewindow.cases.timing import calendar_of
from onewindow.catalog.rules import DeliveryMethod
from onewindow.core.crypto import blind_index
from onewindow.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from onewindow.core.public import public_url
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.core.uploads import CheckedFile
from onewindow.notifications.rules import is_mainland_mobile, normalize_phone
from onewindow.notifications.services import notify
from onewindow.organization.models import Region
from onewindow.workdays.provisional import cn_due

from . import selectors
from .lengths import REGISTRATION_MAX_LENGTHS
from .models import ApplicantProfile, Draft, OneTimeCode, OnlineUpload, OtpThrottle
from .rules import OTP_DIGITS, Registration, case_applicant, check_registration
from .uploads import media_path, written

log = logging.getLogger("onewindow.online")

OTP_TTL = timedelta(minutes=5)
OTP_MAX_ATTEMPTS = 5
OTP_MIN_INTERVAL = timedelta(seconds=60)
OTP_DAILY_LIMIT = 10
# django-axes' backend needs the request and a password; an applicant proves the phone with a
# code instead, so the session is opened with the plain model backend, named explicitly.
LOGIN_BACKEND = "onewindow.accounts.backends.UserBackend"
APPLICANT_USERNAME_PREFIX = "applicant-"
_MAX_TEXT = 500


class OtpRateLimited(DomainError):
    """Too many codes for one phone: answered with 429 and ``Retry-After``."""

    status = 429

    def __init__(self, code: str, message: str, *, retry_after: int) -> None:
        super().__init__(code, message, field="phone")
        self.retry_after = retry_after


# --- one-time codes -------------------------------------------------------------------------------


def center_region() -> Region:
    """The region whose outbox carries the codes: ``ONEWINDOW["CENTER_REGION"]`` if set, else the
    first region with a service center."""
    code = settings.ONEWINDOW.get("CENTER_REGION")
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        region = Region.objects.filter(has_center=True).order_by("code").first()
    if region is None:
        raise DomainError("otp.no_center", "尚未设置政务服务中心，暂时无法发送验证码", field="phone")
    return region


def clean_phone(phone: str) -> str:
    value = normalize_phone(phone or "")
    if not is_mainland_mobile(value):
        raise DomainError("applicant.phone_invalid", "请填写11位中国大陆手机号码", field="phone")
    return value


def _code_hash(phone: str, purpose: str, code: str) -> str:
    # Keyed with SECRET_KEY: six digits are a million values, which a plain hash would give away.
    return salted_hmac("onewindow.online.otp", f"{phone}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _registered(phone: str) -> bool:
    return ApplicantProfile.objects.filter(phone_bidx=blind_index("phone", phone)).exists()


def otp_request(*, phone: str, purpose: str, at: datetime | None = None) -> OneTimeCode:
    """Send a new one-time code to ``phone`` for ``purpose`` (register or login).

    Refused beyond one code a minute or ten a day per phone (429). The code goes out through
    ``notify`` with kind ``auth.otp`` and is withheld from the outbox (``secret``). For a number
    already registered (register) or not registered (login) the answer is the same, but no code
    is sent: a registered owner gets a note that the number is registered instead.
    """
    phone = clean_phone(phone)
    if purpose not in OneTimeCode.Purpose.values:
        raise DomainError("otp.purpose_invalid", "验证码用途无效", field="purpose")
    at = at or current_time()
    taken = _registered(phone) or get_user_model().objects.filter(username=phone).exists()
    # A code that can lead nowhere is made and counted like any other, and never sent.
    futile = taken if purpose == OneTimeCode.Purpose.REGISTER else not _registered(phone)
    region = center_region()
    key = blind_index("phone", phone)  # phones are encrypted: rows are found by their blind index
    with transaction.atomic():
        throttle, _ = OtpThrottle.objects.get_or_create(phone_bidx=key, defaults={"phone": phone})
        throttle = OtpThrottle.objects.select_for_update().get(pk=throttle.pk)
        latest = OneTimeCode.objects.filter(phone_bidx=key).order_by("-created_at", "-id").first()
        if latest is not None and at - latest.created_at < OTP_MIN_INTERVAL:
            wait = max(1, math.ceil((OTP_MIN_INTERVAL - (at - latest.created_at)).total_seconds()))
            raise OtpRateLimited("otp.too_soon", f"验证码已发送，请{wait}秒后再重新获取", retry_after=wait)
        day = local_date(at)
        today = OneTimeCode.objects.filter(phone_bidx=key, created_at__gte=datetime.combine(day, time.min, SHANGHAI))
        if today.count() >= OTP_DAILY_LIMIT:
            midnight = datetime.combine(day + timedelta(days=1), time.min, SHANGHAI)
            raise OtpRateLimited("otp.daily_limit", f"该手机号今日获取验证码已达{OTP_DAILY_LIMIT}次，请明日再试",
                                 retry_after=max(1, math.ceil((midnight - at).total_seconds())))
        code = f"{secrets.randbelow(10 ** OTP_DIGITS):0{OTP_DIGITS}d}"
        row = OneTimeCode.objects.create(phone=phone, purpose=purpose, code_hash=_code_hash(phone, purpose, code),
                                         created_at=at, expires_at=at + OTP_TTL)
        throttle.last_requested_at = at
        throttle.save(update_fields=["last_requested_at"])
        center = settings.ONEWINDOW.get("CENTER_NAME", "政务服务中心")
        if not futile:
            notify(region=region, channel="sms", recipient=phone, subject="验证码", kind="auth.otp",
                   body=f"【{center}】您的验证码是{code}，{int(OTP_TTL.total_seconds() // 60)}分钟内有效。"
                        "如非本人操作，请忽略本短信，切勿将验证码告诉他人。",
                   dedupe_key=f"auth.otp:{row.pk}", at=at, send_now=True, secret=code)
        elif purpose == OneTimeCode.Purpose.REGISTER and _registered(phone):
            # The number's owner, who may have forgotten the account, learns what to do; the
            # requester, if someone else, learns nothing.
            notify(region=region, channel="sms", recipient=phone, subject="注册提示", kind="auth.already_registered",
                   body=f"【{center}】该手机号已注册网上办事账户，请直接用验证码登录。如非本人操作，请忽略本短信。",
                   dedupe_key=f"auth.otp:{row.pk}", at=at, send_now=True)
    return row


def otp_verify(*, phone: str, code: str, purpose: str, at: datetime | None = None) -> Any:
    """Use the latest code sent to ``phone`` for ``purpose``; return the applicant's login (None
    when registering: there is no login yet).

    A wrong code counts as an attempt even though the call fails, so this runs in its own
    transaction: call it outside any other, or the rollback of the caller would forget the attempt.
    """
    phone = clean_phone(phone)
    code = (code or "").strip()
    if not code:
        raise DomainError("otp.code_required", "请填写短信验证码", field="code")
    at = at or current_time()
    failure: DomainError | None = None
    with transaction.atomic():
        row = (OneTimeCode.objects.select_for_update().filter(phone_bidx=blind_index("phone", phone), purpose=purpose)
               .order_by("-created_at", "-id").first())
        if row is None:
            failure = DomainError("otp.none", "请先获取短信验证码", field="code")
        elif row.used_at is not None:
            failure = DomainError("otp.used", "该验证码已使用，请重新获取", field="code")
        elif row.attempts >= OTP_MAX_ATTEMPTS:
            failure = DomainError("otp.too_many_attempts", "验证码错误次数过多，请重新获取", field="code")
        elif at >= row.expires_at:
            failure = DomainError("otp.expired", "验证码已过期，请重新获取", field="code")
        elif not constant_time_compare(_code_hash(phone, purpose, code), row.code_hash):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = OTP_MAX_ATTEMPTS - row.attempts
            failure = DomainError("otp.wrong", f"验证码不正确，还可尝试{left}次" if left
                                  else "验证码不正确，错误次数已达上限，请重新获取", field="code")
        else:
            row.used_at = at
            row.save(update_fields=["used_at"])
    if failure is not None:
        raise failure
    if purpose == OneTimeCode.Purpose.REGISTER:
        return None
    profile = ApplicantProfile.objects.select_related("user").filter(phone_bidx=blind_index("phone", phone)).first()
    if profile is None or not profile.user.is_active:
        raise PermissionDenied("该账户不存在或已停用，请联系政务服务中心", code="applicant.inactive")
    return profile.user


def applicant_register(*, phone: str, code: str, kind: str, real_name: str, id_type: str, id_number: str,
                       company_name: str = "", company_credit_code: str = "", legal_representative: str = "",
                       at: datetime | None = None) -> Any:
    """注册: the phone proven by its code, the real name and ID checked (GB 11643 / GB 32100).

    The data is checked before the code is used, so a mistyped ID number costs no code. The
    code is used in its own transaction (see :func:`otp_verify`), the account made in the next.
    """
    phone = clean_phone(phone)
    registration = Registration(kind=kind, real_name=real_name, id_type=id_type, id_number=id_number, phone=phone,
                                company_name=company_name, company_credit_code=company_credit_code,
                                legal_representative=legal_representative).cleaned()
    problems = check_registration(registration, max_lengths=REGISTRATION_MAX_LENGTHS)
    if problems:
        raise DomainError(problems[0].code, problems[0].message, field=problems[0].field)
    # Whether the phone is taken is not told before its code is proven: a registered phone never
    # received a register code, so nobody gets past this line with one.
    at = at or current_time()
    otp_verify(phone=phone, code=code, purpose=OneTimeCode.Purpose.REGISTER, at=at)
    users = get_user_model()
    try:
        with transaction.atomic():
            # An applicant logs in by phone and code, never by name, and has no password (unusable):
            # the login name is a pseudonym, so the accounts table holds no phone in clear.
            user = users.objects.create_user(username=applicant_username(), password=None, phone=phone,
                                             full_name=registration.real_name)
            ApplicantProfile.objects.create(
                user=user, phone=phone, phone_verified_at=at, kind=registration.kind,
                real_name=registration.real_name, id_type=registration.id_type,
                id_number=registration.id_number, company_name=registration.company_name,
                company_credit_code=registration.company_credit_code,
                legal_representative=registration.legal_representative, created_at=at)
    except IntegrityError as exc:  # registered at the same moment from another request
        raise Conflict("applicant.phone_taken", "该手机号已注册，请直接登录") from exc
    log.info("applicant account %s registered (%s)", user.pk, registration.kind)
    return user


def applicant_username() -> str:
    """A new applicant login's name: ``applicant-`` and 16 random hex digits (nothing personal)."""
    return f"{APPLICANT_USERNAME_PREFIX}{secrets.token_hex(8)}"


def applicant_login(*, phone: str, code: str, at: datetime | None = None) -> Any:
    """登录: the login whose phone received this code. The view opens the session with
    :data:`LOGIN_BACKEND`."""
    return otp_verify(phone=phone, code=code, purpose=OneTimeCode.Purpose.LOGIN, at=at)


def applicant_import_consent_set(*, account: Any, consent: bool, at: datetime | None = None) -> ApplicantProfile:
    """The applicant allows (or no longer allows) the center to import their historical cases into
    this account (``POST /api/v1/cases/import`` with ``applicant_account``). Only the applicant
    sets it, from their own login: staff can neither give nor fake the consent."""
    profile = _profile(account)
    profile.import_consent_at = (at or current_time()) if consent else None
    profile.save(update_fields=["import_consent_at"])
    log.info("applicant account %s import consent %s", profile.user_id, "given" if consent else "withdrawn")
    return profile


# --- drafts and submission ------------------------------------------------------------------------


def _profile(account: Any) -> ApplicantProfile:
    profile = selectors.profile_of(account)
    if profile is None:
        raise PermissionDenied("请先注册申请人账户并登录", code="forbidden.online.not_applicant")
    return profile


def _online_item(item_code: str) -> selectors.OnlineItem:
    found = selectors.online_item(item_code)
    if not found.available:
        raise DomainError("online.not_available",
                          f"“{found.version.name}”暂不支持网上申请，请到{found.version.place or '政务服务中心'}办理",
                          field="item_code")
    return found


def clean_form(data: dict[str, Any]) -> dict[str, str]:
    """The online form's own fields, as text of bounded length (a draft may be incomplete)."""
    out = {}
    for name in ("contact_phone", "delivery_method", "address", "note"):
        value = str(data.get(name, "") or "").strip()
        if len(value) > _MAX_TEXT:
            raise DomainError("online.too_long", f"填写内容过长（最多{_MAX_TEXT}字）", field=name)
        out[name] = value
    return out


def _check_for_submission(found: selectors.OnlineItem, data: dict[str, str]) -> None:
    methods = found.version.delivery_methods or []
    if methods and data["delivery_method"] not in methods:
        raise DomainError("online.delivery_required", "请选择办理结果的领取方式", field="delivery_method")
    if data["delivery_method"] == DeliveryMethod.POST and not data["address"]:
        raise DomainError("online.address_required", "选择邮寄送达的，请填写收件地址", field="address")


def _parse_token(token: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(token)) if token else None
    except ValueError:
        return None


def _draft_for_update(account: Any, item: Any, token: uuid.UUID | None, at: datetime) -> Draft:
    """The draft this form belongs to (by its token), else the open draft of the item, else a new
    one. May return a draft already submitted: the caller then answers with its case."""
    draft = None
    if token is not None:
        draft = Draft.objects.select_for_update().filter(account=account, token=token, item=item).first()
    if draft is None:
        draft = Draft.objects.select_for_update().filter(account=account, item=item, case__isnull=True).first()
    if draft is not None:
        return draft
    fresh = token if token is not None and not Draft.objects.filter(token=token).exists() else uuid.uuid4()
    try:
        with transaction.atomic():  # a savepoint: the same form posted twice at once
            return Draft.objects.create(account=account, item=item, token=fresh, data={}, created_at=at, updated_at=at)
    except IntegrityError:
        draft = (Draft.objects.select_for_update().filter(account=account, item=item)
                 .filter(token=fresh).first()
                 or Draft.objects.select_for_update().filter(account=account, item=item, case__isnull=True).first())
        if draft is None:
            raise
        return draft


def _attach(draft: Draft, files: Sequence[CheckedFile], paths: list[str], at: datetime) -> None:
    """A new file for a material replaces the draft's earlier file(s) of that material."""
    replaced = list(draft.uploads.filter(material__in={f.material for f in files}))
    for old in replaced:
        old.delete()
    for f, path in zip(files, paths, strict=True):
        OnlineUpload.objects.create(account_id=draft.account_id, draft=draft, material=f.material, path=path,
                                    original_name=f.original_name, sha256=f.sha256, content_type=f.content_type,
                                    size=f.size, uploaded_at=at)
    stale = [u.path for u in replaced]
    transaction.on_commit(lambda: _remove_files(stale))


def _remove_files(paths: list[str]) -> None:
    for relative in paths:
        media_path(relative).unlink(missing_ok=True)


def _check_materials(found: selectors.OnlineItem, files: Sequence[CheckedFile]) -> None:
    known = {m.name for m in found.materials}
    for f in files:
        if f.material not in known:
            raise DomainError("material.unknown", f"“{f.material}”不是本事项的申请材料", field="materials")


def draft_save(*, account: Any, item_code: str, token: str | None, data: dict[str, Any],
               files: Sequence[CheckedFile] = (), at: datetime | None = None) -> Draft:
    """暂存: keep what was filled in and uploaded, to continue later. Files were checked by
    content before (:func:`onewindow.core.uploads.check_file`)."""
    at = at or current_time()
    _profile(account)
    found = _online_item(item_code)
    _check_materials(found, files)
    cleaned = clean_form(data)
    with written(files, account_id=account.pk) as paths, transaction.atomic():
        draft = _draft_for_update(account, found.item, _parse_token(token), at)
        if draft.case_id is not None:  # saved from a page of an application already submitted
            draft = _draft_for_update(account, found.item, None, at)
        _attach(draft, files, paths, at)
        draft.data = cleaned
        draft.updated_at = at
        draft.save(update_fields=["data", "updated_at"])
    return draft


def draft_attach(*, account: Any, item_code: str, token: str | None, files: Sequence[CheckedFile],
                 at: datetime | None = None) -> Draft:
    """Keep files in the applicant's open draft of the item as soon as they are chosen (a new file
    for a material replaces the earlier one), so that a form refused later for another field loses
    none of them. The typed fields are left as they are: "save draft" or "submit" writes those.
    Files were checked by content before (:func:`onewindow.core.uploads.check_file`)."""
    at = at or current_time()
    _profile(account)
    found = _online_item(item_code)
    _check_materials(found, files)
    with written(files, account_id=account.pk) as paths, transaction.atomic():
        draft = _draft_for_update(account, found.item, _parse_token(token), at)
        if draft.case_id is not None:  # chosen on a page of an application already submitted
            draft = _draft_for_update(account, found.item, None, at)
        _attach(draft, files, paths, at)
        draft.updated_at = at
        draft.save(update_fields=["updated_at"])
    return draft


def draft_submit(*, account: Any, item_code: str, token: str | None, data: dict[str, Any],
                 files: Sequence[CheckedFile] = (), at: datetime | None = None) -> Case:
    """网上申请: the draft (with what this request adds) becomes a case, channel online.

    The case is received now: its acceptance clock starts on the day of receipt (DESIGN.md §4
    rule 3). Materials with a file are marked received, the others missing, so the center's one
    supplement notice lists exactly what is lacking. A repeated submit of the same form (its
    token) returns the case it already made.
    """
    at = at or current_time()
    profile = _profile(account)
    found = _online_item(item_code)
    _check_materials(found, files)
    cleaned = clean_form(data)
    # An item with a single way of delivery leaves the applicant nothing to choose.
    cleaned["delivery_method"] = cleaned["delivery_method"] or found.default_delivery
    _check_for_submission(found, cleaned)
    parsed = _parse_token(token)
    if parsed is not None:
        done = Draft.objects.filter(account=account, token=parsed, case__isnull=False).select_related("case").first()
        if done is not None:
            return done.case
    with written(files, account_id=account.pk) as paths, transaction.atomic():
        draft = _draft_for_update(account, found.item, parsed, at)
        if draft.case_id is not None:
            _remove_files(paths)  # nothing will name them: the case exists already
            return Case.objects.get(pk=draft.case_id)
        _attach(draft, files, paths, at)
        uploaded = set(draft.uploads.values_list("material", flat=True))
        checklist = [MaterialCheck(m.name, MaterialState.RECEIVED if m.name in uploaded else MaterialState.MISSING)
                     for m in found.materials]
        applicant = case_applicant(selectors.registration_of(profile),
                                   phone=cleaned["contact_phone"] or profile.phone)
        case = case_submit(actor=None, applicant_account=account, channel=Case.Channel.ONLINE,
                           item_code=found.item.implementation_code, applicant=applicant, materials=checklist, at=at)
        draft.uploads.update(case=case, draft=None)
        draft.data = cleaned
        draft.case = case
        draft.submitted_at = draft.updated_at = at
        draft.save(update_fields=["data", "case", "submitted_at", "updated_at"])
        _text_receipt(case)
    log.info("online application %s filed by account %s", case.number, account.pk)
    return case


def _text_receipt(case: Case) -> None:
    """The applicant's receipt by SMS, with the query code, so it is not lost with the page. The
    key is the one the case outputs use for an event's message: never two texts for one event."""
    if not is_mainland_mobile(case.applicant_phone or ""):
        return
    submitted = case.events.order_by("seq").first()
    body = f"您的网上申请“{case.item_version.name}”已收到（办件编号{case.number}，查询码{case.query_code}）。"
    if (due := case.acceptance_due) is not None:
        body += f"受理决定将于{cn_due(due, calendar_of(case).published_years)}前作出。"
    body += f"进度查询：{public_url('online:progress')}"
    notify(region=case.region, channel="sms", recipient=case.applicant_phone, subject=f"办件{case.number}",
           body=body, kind="case.submitted", topic=case.number, dedupe_key=f"{case.number}:{submitted.seq}:sms",
           at=submitted.at)


def draft_upload_remove(*, account: Any, upload_id: int) -> Draft:
    """Remove a file from an open draft (a file already part of a case stays with the case);
    returns the draft."""
    with transaction.atomic():
        upload = (OnlineUpload.objects.select_for_update().select_related("draft__item")
                  .filter(pk=upload_id, account=account, draft__isnull=False, draft__case__isnull=True).first())
        if upload is None:
            raise NotFound("文件不存在或已提交，不能删除", code="upload.not_found", field="upload")
        draft, path = upload.draft, upload.path
        upload.delete()
        transaction.on_commit(lambda: _remove_files([path]))
    return draft


# --- after submission -------------------------------------------------------------------------------


def case_supplement_online(*, account: Any, case_id: int, files: Sequence[CheckedFile],
                           expected_version: int | None = None, at: datetime | None = None) -> Case:
    """补正 online: a file for every material the supplement notice listed, then the case's own
    ``case_supplement`` (a new acceptance window starts, DESIGN.md §4 rule 4).

    Every listed material is required: a partial supplement would restart the acceptance clock
    while the file is still incomplete, and the center may not ask a second time for new things.
    """
    case = Case.objects.filter(pk=case_id, applicant_account=account).first()
    if case is None:
        raise NotFound("办件不存在或不是您的办件", code="case.not_found", field="number")
    listed = selectors.requested_materials(case)
    given = {f.material for f in files}
    for f in files:
        if f.material not in listed:
            raise DomainError("supplement.material_unlisted", f"“{f.material}”不在补正告知的材料中", field="materials")
    for i, name in enumerate(listed):
        if name not in given:
            raise DomainError("supplement.file_required", f"请上传补正材料“{name}”", field=f"supplement[{i}]")
    at = at or current_time()
    with written(files, account_id=account.pk) as paths, transaction.atomic():
        case = case_supplement(case_id=case.id, actor=None, applicant=account, materials=listed, at=at,
                               expected_version=expected_version)
        for f, path in zip(files, paths, strict=True):
            OnlineUpload.objects.create(account=account, case=case, purpose=OnlineUpload.Purpose.SUPPLEMENT,
                                        material=f.material, path=path, original_name=f.original_name,
                                        sha256=f.sha256, content_type=f.content_type, size=f.size, uploaded_at=at)
    return case



# --- 一件事 (one-thing bundles) ------------------------------------------------------------------------


def _store_uploads(account: Any, cases: Sequence[Case], names: dict[str, dict[str, str]], files: Sequence[CheckedFile],
                   paths: list[str], purpose: str, at: datetime) -> None:
    """One file handed in once, kept with every child case that needs it, under that case's own
    name of the material (``names``: merged name → {case number: its name})."""
    for f, path in zip(files, paths, strict=True):
        for case in cases:
            own = names.get(f.material, {}).get(case.number)
            if own is not None:
                OnlineUpload.objects.create(account=account, case=case, purpose=purpose, material=own, path=path,
                                            original_name=f.original_name, sha256=f.sha256,
                                            content_type=f.content_type, size=f.size, uploaded_at=at)


def bundle_submit(*, account: Any, bundle_code: str, situations: list[str], files: Sequence[CheckedFile],
                  contact_phone: str = "", token: str | None = None, at: datetime | None = None) -> BundleApplication:
    """网上申请一件事: the applicant's one form — the situations chosen and a file for each material
    of the one set (a material without a file is marked missing, for the one supplement notice).
    The applicant is the account's registration; one application, one child case per item
    (:func:`onewindow.cases.bundle_services.bundle_apply`); the same form (its token) twice makes one."""
    at = at or current_time()
    profile = _profile(account)
    guide = bundle_guide(bundle_code, situations)
    known = {m.name for m in guide.materials}
    for f in files:
        if f.material not in known:
            raise DomainError("material.unknown", f"“{f.material}”不是本一件事所需的申请材料", field="materials")
    phone = (contact_phone or "").strip()
    if len(phone) > 20:
        raise DomainError("online.too_long", "联系电话过长", field="contact_phone")
    uploaded = {f.material for f in files}
    checklist = [MaterialCheck(m.name, MaterialState.RECEIVED if m.name in uploaded else MaterialState.MISSING)
                 for m in guide.materials]
    parsed = _parse_token(token)
    if parsed is not None:
        done = BundleApplication.objects.filter(form_token=parsed, applicant_account=account).first()
        if done is not None:
            return done
    applicant = case_applicant(selectors.registration_of(profile), phone=phone or profile.phone)
    with written(files, account_id=account.pk) as paths, transaction.atomic():
        app = bundle_apply(actor=None, applicant_account=account, channel=Case.Channel.ONLINE, bundle_code=bundle_code,
                           applicant=applicant, situations=situations, materials=checklist, form_token=parsed, at=at)
        children = list(app.children.order_by("pk"))
        names = {m.name: {c.number: m.names[c.item.implementation_code] for c in children
                          if c.item.implementation_code in m.names} for m in guide.materials}
        _store_uploads(account, children, names, files, paths, OnlineUpload.Purpose.APPLICATION, at)
        _bundle_receipt(app, children, applicant.phone)
    log.info("online bundle application %s filed by account %s", app.number, account.pk)
    return app


def _bundle_receipt(app: BundleApplication, children: list[Case], phone: str) -> None:
    """One message for the whole application, with its number and query code (and no message per child)."""
    if not is_mainland_mobile(phone or ""):
        return
    items = "、".join(c.item_version.name for c in children)
    notify(region=app.region, channel="sms", recipient=phone, subject=f"一件事{app.number}",
           body=(f"您的一件事申请“{app.bundle.name}”已收到（申请编号{app.number}，查询码{app.query_code}），"
                 f"共{len(children)}个事项：{items}。进度查询：{public_url('online:home')}"),
           kind="bundle.submitted", topic=app.number, dedupe_key=f"{app.number}:applied:sms", at=app.submitted_at)


def bundle_supplement_online(*, account: Any, number: str, files: Sequence[CheckedFile],
                             at: datetime | None = None) -> BundleApplication:
    """补正 of a bundle online: a file for every material the open combined notice lists (each once),
    kept with every child that asked it; then each waiting child's own supplement."""
    at = at or current_time()
    app = bundle_selectors.my_bundle(account, number)
    view = bundle_selectors.bundle_view(app)
    notice = view.open_notice
    if notice is None:
        raise DomainError("bundle.transition_refused.supplement", "本一件事申请当前无需补正", field="action")
    listed = view.supplement_materials()
    given = {f.material for f in files}
    for f in files:
        if f.material not in listed:
            raise DomainError("supplement.material_unlisted", f"“{f.material}”不在补正告知书所列的材料中", field="materials")
    for i, name in enumerate(listed):
        if name not in given:
            raise DomainError("supplement.file_required", f"请上传补正材料“{name}”", field=f"supplement[{i}]")
    children = [c.case for c in view.awaiting]
    names: dict[str, dict[str, str]] = {}
    for line in notice.lines:
        for own in line["materials"]:
            merged = next((n for n in listed if material_key(n) == material_key(own)), None)
            if merged is not None:
                names.setdefault(merged, {})[line["case"]] = own
    with written(files, account_id=account.pk) as paths, transaction.atomic():
        app = bundle_supplement(application_id=app.pk, actor=None, applicant=account, materials=listed,
                                at_window=False, at=at)
        _store_uploads(account, children, names, files, paths, OnlineUpload.Purpose.SUPPLEMENT, at)
    return app


def otp_purge(*, before: datetime) -> int:
    """Delete one-time codes created before ``before`` (dead long since; the daily count needs
    only today's). Idempotent."""
    deleted, _ = OneTimeCode.objects.filter(created_at__lt=before).delete()
    return deleted

"""Certificate API (DESIGN.md §5): ``GET /api/v1/certificates/verify?number=…``.

Public: whoever holds a certificate, or is shown one, may check it. Personal data in the answer
is masked as on the public page. Rate limited per address, since it needs no login.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.throttling import AnonRateThrottle

from onewindow.api.schemas import ErrorOut
from onewindow.core.errors import DomainError

from . import selectors

router = Router(tags=["证照"])


class CertificateContentOut(Schema):
    certificate_name: str = Field(description="证照名称")
    certificate_type: str = Field(description="证照类型")
    number: str = Field(description="证照编号")
    holder_kind: str = Field(description="持证人类型：person 自然人，company 法人或其他组织")
    holder_name: str = Field(description="持证人（自然人姓名已脱敏）")
    holder_id_type: str = Field(description="证件类型")
    holder_id_number: str = Field(description="证件号码（已脱敏）")
    item_name: str = Field(description="事项名称")
    item_code: str = Field(description="事项实施编码")
    issuing_department: str = Field(description="发证部门")
    issuing_department_code: str = Field(description="发证部门编码")
    center_name: str = Field(description="发证中心")
    region_code: str = Field(description="发证中心区划代码（12位）")
    issued_on: str = Field(description="发证日期 YYYY-MM-DD")
    valid_until: str | None = Field(description="有效期至 YYYY-MM-DD；长期有效为空")
    case_number: str = Field(description="办件编号")


class IssuerOut(Schema):
    center_name: str = Field(description="发证中心")
    region_code: str = Field(description="区划代码")
    department: str = Field(description="发证部门")


class CertificateVerifyOut(Schema):
    status: str = Field(description="valid 有效；revoked 已撤销；unknown 未找到；invalid 签名校验未通过")
    number: str = Field(description="查询的证照编号")
    content: CertificateContentOut | None = Field(description="签名内容（已脱敏）；unknown、invalid 时为空")
    issuer: IssuerOut | None = Field(description="发证机关；unknown、invalid 时为空")
    key_id: str | None = Field(description="签名密钥编号")
    revoked_at: datetime | None = Field(description="撤销时间")
    expired: bool = Field(description="是否已超过有效期")


@router.get("/verify", response={200: CertificateVerifyOut, 400: ErrorOut, 429: ErrorOut}, auth=None,
            throttle=[AnonRateThrottle("60/m")], summary="Authenticity of an issued certificate")
def verify(request: HttpRequest, number: str = "") -> Any:
    """Whether the certificate ``number`` was issued by us and its signed content is intact:
    ``valid``, ``revoked`` (with ``revoked_at``), ``unknown`` or ``invalid`` (the stored content no
    longer matches its Ed25519 signature, or the key is missing).

    Errors: 400 ``certificate.number_required``.
    """
    number = number.strip()
    if not number:
        raise DomainError("certificate.number_required", "请提供证照编号", field="number")
    result = selectors.verify_certificate(number)
    return {"status": result.status, "number": result.number, "content": result.content, "issuer": result.issuer,
            "key_id": result.key_id, "revoked_at": result.revoked_at, "expired": result.expired}

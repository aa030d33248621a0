"""From posted form data to the plain inputs of the services, and back to what the form shows.

No Django forms: the services are the one place that validates (their ``DomainError`` names the
field at fault), and :data:`onewindow.cases.actions.ACTIONS` is the one table of action inputs.
This module only reads the request's strings into those inputs and maps a refusal back onto the
field it names, keeping everything the user typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from onewindow.cases.actions import action_inputs
from onewindow.cases.lengths import APPLICANT_MAX_LENGTHS
from onewindow.cases.materials import how_obtained
from onewindow.cases.receiving import Authorization
from onewindow.cases.referral_rules import AUTHORIZATION_MATERIAL
from onewindow.cases.rules import (
    ID_TYPE_LABELS,
    Applicant,
    ApplicantKind,
    IdType,
    MaterialCheck,
    MaterialState,
    check_applicant,
    check_materials,
)
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.rules import MaterialProvision
from onewindow.core.errors import DomainError
from onewindow.core.uploads import CheckedFile, check_file

# --- intake -------------------------------------------------------------------------------------

APPLICANT_FIELDS = ("kind", "name", "id_type", "id_number", "phone", "legal_representative", "agent_name",
                    "agent_id_number")
MATERIAL_STATES = (MaterialState.RECEIVED, MaterialState.MISSING, MaterialState.NOT_APPLICABLE)
_MATERIAL_FIELD = re.compile(r"^materials\[(\d+)\]\.(\w+)$")


def id_type_choices() -> list[tuple[str, str]]:
    return [(t.value, ID_TYPE_LABELS[t]) for t in IdType]


def material_state_labels() -> dict[str, str]:
    return {MaterialState.RECEIVED: _("received"), MaterialState.MISSING: _("missing"),
            MaterialState.NOT_APPLICABLE: _("not applicable")}


@dataclass
class MaterialRow:
    """One line of the intake checklist as the form shows it."""

    index: int
    name: str
    required: bool
    copies: int
    form: str
    state: str = ""
    error: str = ""
    file_error: str = ""
    had_file: bool = False  # a file was chosen but the form came back: it must be chosen again
    # How the department obtains it when the applicant need not hand it in (电子证照库共享获取 …):
    # such a row has no choice, it is recorded as fetched.
    obtained: str = ""

    @property
    def state_field(self) -> str:
        return f"m{self.index}-state"

    @property
    def file_field(self) -> str:
        return f"m{self.index}-file"


@dataclass
class IntakeForm:
    """What the clerk typed, the checklist of the chosen item, and the problems by field."""

    values: dict[str, str] = field(default_factory=dict)
    materials: list[MaterialRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # field name → message
    general: list[str] = field(default_factory=list)  # problems no field owns

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.general or any(m.error or m.file_error for m in self.materials))

    def problems(self) -> list[tuple[str, str]]:
        """(field id, message) for the summary at the top of the form, in form order."""
        # The item is chosen with the search box, which is where a missing item sends the clerk.
        out = [("id_q" if name == "item_code" else f"id_{name}", msg) for name, msg in self.errors.items()]
        for m in self.materials:
            if m.error:
                out.append((f"id_{m.state_field}-{MaterialState.RECEIVED.value}", m.error))
            if m.file_error:
                out.append((f"id_{m.file_field}", m.file_error))
        return out + [("", msg) for msg in self.general]

    def add_error(self, field_name: str | None, message: str) -> None:
        """Put a service's or rule's message on the field it names (``applicant.id_number``,
        ``materials[1].state``, ``item_code`` …), or at the top when no field of the form matches."""
        name = (field_name or "").removeprefix("applicant.")
        found = _MATERIAL_FIELD.match(name)
        if found is not None:
            index, part = int(found.group(1)), found.group(2)
            if index < len(self.materials):
                row = self.materials[index]
                if part == "file":
                    row.file_error = row.file_error or message
                else:
                    row.error = row.error or message
                return
        if name in APPLICANT_FIELDS or name in ("item_code", "window_number", "is_urgent"):
            self.errors.setdefault(name, message)
            return
        if message not in self.general:
            self.general.append(message)


def blank_intake(item: ServiceItem | None) -> IntakeForm:
    form = IntakeForm(values={"kind": ApplicantKind.PERSON.value, "id_type": IdType.RESIDENT_ID.value})
    if item is not None:
        form.values["item_code"] = item.implementation_code
        form.materials = _rows(item)
    return form


def _rows(item: ServiceItem) -> list[MaterialRow]:
    return [MaterialRow(index=i, name=m.name, required=m.required, copies=m.copies, form=m.get_form_display(),
                        obtained="" if m.provision == MaterialProvision.APPLICANT else how_obtained(m.provision),
                        state="" if m.provision == MaterialProvision.APPLICANT else MaterialState.FETCHED.value)
            for i, m in enumerate(item.current_version.materials.all())]


def read_intake(post: QueryDict, files: Mapping[str, Any], item: ServiceItem | None) -> IntakeForm:
    """The posted intake form, checked by the pure intake rules so that *every* problem shows at
    once (the service stops at the first). Files are not read here: see :func:`onewindow.core.uploads.check_file`."""
    form = IntakeForm(values={name: post.get(name, "").strip() for name in
                              (*APPLICANT_FIELDS, "item_code", "window_number")})
    form.values["is_urgent"] = "on" if post.get("is_urgent") else ""
    # The columns' lengths, so an over-long agent name is a form error, not PostgreSQL's "value too long".
    for problem in check_applicant(applicant_of(form), max_lengths=APPLICANT_MAX_LENGTHS):
        form.add_error(problem.field, problem.message)
    if item is None:
        form.add_error("item_code", _("Choose the service item: search by name, code or pinyin initials."))
        return form
    form.materials = _rows(item)
    for row in form.materials:
        if row.obtained:
            continue  # never the applicant's to bring: recorded as fetched whatever was posted
        row.state = post.get(row.state_field, "")
        row.had_file = bool(files.get(row.file_field))
        if row.state not in MATERIAL_STATES:
            row.error = _("Mark “%(material)s” as received, missing or not applicable.") % {"material": row.name}
    checks = checklist_of(form)
    required = [m.name for m in form.materials if m.required]
    obtained = [m.name for m in form.materials if m.obtained]
    for problem in check_materials(checks, required, [m.name for m in form.materials], obtained):
        form.add_error(problem.field, problem.message)
    return form


def _bundle_rows(guide: Any) -> list[MaterialRow]:
    """The bundle's one checklist: each material once, whichever items ask it."""
    return [MaterialRow(index=i, name=m.name, required=m.required, copies=1, form="、".join(guide.item_names(m)))
            for i, m in enumerate(guide.materials)]


def blank_bundle_intake(guide: Any) -> IntakeForm:
    """The empty form of a bundle (一件事) under the situations chosen (a ``BundleGuide``)."""
    form = IntakeForm(values={"kind": ApplicantKind.PERSON.value, "id_type": IdType.RESIDENT_ID.value})
    form.materials = _bundle_rows(guide)
    return form


def read_bundle_intake(post: QueryDict, guide: Any) -> IntakeForm:
    """The posted form of a bundle: the applicant (every problem at once, as at the item intake)
    and the state of each material of the one set; the service checks the rest."""
    form = IntakeForm(values={name: post.get(name, "").strip() for name in (*APPLICANT_FIELDS, "window_number")})
    for problem in check_applicant(applicant_of(form), max_lengths=APPLICANT_MAX_LENGTHS):
        form.add_error(problem.field, problem.message)
    form.materials = _bundle_rows(guide)
    for row in form.materials:
        row.state = post.get(row.state_field, "")
        if row.state not in MATERIAL_STATES:
            row.error = f"请标明“{row.name}”已收、缺少或不适用"
        elif row.required and row.state == MaterialState.NOT_APPLICABLE:
            row.error = f"“{row.name}”是必要材料，不能标为不适用"
    return form


def read_scans(form: IntakeForm, files: Mapping[str, Any]) -> list[CheckedFile]:
    """The checklist's scans, each checked by content and size; a refused one is marked on its
    material and left out."""
    scans: list[CheckedFile] = []
    for row in form.materials:
        upload = files.get(row.file_field)
        if upload is None:
            continue
        try:
            scans.append(check_file(upload, material=row.name, field=f"materials[{row.index}].file"))
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
    return scans


def read_authorization(form: IntakeForm, post: QueryDict, files: Mapping[str, Any],
                       scans: list[CheckedFile]) -> Authorization | None:
    """村代办: the villager's signed authorization — a scan (kept with the case's scans under
    :data:`AUTHORIZATION_MATERIAL`) or an e-signature record number; None when neither is given
    (the service then refuses, naming the rule)."""
    form.values["authorization_esign"] = post.get("authorization_esign", "").strip()
    upload = files.get("authorization_file")
    if upload is not None:
        try:
            scan = check_file(upload, material=AUTHORIZATION_MATERIAL, field="authorization")
        except DomainError as exc:
            form.add_error("authorization", exc.message)
            return None
        scans.append(scan)
        return Authorization("scan", scan.sha256)
    if form.values["authorization_esign"]:
        return Authorization("esign", form.values["authorization_esign"])
    return None


def applicant_of(form: IntakeForm) -> Applicant:
    v = form.values
    return Applicant(kind=v.get("kind", ""), name=v.get("name", ""), id_type=v.get("id_type", ""),
                     id_number=v.get("id_number", ""), phone=v.get("phone", ""),
                     legal_representative=v.get("legal_representative", ""), agent_name=v.get("agent_name", ""),
                     agent_id_number=v.get("agent_id_number", ""))


def checklist_of(form: IntakeForm) -> list[MaterialCheck]:
    return [MaterialCheck(name=m.name, state=m.state or MaterialState.MISSING.value) for m in form.materials]


# --- case actions ---------------------------------------------------------------------------------

_TRUE = {"1", "true", "on", "yes"}


def action_params(action: str, post: QueryDict) -> dict[str, Any]:
    """The inputs of ``action`` from a posted form, by the names :func:`action_inputs` gives.

    Lists come from repeated fields (checkboxes), booleans from the *last* value of their name
    (a hidden ``false`` before a checkbox stands for "unticked"), everything else as typed; the
    action table then checks the types and the service the content. Inputs the form did not post
    are left out, so the service's defaults apply.
    """
    params: dict[str, Any] = {}
    for name, (type_name, _required) in action_inputs(action).items():
        if type_name == "array":
            params[name] = [v.strip() for v in post.getlist(name) if v.strip()]
        elif name not in post:
            continue
        elif type_name == "boolean":
            params[name] = post.getlist(name)[-1].strip().lower() in _TRUE
        else:
            params[name] = post.get(name, "").strip()
    return params


def expected_version(post: QueryDict) -> int:
    """The ``row_version`` the page was showing; a form without one is refused, since acting on
    an unknown version could silently overwrite another clerk's update."""
    raw = post.get("expected_version", "")
    if not raw.isdigit():
        raise DomainError("invalid_input", "页面缺少办件版本，请刷新后重试", field="expected_version")
    return int(raw)

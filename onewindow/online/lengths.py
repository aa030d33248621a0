"""How long each registration field may be: the applicant account's columns, read from the model."""

from __future__ import annotations

from onewindow.core.bounds import max_length

from .models import ApplicantProfile
from .rules import Registration

REGISTRATION_MAX_LENGTHS: dict[str, int] = {
    name: max_length(ApplicantProfile, name) for name in Registration.__dataclass_fields__
}

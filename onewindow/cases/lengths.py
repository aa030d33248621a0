"""How long each applicant field may be: the case row's columns, read from the model so they cannot drift.

The intake service, the staff intake form and the API schema all check against these, so an
over-long agent name or passport number is a field error, never PostgreSQL's "value too long".
"""

from __future__ import annotations

from onewindow.core.bounds import max_length

from .models import Case

# Applicant field → the Case column that stores it.
APPLICANT_COLUMNS = {
    "kind": "applicant_kind", "name": "applicant_name", "id_type": "applicant_id_type",
    "id_number": "applicant_id_number", "phone": "applicant_phone",
    "legal_representative": "legal_representative", "agent_name": "agent_name", "agent_id_number": "agent_id_number",
}

APPLICANT_MAX_LENGTHS: dict[str, int] = {name: max_length(Case, column) for name, column in APPLICANT_COLUMNS.items()}

"""Document and certificate numbers. Pure: no Django.

A notice is numbered the way Chinese administrative documents are (文号): the issuer's short
name, a one-character mark of the kind of document, the year in 六角括号 and a sequence, e.g.
``云溪受〔2026〕000123号``. A certificate also gets an ASCII number (region prefix, year, sequence),
because it is printed in a QR code and typed into the public verification page.
"""

from __future__ import annotations

import re

# One mark per kind of document: the character a clerk reads the kind from at a glance.
KIND_MARKS: dict[str, str] = {
    "intake_receipt": "收",
    "acceptance_notice": "受",
    "supplement_notice": "补",
    "refusal_notice": "退",
    "special_procedure_notice": "特",
    "extension_notice": "延",
    "decision_notice": "决",
    "revocation_notice": "撤",
    "objection_reply": "答",
    "review_meeting_notice": "联",
    "certificate_revocation_notice": "销",
    "certificate": "证",
}

# County-level and higher names drop their administrative suffix (云溪县 → 云溪). Township names
# keep it, so a township center (云溪镇) never shares the short name of its county (云溪).
_SUFFIXES = ("自治县", "自治州", "自治区", "特别行政区", "县", "市", "区", "盟", "旗", "州", "省")
_TOWNSHIP_LEVEL = 4


def issuer_short_name(region_name: str, level: int) -> str:
    """The short name of an issuing center's region, used as the first part of a document number."""
    name = region_name.strip()
    if level < _TOWNSHIP_LEVEL:
        for suffix in _SUFFIXES:
            # Keep at least two characters: a one-character name (e.g. 沙县 → 沙) would be unreadable.
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return name[: -len(suffix)]
    return name


def sequence_scope(short_name: str, kind: str) -> str:
    """The key of the number sequence of one issuer and kind.

    The sequence is keyed by the text the number starts with, not by the region row, so two
    regions that happen to share a short name share one sequence and their numbers never collide.
    """
    return f"doc:{short_name}{KIND_MARKS[kind]}"


def certificate_scope(region_code: str) -> str:
    return f"cert:{region_code}"


def document_number(short_name: str, kind: str, year: int, seq: int) -> str:
    """``云溪受〔2026〕000123号``."""
    return f"{short_name}{KIND_MARKS[kind]}〔{year}〕{seq:06d}号"


def certificate_number(region_prefix: str, year: int, seq: int) -> str:
    """``990121-2026-Z000001``: like a case number (region-year-sequence), Z for 证照."""
    return f"{region_prefix}-{year}-Z{seq:06d}"


CERTIFICATE_NUMBER_RE = re.compile(r"^\d{2,12}-\d{4}-Z\d{6,}$")


def looks_like_certificate_number(value: str) -> bool:
    return bool(CERTIFICATE_NUMBER_RE.match(value))


def file_stem(number: str) -> str:
    """A file name for a document number: 云溪受〔2026〕000123号 → 云溪受_2026_000123号.

    ``\\w`` keeps CJK characters, so the stem still identifies the issuer; everything else that a
    file system or a shell might read specially becomes ``_``.
    """
    return re.sub(r"[^\w-]", "_", number).strip("_") or "document"

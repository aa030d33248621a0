"""Pinyin initials of item names, so a clerk can type ``yyzz`` to find 营业执照. No Django imports."""

from __future__ import annotations

import unicodedata

from pypinyin import Style, lazy_pinyin


def pinyin_initials(name: str) -> str:
    """Lower-case initials of ``name``: 营业执照 → ``yyzz``; ICP备案 → ``icpba``.

    Latin letters and digits are kept as they are (lower-cased, full-width folded to ASCII);
    punctuation and spaces are dropped, so the result is a plain search key.
    """
    folded = unicodedata.normalize("NFKC", name)
    parts = lazy_pinyin(folded, style=Style.FIRST_LETTER)
    return "".join(ch for part in parts for ch in part.lower() if ch.isascii() and ch.isalnum())

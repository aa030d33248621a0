"""Chinese word segmentation for search: jieba, loaded lazily, once per process. No Django.

jieba builds its prefix dictionary on first use (about a second; it keeps a cache file in the
temporary directory, so later processes start faster) and logs while doing so. Pages that do
not search never pay for it. The catalog's own words (item names, life events, synonyms) are
added as a user dictionary so that 营业执照 or 我要开餐馆 come out as one word; jieba's
dictionary ships inside the package, so nothing is fetched from the network.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

# A name such as 个体工商户设立登记（营业执照） is added as its pieces: jieba never joins
# characters across punctuation anyway.
_PIECES = re.compile(r"[^\w]+|_")


class Segmenter:
    """``segmenter(text)`` → ``[(word, start, end), …]`` in jieba's search mode (the words and,
    for long words, the shorter words inside them)."""

    def __init__(self) -> None:
        self._tokenizer = None
        self._lock = threading.Lock()
        self._known: set[str] = set()

    def _ready(self):
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)  # "Building prefix dict…" on every start
                    tokenizer = jieba.Tokenizer()  # our own, so other users of jieba are unaffected
                    tokenizer.initialize()
                    self._tokenizer = tokenizer
        return self._tokenizer

    def add_words(self, words: Iterable[str]) -> None:
        """Teach jieba the catalog's words (idempotent; words are never removed, which is
        harmless: a stale word only keeps two characters together)."""
        tokenizer = self._ready()
        with self._lock:
            for text in words:
                for piece in _PIECES.split(text or ""):
                    if len(piece) >= 2 and piece not in self._known:
                        tokenizer.add_word(piece)
                        self._known.add(piece)

    def __call__(self, text: str) -> list[tuple[str, int, int]]:
        if not text:
            return []
        return list(self._ready().tokenize(text, mode="search"))

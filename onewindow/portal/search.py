"""Finding the right item: ranking the published catalog against what people type. No Django.

People rarely know an item's official name. They type a few words (营业执照), the initials of
its pinyin (``yyzz``), the thing they want to do (我要开餐馆), a department, or a near miss
(营业执造, 餐官). :func:`search` scores every candidate of a :class:`SearchIndex` — items and
bundles (一件事) — and returns them best first. A center has hundreds of items, not millions, so
scoring every candidate per query is cheap and keeps the ranking explainable; the index only
precomputes what does not depend on the query (normalized texts, pinyin, the vocabulary).

Scores add up from independent signals (the weights are the constants below):

* an exact name or life-event match, a name containing the whole query;
* code prefixes and pinyin-initial prefixes (``yyzz`` → 营业执照) for ASCII queries;
* how much of the query the segmented words cover in the name, life event, result, department
  and material names (a squared share, so one stray character counts little);
* fuzzy similarity of characters and of toneless pinyin, so a wrong or homophone character
  still finds the item, and a "did you mean" built from the catalog's own vocabulary;
* synonyms (term → words, kept by administrators) tried as rewritten queries;
* a small bonus for ``use_count``, so among equals the item people actually apply for wins.

A bundle that matches well pulls its items in right after it, in the bundle's order.

Segmentation is injected (:class:`onewindow.portal.segment.Segmenter` wraps jieba), so this
module stays a pure function of its inputs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# (word, start, end) tokens of a text, jieba's ``tokenize(mode="search")`` shape.
Segment = Callable[[str], Iterable[tuple[str, int, int]]]

QUERY_MAX_LENGTH = 100
SYNONYM_TERM_MAX_LENGTH = 50
SYNONYM_WORDS_MAX = 20
DEFAULT_LIMIT = 50

# --- weights -------------------------------------------------------------------------------
EXACT = 100.0  # the query is the name / life event / a code
CONTAINED = 50.0  # the name or life event contains the whole query (+ up to CONTAINED_SHARE)
CONTAINED_SHARE = 20.0
CODE_PREFIX = 80.0
INITIALS_PREFIX = 70.0  # name initials start with the query (+ up to INITIALS_SHARE)
INITIALS_SHARE = 10.0
INITIALS_WORD = 55.0  # a word of the name starts the query's initials (gtgshsldj|yyzz)
RESULT_INITIALS = 30.0
MATERIAL_INITIALS = 10.0
DEPARTMENT_EXACT = 40.0
FIELD_WEIGHTS = {"name": 40.0, "life": 40.0, "result": 25.0, "departments": 12.0, "materials": 10.0}
FUZZY = 35.0
FUZZY_PINYIN_MIN = 85.0  # syllable similarity: homophones (餐官 / 餐馆) score 100, 营业执造 95
USE_BONUS_MAX = 6.0
USE_BONUS_PER_DECADE = 2.0  # +2 per tenfold use_count, up to USE_BONUS_MAX
SYNONYM_FACTOR = 0.9  # a rewritten query counts a little less than what was typed
CORRECTION_WEIGHT = 0.9
BUNDLE_MEMBER_FACTOR = 0.8  # a bundle's items follow it
BUNDLE_PULL_MIN = 30.0  # ... only when the bundle itself matched well
MIN_SCORE = 5.0  # below this a hit is one stray character (开 of 开餐馆 in 房地产开发)
MAX_VARIANTS = 6
MAX_WORD = 12
ONE_EDIT_MIN = 4  # characters a window needs before one wrong character may be corrected

# Words people put around what they want (我要…、…怎么办理); they say nothing about the item.
_FILLER_PREFIXES = ("我想要", "我需要", "我要", "我想", "想要", "需要", "请问", "如何", "怎么", "怎样", "哪里")
_FILLER_SUFFIXES = ("需要什么材料", "要什么材料", "需要哪些材料", "需要带什么", "要带什么", "怎么办理",
                    "如何办理", "怎么办", "在哪里办", "在哪办", "去哪办", "的流程", "流程", "手续")
# Tokens that carry no meaning of their own inside a query: their characters are not counted.
_STOP_TOKENS = frozenset({"的", "了", "和", "与", "及", "或", "吗", "呢", "啊", "个", "我", "我们", "想", "要",
                          "去", "在", "哪", "什么", "哪些", "怎么", "如何", "需要", "办", "办理"})
_DIGIT_RUN = re.compile(r"\d{6,}[\dxX]*")


# --- text helpers ----------------------------------------------------------------------------


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching (NFKC, lower case, letters and digits only: punctuation and
    spaces dropped), and for each kept character the index of the character it came from."""
    kept: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).lower():
            if c.isalnum():
                kept.append(c)
                where.append(i)
    return "".join(kept), where


def normalize(text: str) -> str:
    """The matching form of ``text``: ``（营业执照） `` → ``营业执照``, ``ＹＹＺＺ`` → ``yyzz``."""
    return normalize_with_map(text)[0]


def strip_fillers(normalized: str) -> str:
    """``normalized`` without the words people wrap around a request: 我要开餐馆 → 开餐馆.
    Never strips everything (我要 alone stays 我要)."""
    core = normalized
    changed = True
    while changed:
        changed = False
        for prefix in _FILLER_PREFIXES:
            if core.startswith(prefix) and len(core) > len(prefix):
                core, changed = core[len(prefix):], True
        for suffix in _FILLER_SUFFIXES:
            if core.endswith(suffix) and len(core) > len(suffix):
                core, changed = core[: -len(suffix)], True
    return core


def mask_personal_numbers(text: str) -> str:
    """Long digit runs (ID card, phone, account numbers) replaced by ``*``: people do type them
    into search boxes, and a search log is no place to keep them."""
    return _DIGIT_RUN.sub(lambda m: "*" * len(m.group()), text)


def initials(normalized: str) -> str:
    """One pinyin initial per character of a normalized text (Latin letters and digits stay as
    they are): 营业执照 → ``yyzz``. Same length as the input, so positions carry over."""
    if not normalized:
        return ""
    parts = lazy_pinyin(normalized, style=Style.FIRST_LETTER, errors=lambda s: list(s))
    if len(parts) != len(normalized):  # never seen; fall back to one character at a time
        parts = [lazy_pinyin(c, style=Style.FIRST_LETTER, errors=lambda s: list(s))[0] for c in normalized]
    return "".join((p[:1] or c) for p, c in zip(parts, normalized, strict=True)).lower()


def syllables(normalized: str) -> tuple[str, ...]:
    """Toneless pinyin, one syllable per character (other characters as themselves)."""
    if not normalized:
        return ()
    parts = lazy_pinyin(normalized, errors=lambda s: list(s))
    if len(parts) != len(normalized):
        parts = [lazy_pinyin(c, errors=lambda s: list(s))[0] for c in normalized]
    return tuple(p.lower() for p in parts)


def clean_synonym(term: str, words: Iterable[str]) -> tuple[str, list[str]]:
    """A synonym's term and words in matching form, deduplicated, in order; ``ValueError`` with a
    Chinese message (and an English code as ``args[1]``) when they cannot be used."""
    clean_term = normalize(term)
    if not clean_term:
        raise ValueError("同义词的词条不能为空", "synonym.term_empty")
    if len(clean_term) > SYNONYM_TERM_MAX_LENGTH:
        raise ValueError(f"词条不能超过{SYNONYM_TERM_MAX_LENGTH}个字", "synonym.term_too_long")
    clean_words: list[str] = []
    for word in words:
        w = normalize(word)
        if not w or w == clean_term or w in clean_words:
            continue
        if len(w) > SYNONYM_TERM_MAX_LENGTH:
            raise ValueError(f"同义词“{word}”不能超过{SYNONYM_TERM_MAX_LENGTH}个字", "synonym.word_too_long")
        clean_words.append(w)
    if not clean_words:
        raise ValueError("请至少填写一个与词条不同的同义词", "synonym.words_empty")
    if len(clean_words) > SYNONYM_WORDS_MAX:
        raise ValueError(f"一个词条最多{SYNONYM_WORDS_MAX}个同义词", "synonym.too_many_words")
    return clean_term, clean_words


_WORD_SPLIT = re.compile(r"[\s,，、;；/|]+")


def split_words(text: str) -> list[str]:
    """Words typed in one box, separated by commas (either width), 、, semicolons or new lines."""
    return [w for w in _WORD_SPLIT.split(text) if w]


# --- the index -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One candidate: an item (``kind="item"``, ``key`` its implementation code) or a bundle
    (``kind="bundle"``, ``key`` its code). ``display`` is what a results page shows about it;
    ranking never reads it."""

    kind: Literal["item", "bundle"]
    key: str
    name: str
    region_code: str
    department_codes: tuple[str, ...] = ()  # an item's department; a bundle's lead department first
    department_names: tuple[str, ...] = ()  # full and short names of those departments
    life_event: str = ""
    result_name: str = ""
    material_names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()  # implementation and basic code
    use_count: int = 0
    members: tuple[tuple[str, str], ...] = ()  # a bundle's items: (implementation code, situation)
    display: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Prepared:
    """A document with everything the scorer needs that does not depend on the query."""

    doc: Document
    name: str
    name_map: tuple[int, ...]
    name_core: str
    name_initials: str
    name_word_starts: frozenset[int]
    name_syllables: tuple[str, ...]
    life: str
    life_core: str
    life_initials: str
    life_syllables: tuple[str, ...]
    result: str
    result_initials: str
    departments: str
    department_exact: frozenset[str]
    materials: str
    material_initials: tuple[str, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Facet:
    """A department among the results: code, name and how many results it has."""

    code: str
    name: str
    count: int


@dataclass
class SearchIndex:
    """The prepared candidates, the vocabulary for corrections, and the segmenter."""

    prepared: list[_Prepared]
    segment: Segment
    vocabulary: frozenset[str]
    word_frequency: Counter
    by_length: dict[int, list[str]]
    homophones: dict[tuple[str, ...], list[str]]
    departments: list[tuple[str, str]]  # (code, name) of every department with a candidate


def _joined(texts: Iterable[str]) -> str:
    # "|" never survives normalization, so a word cannot match across two names.
    return "|".join(t for t in (normalize(x) for x in texts) if t)


def _word_starts(normalized: str, segment: Segment) -> frozenset[int]:
    return frozenset(start for word, start, _ in segment(normalized) if len(word) >= 2 or start == 0)


def _words(normalized: str, segment: Segment) -> set[str]:
    found = {w for w, _, _ in segment(normalized) if len(w) >= 2 and w not in _STOP_TOKENS}
    core = strip_fillers(normalized)
    if 2 <= len(core) <= MAX_WORD:
        found.add(core)
    if 2 <= len(normalized) <= MAX_WORD:
        found.add(normalized)
    return found


def build_index(documents: Iterable[Document], segment: Segment,
                extra_words: Iterable[str] = ()) -> SearchIndex:
    """Prepare ``documents`` for :func:`search`. ``extra_words`` (synonym terms and words) join
    the vocabulary that "did you mean" corrects towards."""
    prepared: list[_Prepared] = []
    frequency: Counter = Counter()
    departments: dict[str, str] = {}  # in the order the documents come (hall order)
    for doc in documents:
        name, name_map = normalize_with_map(doc.name)
        life = normalize(doc.life_event)
        result = normalize(doc.result_name)
        materials = [normalize(m) for m in doc.material_names]
        prepared.append(_Prepared(
            doc=doc, name=name, name_map=tuple(name_map), name_core=strip_fillers(name),
            name_initials=initials(name), name_word_starts=_word_starts(name, segment),
            name_syllables=syllables(strip_fillers(name)),
            life=life, life_core=strip_fillers(life), life_initials=initials(strip_fillers(life)),
            life_syllables=syllables(strip_fillers(life)),
            result=result, result_initials=initials(result),
            departments=_joined(doc.department_names),
            department_exact=frozenset(normalize(n) for n in doc.department_names if n),
            materials="|".join(m for m in materials if m),
            material_initials=tuple(initials(m) for m in materials if m),
            codes=tuple(c.lower() for c in doc.codes if c),
        ))
        words: set[str] = set()
        for text in (name, life, result):
            if text:
                words |= _words(text, segment)
        for dept in doc.department_names:
            if normalize(dept):
                words |= _words(normalize(dept), segment)
        frequency.update(words)
        if doc.kind == "item" and doc.department_codes:
            departments.setdefault(doc.department_codes[0], doc.department_names[0] if doc.department_names else "")
    for word in extra_words:
        w = normalize(word)
        if 2 <= len(w) <= MAX_WORD:
            frequency[w] += 1
    by_length: dict[int, list[str]] = {}
    homophones: dict[tuple[str, ...], list[str]] = {}
    for word in sorted(frequency, key=lambda w: (-frequency[w], w)):
        if word.isascii():
            continue  # pinyin initials and codes are matched as such, not corrected
        by_length.setdefault(len(word), []).append(word)
        homophones.setdefault(syllables(word), []).append(word)
    return SearchIndex(prepared=prepared, segment=segment, vocabulary=frozenset(frequency),
                       word_frequency=frequency, by_length=by_length, homophones=homophones,
                       departments=list(departments.items()))


# --- the query -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A word of the query, the characters of ``core`` it stands for, and how much it counts."""

    word: str
    start: int
    end: int
    weight: float = 1.0


@dataclass(frozen=True)
class Correction:
    """``core[start:end]`` is not a word of the catalog; ``word`` is, and is close to it."""

    start: int
    end: int
    word: str


@dataclass(frozen=True)
class Query:
    """What was typed, analysed: ``text`` normalized, ``core`` without filler words."""

    raw: str
    text: str
    core: str
    tokens: tuple[Token, ...]
    content: frozenset[int]  # positions of ``core`` that carry meaning (not stop words)
    corrections: tuple[Correction, ...] = ()

    @property
    def is_ascii(self) -> bool:
        return self.core.isascii()

    @property
    def suggestion(self) -> str | None:
        """The query with its corrections applied (for "did you mean"), or None."""
        if not self.corrections:
            return None
        out, at = [], 0
        for c in sorted(self.corrections, key=lambda c: c.start):
            out.append(self.core[at:c.start])
            out.append(c.word)
            at = c.end
        out.append(self.core[at:])
        return "".join(out)


def analyse(raw: str, index: SearchIndex, *, correct: bool = True) -> Query:
    """Normalize, strip fillers, segment, and (if ``correct``) find near-miss corrections."""
    text = normalize(raw[: QUERY_MAX_LENGTH * 2])
    core = strip_fillers(text)
    tokens = [Token(w, s, e) for w, s, e in index.segment(core) if w]
    stop = {i for t in tokens if t.word in _STOP_TOKENS for i in range(t.start, t.end)}
    content = frozenset(i for i in range(len(core)) if i not in stop) or frozenset(range(len(core)))
    tokens = [t for t in tokens if t.word not in _STOP_TOKENS]
    corrections = tuple(_corrections(core, index)) if correct else ()
    tokens += [Token(c.word, c.start, c.end, CORRECTION_WEIGHT) for c in corrections]
    return Query(raw=raw, text=text, core=core, tokens=tuple(tokens), content=content, corrections=corrections)


def _corrections(core: str, index: SearchIndex) -> list[Correction]:
    """Stretches of the query that are no word of the catalog but one character (or only the
    tones) away from one: 营业执造 → 营业执照, 餐官 → 餐馆. Longest stretches first; a stretch the
    catalog's own words already cover entirely needs no correction."""
    n = len(core)
    if n < 2 or core.isascii():
        return []
    vocabulary = index.vocabulary
    covered = [False] * n
    for length in range(min(n, MAX_WORD), 1, -1):
        for i in range(n - length + 1):
            if core[i:i + length] in vocabulary:
                covered[i:i + length] = [True] * length
    if all(covered):
        return []
    found: list[Correction] = []
    taken = [False] * n
    for length in range(min(n, MAX_WORD), 1, -1):
        for i in range(n - length + 1):
            if any(taken[i:i + length]) or all(covered[i:i + length]):
                continue
            window = core[i:i + length]
            if window in vocabulary:
                continue
            word = _homophone(window, index) or _one_edit(window, covered[i:i + length], index)
            if word:
                found.append(Correction(i, i + length, word))
                taken[i:i + length] = [True] * length
    return found


def _homophone(window: str, index: SearchIndex) -> str | None:
    words = [w for w in index.homophones.get(syllables(window), []) if w != window]
    return words[0] if words else None  # most frequent first (build_index sorts them)


def _one_edit(window: str, covered: list[bool], index: SearchIndex) -> str | None:
    """The most frequent catalog word one edit from ``window``. Only for four characters or more:
    in a shorter word one wrong character is a third of it or more, and 开饭店 is no typo of 开药店
    (homophones are caught for any length by :func:`_homophone`). A substitution must fall on a
    character the catalog's words do not already explain; dropping a character to reach a shorter
    word is no correction either (开餐馆 is 开 + 餐馆, not a typo of 餐馆)."""
    if len(window) < ONE_EDIT_MIN:
        return None
    best: tuple[int, str] | None = None
    for length in (len(window), len(window) + 1, len(window) - 1):
        choices = index.by_length.get(length, [])
        if not choices:
            continue
        for word, _, _ in process.extract(window, choices, scorer=Levenshtein.distance, score_cutoff=1,
                                          limit=None):
            if word in window:
                continue
            if len(word) == len(window):
                wrong = [k for k, (a, b) in enumerate(zip(window, word, strict=True)) if a != b]
                if any(covered[k] for k in wrong):
                    continue
            candidate = (index.word_frequency[word], word)
            if best is None or candidate[0] > best[0]:
                best = candidate
    return best[1] if best else None


# --- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One result: the document, its score, the characters of its name to highlight, and for
    an item pulled in by a bundle, that bundle and the item's situation in it."""

    doc: Document
    score: float
    marks: frozenset[int] = frozenset()
    via: Document | None = None
    situation: str = ""
    position: int = 0  # order inside ``via``

    @property
    def segments(self) -> list[tuple[str, bool]]:
        """The name cut into (text, highlighted) runs."""
        return highlight(self.doc.name, self.marks)


def highlight(text: str, marks: Iterable[int]) -> list[tuple[str, bool]]:
    """``text`` as runs of (characters, marked?) for ``<mark>``."""
    marked = set(marks)
    runs: list[tuple[str, bool]] = []
    for i, ch in enumerate(text):
        flag = i in marked
        if runs and runs[-1][1] == flag:
            runs[-1] = (runs[-1][0] + ch, flag)
        else:
            runs.append((ch, flag))
    return runs


def _coverage(query: Query, text: str) -> float:
    """Share of the query's meaningful characters whose words occur in ``text``."""
    if not text or not query.content:
        return 0.0
    weights: dict[int, float] = {}
    for token in query.tokens:
        if token.word in text:
            for i in range(token.start, token.end):
                if i in query.content:
                    weights[i] = max(weights.get(i, 0.0), token.weight)
    return sum(weights.values()) / len(query.content)


def _syllable_match(a: str, b: str) -> float:
    """1 for the same syllable, 0.8 for the near misses of pinyin input (zao/zhao, si/shi, in/ing:
    one letter apart, same first letter), else 0."""
    if a == b:
        return 1.0
    if a[:1] == b[:1] and Levenshtein.distance(a, b) == 1:
        return 0.8
    return 0.0


def _sounds_alike(query_syllables: tuple[str, ...], target: tuple[str, ...]) -> float:
    """Best pinyin similarity (0-100) of the query against any run of as many syllables in
    ``target``: syllable by syllable, so 餐官 matches 餐馆 but not 安全."""
    n = len(query_syllables)
    if n == 0 or len(target) < n:
        return 0.0
    best = 0.0
    for i in range(len(target) - n + 1):
        total = 0.0
        for a, b in zip(query_syllables, target[i:i + n], strict=True):
            total += _syllable_match(a, b)
        best = max(best, total)
        if best == n:
            break
    return 100.0 * best / n


def _marks(p: _Prepared, words: Iterable[str]) -> set[int]:
    marked: set[int] = set()
    for word in words:
        if not word:
            continue
        start = p.name.find(word)
        while start >= 0:
            marked.update(p.name_map[start:start + len(word)])
            start = p.name.find(word, start + 1)
    return marked


def _score(p: _Prepared, query: Query, query_syllables: tuple[str, ...]) -> tuple[float, set[int]]:
    core = query.core
    n = len(core)
    if n == 0:
        return 0.0, set()
    score = 0.0
    marks: set[int] = set()
    if core in (p.name, p.name_core) or (p.life and core in (p.life, p.life_core)) or core in p.codes:
        score += EXACT
        marks |= _marks(p, [core, query.text])
    elif core in p.name or (p.life and core in p.life):
        longest = max(len(p.name), len(p.life))
        score += CONTAINED + CONTAINED_SHARE * n / max(1, longest)
        marks |= _marks(p, [core])
    if core in p.department_exact:
        score += DEPARTMENT_EXACT
    if query.is_ascii and core.isalnum():
        if n >= 4 and any(code.startswith(core) for code in p.codes):
            score += CODE_PREFIX
        if n >= 2:
            if p.name_initials.startswith(core):
                score += INITIALS_PREFIX + INITIALS_SHARE * n / len(p.name_initials)
                marks.update(p.name_map[:n])
            elif n >= 3:
                at = p.name_initials.find(core)
                while at >= 0 and at not in p.name_word_starts:
                    at = p.name_initials.find(core, at + 1)
                if at >= 0:
                    score += INITIALS_WORD
                    marks.update(p.name_map[at:at + n])
            if p.life_initials.startswith(core):
                score += INITIALS_PREFIX
            if p.result_initials.startswith(core):
                score += RESULT_INITIALS
            if any(m.startswith(core) for m in p.material_initials):
                score += MATERIAL_INITIALS
    fields = {"name": p.name, "life": p.life, "result": p.result, "departments": p.departments,
              "materials": p.materials}
    for name, weight in FIELD_WEIGHTS.items():
        share = _coverage(query, fields[name])
        if share:
            score += weight * share * share
            if name == "name":
                marks |= _marks(p, [t.word for t in query.tokens if len(t.word) >= 2 or n == 1])
    if not query.is_ascii and n >= 2:
        similarity = 0.0
        for text, sounds in ((p.name_core, p.name_syllables), (p.life_core, p.life_syllables)):
            if not text:
                continue
            if n >= ONE_EDIT_MIN:
                # one wrong character in n: partial_ratio 100·(n-1)/n; accept that, not two.
                characters = fuzz.partial_ratio(core, text)
                if characters >= 100.0 * (n - 1) / n - 0.01:
                    similarity = max(similarity, characters)
            sounds_alike = _sounds_alike(query_syllables, sounds)
            # Two syllables must sound the same (餐官/餐馆); near syllables only in longer
            # queries, else 餐官 would find 生产管理 (chan guan).
            if sounds_alike >= (100.0 if n == 2 else FUZZY_PINYIN_MIN):
                similarity = max(similarity, sounds_alike)
        score += FUZZY * similarity / 100.0
    return score, marks


def use_bonus(use_count: int) -> float:
    """A small, saturating bonus for items people apply for often."""
    if use_count <= 0:
        return 0.0
    return min(USE_BONUS_MAX, USE_BONUS_PER_DECADE * math.log10(1 + use_count))


def _variants(query: Query, synonyms: Mapping[str, Sequence[str]]) -> list[str]:
    """The query rewritten with each synonym whose term it contains (饭店 → 餐馆)."""
    out: list[str] = []
    for term, words in synonyms.items():
        if not term or term not in query.core:
            continue
        for word in words:
            variant = query.core.replace(term, word)
            if variant != query.core and variant not in out:
                out.append(variant)
            if len(out) >= MAX_VARIANTS:
                return out
    return out


@dataclass(frozen=True)
class Outcome:
    """The answer to one search."""

    query: Query
    hits: list[Hit]  # best first, at most ``limit``
    total: int  # how many matched (before the limit)
    facets: list[Facet]  # departments among all matches (before the department filter)
    expanded: tuple[str, ...] = ()  # the synonym rewrites that were tried

    @property
    def suggestion(self) -> str | None:
        return self.query.suggestion


def _in_scope(doc: Document, region_prefix: str | None, department: str | None) -> bool:
    if region_prefix and not doc.region_code.startswith(region_prefix):
        return False
    return not department or department in doc.department_codes


def search(index: SearchIndex, raw: str, *, synonyms: Mapping[str, Sequence[str]] | None = None,
           region_prefix: str | None = None, department: str | None = None,
           limit: int = DEFAULT_LIMIT) -> Outcome:
    """Rank the candidates of ``index`` for ``raw``: items and bundles best first.

    ``region_prefix`` keeps candidates of a region and the regions below it (codes share the
    prefix); ``department`` keeps those of one department code (a bundle counts for its lead
    department and the departments of its items). Facets are counted before the department
    filter, so a results page can offer every department that has matches.
    """
    query = analyse(raw, index)
    in_region = [p for p in index.prepared if _in_scope(p.doc, region_prefix, None)]
    if not query.core:
        # No words: with a department, list what it handles (most used first); else nothing.
        chosen = [p.doc for p in in_region if department and department in p.doc.department_codes]
        chosen.sort(key=lambda d: (d.kind != "bundle", -d.use_count, d.name))
        hits = [Hit(doc, 0.0) for doc in chosen]
        return Outcome(query=query, hits=hits[:limit], total=len(hits), facets=_facets(hits))

    variants = _variants(query, synonyms or {})
    queries = [(query, 1.0)] + [(analyse(v, index, correct=False), SYNONYM_FACTOR) for v in variants]
    sounds = {id(q): syllables(q.core) for q, _ in queries}
    scored: dict[tuple[str, str], Hit] = {}
    for p in in_region:
        best, best_marks = 0.0, set()
        for q, factor in queries:
            value, marks = _score(p, q, sounds[id(q)])
            if value * factor > best:
                best, best_marks = value * factor, marks
        if best > 0:
            best += use_bonus(p.doc.use_count)
            scored[(p.doc.kind, p.doc.key)] = Hit(p.doc, best, frozenset(best_marks))

    # A well-matched bundle pulls its items in right behind it, in the bundle's order.
    items = {p.doc.key: p for p in in_region if p.doc.kind == "item"}
    for hit in sorted((h for h in scored.values() if h.doc.kind == "bundle"), key=lambda h: -h.score):
        if hit.score < BUNDLE_PULL_MIN:
            continue
        pulled = hit.score * BUNDLE_MEMBER_FACTOR
        for position, (code, situation) in enumerate(hit.doc.members):
            member = items.get(code)
            if member is None:
                continue
            own = scored.get(("item", code))
            if own is None or own.score < pulled:
                marks = own.marks if own is not None else frozenset()
                scored[("item", code)] = Hit(member.doc, pulled, marks, via=hit.doc, situation=situation,
                                             position=position)

    ranked = sorted((h for h in scored.values() if h.score >= MIN_SCORE),
                    key=lambda h: (-round(h.score, 6), h.position, -h.doc.use_count, h.doc.name))
    facets = _facets(ranked)
    kept = [h for h in ranked if _in_scope(h.doc, None, department)]
    return Outcome(query=query, hits=kept[:limit], total=len(kept), facets=facets, expanded=tuple(variants))


def _facets(hits: Iterable[Hit]) -> list[Facet]:
    counts: Counter = Counter()
    names: dict[str, str] = {}
    for hit in hits:
        doc = hit.doc
        if not doc.department_codes:
            continue
        code = doc.department_codes[0]
        counts[code] += 1
        names.setdefault(code, doc.department_names[0] if doc.department_names else code)
    return [Facet(code, names[code], n) for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

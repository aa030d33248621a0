"""The pure rules of the portal: text folding, pinyin, corrections, ranking on a small catalog,
the flow chart, bundle limits, synonyms, rate strings. No database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onewindow.portal import search as s
from onewindow.portal.guide import bundle_limits, clauses, flow_steps
from onewindow.portal.ratelimit import Rate, parse_rate
from onewindow.portal.segment import Segmenter

SEGMENT = Segmenter()


# --- text ----------------------------------------------------------------------------------------


def test_normalize_folds_width_case_and_drops_punctuation_keeping_positions():
    text, where = s.normalize_with_map("个体工商户（ＹＹＺＺ） 登记")
    assert text == "个体工商户yyzz登记"
    assert [where[i] for i in (0, 5, 9)] == [0, 6, 12]  # back to the characters they came from


def test_fillers_are_stripped_but_never_everything():
    assert s.strip_fillers("我要开餐馆") == "开餐馆"
    assert s.strip_fillers("开餐馆需要什么材料") == "开餐馆"
    assert s.strip_fillers("请问结婚登记怎么办理") == "结婚登记"
    assert s.strip_fillers("我要") == "我要"


def test_initials_have_one_letter_per_character():
    assert s.initials("营业执照") == "yyzz"
    assert s.initials("icp备案") == "icpba"
    assert len(s.initials("个体工商户设立登记营业执照")) == 13


def test_long_digit_runs_are_masked_before_logging():
    assert s.mask_personal_numbers("身份证110101199003071234办证") == "身份证" + "*" * 18 + "办证"
    assert s.mask_personal_numbers("13800138000") == "*" * 11
    assert s.mask_personal_numbers("2024年") == "2024年"


@given(st.text(max_size=30))
def test_normalize_is_idempotent_and_its_map_points_into_the_text(text):
    folded, where = s.normalize_with_map(text)
    assert s.normalize(folded) == folded
    assert len(where) == len(folded)
    assert all(0 <= i < len(text) for i in where)


def test_highlight_cuts_the_name_into_marked_runs():
    assert s.highlight("营业执照补领", {0, 1, 2, 3}) == [("营业执照", True), ("补领", False)]
    assert s.highlight("abc", set()) == [("abc", False)]


# --- synonyms ------------------------------------------------------------------------------------


def test_a_synonym_is_cleaned_and_refused_when_empty():
    assert s.clean_synonym(" 饭店 ", ["餐馆", "餐厅", "餐馆", "饭店"]) == ("饭店", ["餐馆", "餐厅"])
    with pytest.raises(ValueError) as caught:
        s.clean_synonym("饭店", ["饭店"])
    assert caught.value.args[1] == "synonym.words_empty"
    with pytest.raises(ValueError) as caught:
        s.clean_synonym("（）", ["餐馆"])
    assert caught.value.args[1] == "synonym.term_empty"
    assert s.split_words("餐馆、餐厅，饭馆\n食堂") == ["餐馆", "餐厅", "饭馆", "食堂"]


# --- ranking on a small catalog ------------------------------------------------------------------


def _catalog() -> s.SearchIndex:
    docs = [
        s.Document("item", "A1", "个体工商户设立登记（营业执照）", "990121000000", ("GSJ",), ("云溪县工商局", "工商局"),
                   result_name="营业执照", material_names=("经营者身份证明",), use_count=50),
        s.Document("item", "A2", "营业执照补领、换发", "990121000000", ("GSJ",), ("云溪县工商局",), result_name="营业执照"),
        s.Document("item", "B1", "食品经营许可证核发", "990121000000", ("SYJ",), ("云溪县食品药品监督管理局",),
                   material_names=("营业执照",)),
        s.Document("item", "C1", "结婚登记", "990121000000", ("MZJ",), ("云溪县民政局", "民政局")),
        s.Document("item", "D1", "离婚登记", "990122000000", ("MZJ",), ("邻水县民政局",)),
        s.Document("bundle", "Y1", "我要开餐馆", "990121000000", ("GSJ", "SYJ"), ("云溪县工商局",),
                   life_event="我要开餐馆", members=(("A1", "个体经营的"), ("B1", ""))),
        s.Document("bundle", "Y2", "我要开药店", "990121000000", ("SYJ",), ("云溪县食品药品监督管理局",),
                   life_event="我要开药店", members=(("B1", ""),)),
    ]
    SEGMENT.add_words([d.name for d in docs] + ["我要开餐馆"])
    return s.build_index(docs, SEGMENT)


@pytest.fixture(scope="module")
def index() -> s.SearchIndex:
    return _catalog()


def _keys(outcome: s.Outcome) -> list[str]:
    return [h.doc.key for h in outcome.hits]


def test_pinyin_initials_find_the_names_that_hold_them_first(index):
    outcome = s.search(index, "yyzz")
    assert _keys(outcome)[:2] == ["A2", "A1"]  # a prefix beats a word inside the name
    assert outcome.hits[1].segments[1] == ("营业执照", True)


def test_a_life_event_finds_its_bundle_first_and_then_its_items(index):
    outcome = s.search(index, "我要开餐馆")
    assert _keys(outcome)[:3] == ["Y1", "A1", "B1"]
    assert outcome.hits[1].via is not None
    assert outcome.hits[1].via.key == "Y1"
    assert outcome.hits[1].situation == "个体经营的"


def test_one_wrong_character_is_corrected_and_suggested(index):
    outcome = s.search(index, "营业执造")
    assert _keys(outcome)[0] in {"A1", "A2"}
    assert outcome.suggestion == "营业执照"


def test_a_homophone_finds_the_word_it_sounds_like(index):
    outcome = s.search(index, "餐官")
    assert _keys(outcome)[0] == "Y1"
    assert outcome.suggestion == "餐馆"


def test_a_word_next_to_a_known_word_is_no_typo(index):
    assert s.search(index, "开餐馆").suggestion is None
    assert s.search(index, "开饭店").suggestion is None  # not "开药店": one wrong in three is too much


def test_synonyms_rewrite_the_query(index):
    before = s.search(index, "我要开饭店")
    after = s.search(index, "我要开饭店", synonyms={"饭店": ["餐馆"]})
    assert not before.hits or before.hits[0].doc.key != "Y1"
    assert _keys(after)[0] == "Y1"
    assert after.expanded == ("开餐馆",)


def test_department_filter_region_filter_and_facets(index):
    everything = s.search(index, "登记")
    assert {h.doc.key for h in everything.hits} >= {"A1", "C1", "D1"}
    only_civil = s.search(index, "登记", department="MZJ")
    assert {h.doc.key for h in only_civil.hits} == {"C1", "D1"}
    assert {f.code for f in only_civil.facets} >= {"MZJ", "GSJ"}  # facets ignore the department filter
    in_county = s.search(index, "登记", region_prefix="990121")
    assert "D1" not in _keys(in_county)


def test_a_department_name_finds_its_items(index):
    assert set(_keys(s.search(index, "民政局"))) >= {"C1", "D1"}


def test_an_empty_query_lists_a_department_or_nothing(index):
    assert s.search(index, "").hits == []
    assert _keys(s.search(index, "", department="GSJ"))[0] == "Y1"


def test_nothing_matches_nonsense(index):
    outcome = s.search(index, "xyzq")
    assert outcome.total == 0
    assert outcome.hits == []


def test_use_breaks_ties_but_saturates():
    assert s.use_bonus(0) == 0
    assert s.use_bonus(9) < s.use_bonus(99) <= s.USE_BONUS_MAX
    assert s.use_bonus(10**9) == s.USE_BONUS_MAX


# --- the guide -----------------------------------------------------------------------------------


class _Stage:
    def __init__(self, order: int, budget: int, group: int | None = None) -> None:
        self.order, self.budget_workdays, self.parallel_group = order, budget, group


def test_parallel_stages_become_one_step_where_the_first_stands():
    stages = [_Stage(1, 0), _Stage(2, 10, 1), _Stage(4, 8, 1), _Stage(3, 6, 1), _Stage(5, 4), _Stage(6, 1)]
    steps = flow_steps(stages)
    assert [[st.order for st in step.stages] for step in steps] == [[1], [2, 3, 4], [5], [6]]
    assert [step.parallel for step in steps] == [False, True, False, False]
    assert sum(step.budget_workdays for step in steps) == 15


def test_a_group_of_one_is_no_parallel_step():
    assert flow_steps([_Stage(1, 2, 7)])[0].parallel is False


def test_bundle_limits_add_and_take_the_longest_of_working_days():
    limits = bundle_limits([(0, "workday"), (10, "workday"), (7, "workday"), (30, "natural_day")])
    assert (limits.total_workdays, limits.longest_workdays, limits.natural_day_items, limits.instant_items) == (
        17, 10, 1, 1)


def test_conditions_are_split_into_clauses():
    assert clauses("男女双方完全自愿；双方均无配偶；\n一方户口在本县。") == ["男女双方完全自愿", "双方均无配偶", "一方户口在本县"]


# --- rates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "rate"), [("60/m", Rate(60, 60)), ("5/s", Rate(5, 1)), ("1000/h", Rate(1000, 3600)),
                                            (" 100 / 5m ", Rate(100, 300)), ("10000/d", Rate(10000, 86400))])
def test_rates_are_parsed(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "60", "m/60", "0/m", "60/x", "-1/m", "60/0m"])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError):
        parse_rate(text)

"""Pure rules of the organization: region codes and roles. No Django imports.

Region codes are the 12-digit statistical division codes (统计用区划代码): 2 digits province,
2 city, 2 county, 3 township, 3 village. A region's *prefix* is the part of its code that its
level fixes; every descendant's code starts with it, so "this region and below" is one
``startswith`` — an index range scan.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class RegionLevel(IntEnum):
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5


PREFIX_DIGITS = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}

LEVEL_LABELS = {
    RegionLevel.PROVINCE: "省",
    RegionLevel.CITY: "市",
    RegionLevel.COUNTY: "县",
    RegionLevel.TOWNSHIP: "乡镇",
    RegionLevel.VILLAGE: "村",
}


class InvalidRegionCode(ValueError):
    pass


def region_level(code: str) -> RegionLevel:
    """The level a 12-digit region code denotes, read from its trailing zeros."""
    if len(code) != 12 or not code.isdigit():
        raise InvalidRegionCode(f"区划代码须为12位数字：{code!r}")
    if code[2:] == "0" * 10:
        return RegionLevel.PROVINCE
    if code[4:] == "0" * 8:
        return RegionLevel.CITY
    if code[6:] == "0" * 6:
        return RegionLevel.COUNTY
    if code[9:] == "000":
        return RegionLevel.TOWNSHIP
    return RegionLevel.VILLAGE


def region_prefix(code: str) -> str:
    """The significant digits of a region code; every descendant's code starts with them."""
    return code[: PREFIX_DIGITS[region_level(code)]]


def parent_code(code: str) -> str | None:
    """The code of the region one level up, or None for a province."""
    level = region_level(code)
    if level == RegionLevel.PROVINCE:
        return None
    keep = PREFIX_DIGITS[RegionLevel(level - 1)]
    return code[:keep].ljust(12, "0")


def is_within(code: str, ancestor_code: str) -> bool:
    """True if ``code`` is ``ancestor_code`` itself or below it."""
    return code.startswith(region_prefix(ancestor_code))


class Role(StrEnum):
    """The roles of DESIGN.md §1. Values are stored; labels are shown."""

    CLERK = "clerk"
    REVIEWER = "reviewer"
    CHIEF_REPRESENTATIVE = "chief_representative"
    CENTER_ADMIN = "center_admin"
    SUPERVISOR = "supervisor"
    PROXY_AGENT = "proxy_agent"
    # 本级人民政府负责人: approves the extension of a joint case (行政许可法 第四十二条第二款).
    GOVERNMENT_HEAD = "government_head"


ROLE_LABELS = {
    Role.CLERK: "窗口工作人员",
    Role.REVIEWER: "后台审核人员",
    Role.CHIEF_REPRESENTATIVE: "首席代表",
    Role.CENTER_ADMIN: "中心管理员",
    Role.SUPERVISOR: "电子监察员",
    Role.PROXY_AGENT: "村代办员",
    Role.GOVERNMENT_HEAD: "本级人民政府负责人",
}

# Roles whose view reaches down the region tree (DESIGN.md §1: supervisors see the regions
# below theirs; a center administrator maintains the catalogs of the centers below).
SUBTREE_ROLES = frozenset({Role.SUPERVISOR, Role.CENTER_ADMIN})


class Power(StrEnum):
    """What an authorization (授权) lets a staff member do with an item."""

    ACCEPT = "accept"
    DECIDE = "decide"


POWER_LABELS = {Power.ACCEPT: "受理", Power.DECIDE: "审批决定"}

"""Demo codes the portal tests name, and readers of the pages they get."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Demo codes the tests name (onewindow/demo/data/catalog.yaml).
RESTAURANT = "990121-YJS-001"  # 我要开餐馆
SOLE_TRADER = "11990121MB0000109N000110001000"  # 个体工商户设立登记（营业执照）
LICENCE_REISSUE = "11990121MB0000109N000110011000"  # 营业执照补领、换发
JOINT_SITE = "11990121MB00000293000102005000"  # 建设项目用地预审与选址意见书核发（并联审查）: 4 parallel stages
TRANSFER = "11990121MB00000293000102002000"  # 不动产转移登记: fees and a blank form
MARRIAGE = "11990121MB00000192000101001000"  # 结婚登记: a blank form, no fee
COUNTY = "990121000000"


class Tags(HTMLParser):
    """Start tags with their attributes, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(body: str) -> Tags:
    parser = Tags()
    parser.feed(body)
    return parser


def text_of(body: str) -> str:
    """The page's text with whitespace collapsed (so a value split over lines still matches)."""
    return re.sub(r"\s+", " ", "".join(parse(body).text))


def results(body: str) -> list[tuple[str, str]]:
    """(kind, code) of the results on a search page, in order."""
    return re.findall(r'data-kind="(item|bundle)" data-code="([^"]+)"', body)

"""A page of a long staff list with the links to its neighbours (template ``_list_pager.html``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page


@dataclass(frozen=True)
class ListPage:
    """A page of one list, with links to its neighbours that keep the page's other parameters."""

    page: Page
    previous_url: str
    next_url: str


def list_page(page: Page, url: Callable[[int], str]) -> ListPage:
    """``page`` with the links ``url(number)`` gives to the previous and the next page, if any."""
    return ListPage(page, url(page.previous_page_number()) if page.has_previous() else "",
                    url(page.next_page_number()) if page.has_next() else "")

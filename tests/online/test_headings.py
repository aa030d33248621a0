"""Chinese headings take full-width punctuation, whatever the English source string had."""

from __future__ import annotations

import re

import pytest

from tests.online.helpers import apply_url

pytestmark = pytest.mark.django_db


def test_a_chinese_heading_takes_a_full_width_colon(my_client, hall):
    html = my_client.get(apply_url(hall)).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert f"网上申请：{hall.item.current_version.name}" == heading

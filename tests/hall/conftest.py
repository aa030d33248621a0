"""The hall of the hall tests: 云溪县 (the cases' ``hall`` fixture) with a window group of three
windows — 01 (the general window, calls A then B), 02 (calls B, and A as its backup), 03 (calls
A) — queues A (the committed item) and B (the instant item), a clerk per window and an
administrator."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onewindow.hall.models import Queue, WindowGroup, WindowQueue
from onewindow.organization.models import Staff, Window
from onewindow.organization.rules import Role

from .helpers import window_clerk


@dataclass
class Lobby:
    hall: object
    group: WindowGroup
    queue_a: Queue
    queue_b: Queue
    w1: Window
    w2: Window
    w3: Window
    clerk1: Staff
    clerk2: Staff
    clerk3: Staff
    admin: Staff


@pytest.fixture
def lobby(hall) -> Lobby:
    county = hall.county
    w2 = Window.objects.create(region=county, number="02", name="不动产窗口", kind="dedicated")
    w3 = Window.objects.create(region=county, number="03", name="工商窗口", kind="dedicated")
    group = WindowGroup.objects.create(region=county, code="ZH", name="综合受理区", wait_warn_minutes=30)
    group.windows.set([hall.window, w2, w3])
    qa = Queue.objects.create(group=group, letter="A", name="工商登记", order=1)
    qa.items.set([hall.item])
    qb = Queue.objects.create(group=group, letter="B", name="即办业务", order=2)
    qb.items.set([hall.instant_item])
    WindowQueue.objects.create(window=hall.window, queue=qa, rank=1)
    WindowQueue.objects.create(window=hall.window, queue=qb, rank=2)
    WindowQueue.objects.create(window=w2, queue=qb, rank=1)
    WindowQueue.objects.create(window=w2, queue=qa, rank=5)  # AB backup: A only when B is empty
    WindowQueue.objects.create(window=w3, queue=qa, rank=1)
    return Lobby(hall=hall, group=group, queue_a=qa, queue_b=qb, w1=hall.window, w2=w2, w3=w3,
                 clerk1=hall.clerk, clerk2=window_clerk("clerk2", county, w2), clerk3=window_clerk("clerk3", county, w3),
                 admin=window_clerk("hall_admin", county, None, Role.CENTER_ADMIN))

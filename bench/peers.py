"""A peer side by side: the same approval process in SpiffWorkflow and in onewindow, on PostgreSQL.
Run from the repository root:

    .venv/bin/python bench/peers.py [--smoke] [--lifecycles N]

The process: application received → accepted → two reviews in parallel, in two departments →
decision → certificate; six transactions in each engine.

- **SpiffWorkflow** (the Python BPMN engine a government team would otherwise pick; a
  benchmark-only dependency, never imported by the application): the process as BPMN 2.0 with a
  parallel gateway; each step loads the workflow's serialized state from its row
  (``SELECT … FOR UPDATE``), runs the ready user task, runs the engine, stores the state back and
  appends an audit row, in one transaction, in the same PostgreSQL database.
- **onewindow**: an item whose two review stages share a parallel group in two departments, run
  through :mod:`onewindow.cases.services` with everything on: the legal clock in working days,
  deadline rows, the hash-chained events, numbered notices, the signed certificate, queued SMS.

Both run one lifecycle after another in this process (one connection each), after a warm-up, and
the same number of lifecycles; the figure is lifecycles per second, the **target onewindow ≥ 2×
the peer**. ``DATABASE_URL`` names the database (default
``postgres://postgres@127.0.0.1:5432/onewindow_bench``; its case tables are emptied, so its name
must end in ``_bench``). ``--smoke`` runs 5 lifecycles of each and judges nothing. The result is
written to bench/results/peers.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory would come first on the path and its calendar.py would shadow
# the standard library's ``calendar``: put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from bench.support import pg  # noqa: E402

# The database plumbing of bench/cases.py (server, configuration, empty tables), shared, not copied.
_spec = importlib.util.spec_from_file_location("bench_cases", _HERE / "cases.py")
bench_cases = sys.modules["bench_cases"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_cases)

RESULTS = _HERE / "results" / "peers.json"
DEFAULT_LIFECYCLES = 300
WARMUP = 5
TARGET = 2.0
ITEM_CODE = "11990121BENCH000000000000000002"
REVIEW_DEPARTMENTS = ("GSJ", "SCJ")

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="approval_definitions"
                  targetNamespace="http://onewindow.example/bench">
  <bpmn:process id="approval" isExecutable="true">
    <bpmn:startEvent id="received"/>
    <bpmn:sequenceFlow id="f1" sourceRef="received" targetRef="accept"/>
    <bpmn:userTask id="accept" name="受理"/>
    <bpmn:sequenceFlow id="f2" sourceRef="accept" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="review_a"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="review_b"/>
    <bpmn:userTask id="review_a" name="审查（市场监管）"/>
    <bpmn:userTask id="review_b" name="审查（卫生健康）"/>
    <bpmn:sequenceFlow id="f5" sourceRef="review_a" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="review_b" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="decide"/>
    <bpmn:userTask id="decide" name="决定"/>
    <bpmn:sequenceFlow id="f8" sourceRef="decide" targetRef="certificate"/>
    <bpmn:userTask id="certificate" name="制证"/>
    <bpmn:sequenceFlow id="f9" sourceRef="certificate" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>
"""
PEER_STEPS = (("accept", 1), ("review_a", 2), ("review_b", 3), ("decide", 4), ("certificate", 1))


# --- the peer: SpiffWorkflow with its state in PostgreSQL ---------------------------------------------


class Peer:
    """SpiffWorkflow, its serialized workflow a row of ``bench_peer_workflow``, each step audited."""

    def __init__(self) -> None:
        from django.db import connection
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_str(BPMN.encode("utf-8"))
        self.spec = parser.get_spec("approval")
        self.serializer = BpmnWorkflowSerializer()
        with connection.cursor() as c:
            c.execute("DROP TABLE IF EXISTS bench_peer_event, bench_peer_workflow")
            c.execute("CREATE TABLE bench_peer_workflow (id bigserial PRIMARY KEY, state jsonb NOT NULL, "
                      "completed boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL)")
            c.execute("CREATE TABLE bench_peer_event (id bigserial PRIMARY KEY, workflow_id bigint NOT NULL "
                      "REFERENCES bench_peer_workflow (id), task text NOT NULL, actor integer NOT NULL, "
                      "data jsonb NOT NULL, at timestamptz NOT NULL)")
            c.execute("CREATE INDEX ON bench_peer_event (workflow_id)")

    def start(self) -> int:
        from django.db import connection, transaction
        from SpiffWorkflow.bpmn import BpmnWorkflow

        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        with transaction.atomic(), connection.cursor() as c:
            c.execute("INSERT INTO bench_peer_workflow (state, updated_at) VALUES (%s, now()) RETURNING id",
                      [self.serializer.serialize_json(workflow)])
            workflow_id = c.fetchone()[0]
            c.execute("INSERT INTO bench_peer_event (workflow_id, task, actor, data, at) VALUES (%s, %s, %s, %s, now())",
                      [workflow_id, "received", 0, json.dumps({"applicant": "测试申请人"}, ensure_ascii=False)])
        return workflow_id

    def step(self, workflow_id: int, task_id: str, actor: int) -> None:
        from django.db import connection, transaction
        from SpiffWorkflow.util.task import TaskState

        data = {"actor": actor, "opinion": "材料齐全，符合法定条件"}
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT state FROM bench_peer_workflow WHERE id = %s FOR UPDATE", [workflow_id])
            state = c.fetchone()[0]
            workflow = self.serializer.deserialize_json(state if isinstance(state, str) else json.dumps(state))
            ready = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == task_id]
            if not ready:
                raise RuntimeError(f"{task_id} is not ready in workflow {workflow_id}")
            ready[0].data.update(data)
            ready[0].run()
            workflow.do_engine_steps()
            c.execute("UPDATE bench_peer_workflow SET state = %s, completed = %s, updated_at = now() WHERE id = %s",
                      [self.serializer.serialize_json(workflow), workflow.is_completed(), workflow_id])
            c.execute("INSERT INTO bench_peer_event (workflow_id, task, actor, data, at) VALUES (%s, %s, %s, %s, now())",
                      [workflow_id, task_id, actor, json.dumps(data, ensure_ascii=False)])

    def lifecycle(self) -> None:
        workflow_id = self.start()
        for task_id, actor in PEER_STEPS:
            self.step(workflow_id, task_id, actor)


# --- onewindow ---------------------------------------------------------------------------------------


def _organization() -> dict[str, Any]:
    """bench/cases.py's county, a second department, a reviewer in each, and one item whose two
    review stages run in parallel, one per department. Idempotent."""
    from django.contrib.auth import get_user_model

    from onewindow.catalog.models import Material, ServiceItem, ServiceItemVersion, Stage
    from onewindow.organization.models import Department, Posting, Region, Staff, Window
    from onewindow.organization.rules import Role

    ids = bench_cases._organization()
    county = Region.objects.get(code=bench_cases.COUNTY)
    departments = {"GSJ": Department.objects.get(region=county, code="GSJ")}
    departments["SCJ"], _ = Department.objects.get_or_create(region=county, code="SCJ",
                                                             defaults={"name": "云溪县卫生健康局"})
    for code in REVIEW_DEPARTMENTS:
        username = f"bench.peer.{code.lower()}"
        staff = Staff.objects.filter(user__username=username).first()
        if staff is None:
            user = get_user_model().objects.create_user(username=username, password=None)
            staff = Staff.objects.create(user=user, name=username, employee_number=username, region=county,
                                         department=departments[code])
            Posting.objects.create(staff=staff, role=Role.REVIEWER, region=county, department=departments[code])
        ids[f"review_{code}"] = staff.pk
    if not ServiceItem.objects.filter(implementation_code=ITEM_CODE).exists():
        window = Window.objects.get(region=county, number="01")
        item = ServiceItem.objects.create(region=county, department=departments["GSJ"], implementation_code=ITEM_CODE,
                                          basic_code=ITEM_CODE[-12:])
        item.windows.add(window)
        version = ServiceItemVersion.objects.create(
            item=item, version=1, name="餐饮服务食品经营许可（并联审查，基准测试）", item_type="licensing",
            implementing_body=departments["GSJ"].name, legal_basis="《中华人民共和国食品安全法》第三十五条",
            acceptance_conditions="具有与经营的食品品种、数量相适应的经营场所", statutory_limit=20, promised_limit=10,
            handling_type="committed", result_type="certificate", result_name="食品经营许可证",
            delivery_methods=["window"])
        for order, name in enumerate(["食品经营许可申请书", "营业执照", "经营场所平面图"], start=1):
            Material.objects.create(version=version, order=order, name=name, required=True)
        stages = [("受理", "clerk", "GSJ", 0, None), ("审查（市场监管）", "reviewer", "GSJ", 3, 1),
                  ("审查（卫生健康）", "reviewer", "SCJ", 3, 1), ("决定", "chief_representative", "GSJ", 1, None)]
        for order, (name, role, dept, days, group) in enumerate(stages, start=1):
            Stage.objects.create(version=version, order=order, name=name, role=role, budget_workdays=days,
                                 department_code=dept, parallel_group=group)
        item.current_version = version
        item.save(update_fields=["current_version"])
    return ids


def _onewindow_inputs(staff_ids: dict[str, int]) -> dict[str, Any]:
    from onewindow.organization.models import Staff

    inputs = bench_cases._inputs(0, {k: v for k, v in staff_ids.items() if not k.startswith("review_")})
    inputs["staff"].update({k: Staff.objects.select_related("region").get(pk=v)
                            for k, v in staff_ids.items() if k.startswith("review_")})
    return inputs


def onewindow_lifecycle(ids: dict[str, Any]) -> None:
    """Submit, accept, the two parallel reviews, the decision and the certificate: six transactions."""
    from onewindow.cases import services as s

    staff = ids["staff"]
    case = s.case_submit(actor=staff["clerk"], item_code=ITEM_CODE, applicant=ids["applicant"],
                         materials=ids["materials"], window_number="01")
    s.case_accept(case_id=case.id, actor=staff["clerk"])
    s.case_complete_stage(case_id=case.id, actor=staff["review_GSJ"], stage_order=2, opinion="材料齐全，符合法定条件")
    s.case_complete_stage(case_id=case.id, actor=staff["review_SCJ"], stage_order=3, opinion="现场核查合格")
    s.case_decide(case_id=case.id, actor=staff["chief"], grant=True)
    s.case_issue_certificate(case_id=case.id, actor=staff["clerk"])


# --- the run -----------------------------------------------------------------------------------------


def _timed(run: Any, lifecycles: int) -> dict[str, Any]:
    for _ in range(WARMUP):
        run()
    began = time.perf_counter()
    for _ in range(lifecycles):
        run()
    seconds = time.perf_counter() - began
    return {"lifecycles": lifecycles, "seconds": round(seconds, 3),
            "lifecycles_per_second": round(lifecycles / seconds, 2) if seconds else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="5 lifecycles of each; judges nothing")
    parser.add_argument("--lifecycles", type=int, default=None, help=f"per engine (default {DEFAULT_LIFECYCLES})")
    args = parser.parse_args(argv)
    lifecycles = args.lifecycles or (5 if args.smoke else DEFAULT_LIFECYCLES)
    server = pg.parse(os.environ.get("DATABASE_URL") or bench_cases.DEFAULT_URL)
    if not server.url.startswith(("postgres://", "postgresql://")):
        return pg.skip(f"DATABASE_URL is not PostgreSQL ({server.url.split(':', 1)[0]})")
    if not server.name.endswith("_bench"):
        print(f"refused: the benchmark empties the case tables of {server.name!r}, which does not end in _bench",
              file=sys.stderr)
        return 2
    if (problem := pg.prepare_database(server.url, fresh=True)) is not None:
        return pg.skip(problem)
    var_dir = tempfile.mkdtemp(prefix="onewindow-peers-")
    bench_cases._configure(server, var_dir)
    import django
    from django.core.management import call_command

    django.setup()
    bench_cases._quiet()
    import logging

    logging.getLogger("spiff").setLevel(logging.WARNING)  # a line per task state: not the peer's work
    call_command("migrate", verbosity=0)
    bench_cases._empty_case_tables()
    staff_ids = _organization()
    inputs = _onewindow_inputs(staff_ids)
    peer = Peer()

    # Alternating halves, so both engines see the machine's drift alike.
    half = max(lifecycles // 2, 1)
    ours = [_timed(lambda: onewindow_lifecycle(inputs), half), _timed(lambda: onewindow_lifecycle(inputs), half)]
    theirs = [_timed(peer.lifecycle, half), _timed(peer.lifecycle, half)]
    ours_rate = round(2 * half / sum(r["seconds"] for r in ours), 2)
    theirs_rate = round(2 * half / sum(r["seconds"] for r in theirs), 2)
    ratio = round(ours_rate / theirs_rate, 2) if theirs_rate else 0.0
    shutil.rmtree(var_dir, ignore_errors=True)
    result = {
        "benchmark": "peers", "smoke": args.smoke, "python": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "onewindow": {"lifecycles_per_second": ours_rate, "runs": ours},
        "spiffworkflow": {"lifecycles_per_second": theirs_rate, "runs": theirs},
        "ratio": ratio, "target": TARGET, "ok": args.smoke or ratio >= TARGET,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"onewindow (clock, deadlines, chained events, notices, signed certificate): {ours_rate} lifecycles/s")
    print(f"SpiffWorkflow (BPMN, state as rows, audit rows): {theirs_rate} lifecycles/s")
    print(f"ratio {ratio}× (target ≥ {TARGET}×) {'ok' if ratio >= TARGET else 'MISSED'}"
          + (" — smoke run, not judged" if args.smoke else ""))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Deterministic generator of the demo professional-services firm.

`generate(seed, scale, today)` returns `(dataset, labels)`: the dataset maps each Odoo
model to raw stored records (what the demo server serves); the labels list the planted
situations an evaluation must find. Everything is relative to `today`, so the demo is
always current, and the same (seed, scale, today) gives byte-identical output.

    python -m demo_odoo.generator --seed 7 --scale 1 --out data.json --labels labels.json
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from demo_odoo.gen.chatter import angry_project_message, plant_injections, project_chatter
from demo_odoo.gen.core import MODELS, Builder, Dataset
from demo_odoo.gen.finalize import finalize
from demo_odoo.gen.helpdesk import build_tickets
from demo_odoo.gen.people import build_clients, build_fixed, build_leaves, build_people
from demo_odoo.gen.projects import ProjectPlan, plan_projects
from demo_odoo.gen.timesheets import build_timesheets, last_working_days

__all__ = ["generate", "load", "save", "write_labels"]


class DatasetFileError(ValueError):
    """A dataset file is not a JSON object of model -> list of records."""


def generate(
    seed: int = 7, scale: int = 1, today: date | None = None
) -> tuple[Dataset, dict[str, Any]]:
    """Build the firm `scale` times over; return (dataset, labels)."""
    if scale < 1:
        raise ValueError(f"scale must be >= 1, got {scale}; use 1 for the standard demo firm")
    day = today or datetime.now(UTC).date()
    b = Builder(random.Random(seed), day, scale)
    build_fixed(b)
    for _ in range(scale):
        build_copy(b)
    finish(b)
    labels = {
        "seed": seed,
        "scale": scale,
        "today": day.isoformat(),
        "now": b.at(day, 0),
        "situations": b.situations,
        "tickets": b.ticket_labels,
        "duplicates": b.duplicates,
    }
    return b.data, labels


def build_copy(b: Builder) -> None:
    """One firm: 40 people, 12 projects, ~300 tasks, ~150 tickets, all situations once."""
    rng = b.rng
    people = build_people(b)
    clients = build_clients(b, 10)
    special = rng.sample([p for p in people if p.role == "consultant"], 5)
    recent, missing, late = special[:2], special[2:4], special[4]
    plans = plan_projects(b, people, clients, recent)
    build_leaves(b, people, recent)
    skip_from = last_working_days(b.today, 8)[-1]
    for person in missing:
        person.skip_from = skip_from
    late.late = True
    build_timesheets(b, people, plans)
    figures = {plan.id: finalize(b, plan) for plan in plans}
    project_labels(b, plans, figures)
    for person in missing:
        b.label(
            "missing_timesheets",
            "timesheet_compliance",
            "hr.employee",
            person.emp_id,
            None,
            "high",
            [("hr.employee", person.emp_id)],
            f"No timesheet since {skip_from.isoformat()} (8 working days), not on leave.",
        )
    late_label(b, late.emp_id)
    slip = next(p for p in plans if p.role == "slip")
    assert slip.client is not None
    projects: dict[int, int] = {}
    for plan in plans[1:]:
        if plan.client is not None:
            projects.setdefault(plan.client, plan.id)
    agents = [p for p in people if p.role == "support"]
    desk = build_tickets(b, agents, clients, projects, (slip.client, slip.id))
    project_chatter(b, plans)
    message = angry_project_message(b, slip, slip.client)
    b.situations[-1]["records"].append(["mail.message", message])
    plant_injections(b, plans, desk)


def project_labels(
    b: Builder, plans: list[ProjectPlan], figures: dict[int, dict[str, float]]
) -> None:
    for plan in plans:
        f, pid = figures[plan.id], plan.id
        ref = [("project.project", pid)]
        if plan.role == "overrun":
            b.label(
                "budget_overrun",
                "budget",
                "project.project",
                pid,
                pid,
                "high",
                ref,
                f"{f['ac']:.0f} h logged on a {f['bac']:.0f} h budget at {f['pc']:.0%} complete.",
            )
            b.label(
                "pm_status_divergent",
                "schedule",
                "project.project",
                pid,
                pid,
                "medium",
                [*ref, ("project.update", int(plan.row["last_update_id"]))],
                "Latest update says on_track while the budget is overrun.",
            )
        elif plan.role == "slip":
            overdue = [t for t in plan.tasks if t.kind == "overdue"]
            b.label(
                "schedule_slip",
                "schedule",
                "project.project",
                pid,
                pid,
                "high",
                ref + [("project.task", int(t.row["id"])) for t in overdue],
                f"{f['pc']:.0%} complete at 85 % of the planned duration; "
                f"{len(overdue)} open tasks past their deadline.",
            )
            mid = int(f["overdue_milestone"])
            b.label(
                "overdue_milestone",
                "schedule",
                "project.milestone",
                mid,
                pid,
                "high",
                [("project.milestone", mid)],
                "Milestone not reached, deadline 15 days ago.",
            )
            task = next(t for t in plan.tasks if t.kind == "unassigned")
            tid = int(task.row["id"])
            b.label(
                "unassigned_near_deadline",
                "staffing",
                "project.task",
                tid,
                pid,
                "medium",
                [("project.task", tid)],
                "Open task without assignee due in 2 days.",
            )
        elif plan.role == "stalled":
            stalled = [t for t in plan.tasks if t.kind == "stalled"]
            b.label(
                "stalled_tasks",
                "schedule",
                "project.project",
                pid,
                pid,
                "medium",
                ref + [("project.task", int(t.row["id"])) for t in stalled],
                f"{len(stalled)} open tasks without stage change or hours for 28+ days.",
            )
            task = next(t for t in plan.tasks if t.kind == "leave")
            tid = int(task.row["id"])
            b.label(
                "leave_across_deadline",
                "staffing",
                "project.task",
                tid,
                pid,
                "high",
                [("project.task", tid), ("hr.leave", plan.leave_id)],
                "The only assignee is on approved leave over the deadline (in 6 days).",
            )
        elif plan.role == "uninvoiced":
            assert plan.sale_line is not None
            b.label(
                "uninvoiced_work",
                "billing",
                "project.project",
                pid,
                pid,
                "high",
                [*ref, ("sale.order.line", plan.sale_line)],
                f"{f['uninvoiced']:.0f} delivered but not invoiced, delivered 35+ days ago.",
            )


def late_label(b: Builder, employee: int) -> None:
    window = set(d.isoformat() for d in last_working_days(b.today, 10))
    late = sum(
        1
        for line in b.data["account.analytic.line"]
        if line["employee_id"] == employee
        and line["date"] in window
        and (date.fromisoformat(line["create_date"][:10]) - date.fromisoformat(line["date"])).days
        >= 5
    )
    b.label(
        "late_timesheets",
        "timesheet_compliance",
        "hr.employee",
        employee,
        None,
        "high" if late >= 10 else "medium",
        [("hr.employee", employee)],
        f"{late} lines in the last 10 working days entered 5+ days late.",
    )


def finish(b: Builder) -> None:
    """Cross-model values known only at the end, and the ir.model catalogue."""
    employees: dict[int, list[int]] = {}
    for emp in b.data["hr.employee"]:
        employees.setdefault(emp["user_id"], []).append(emp["id"])
    for user in b.data["res.users"]:
        user["employee_ids"] = employees.get(user["id"], [])
    for model, name in MODELS:
        b.add("ir.model", {"model": model, "name": name, "transient": False, "info": False})


def save(path: str | Path, dataset: Dataset) -> None:
    """Write a dataset as compact, key-sorted JSON (stable bytes for a stable input)."""
    Path(path).write_text(
        json.dumps(dataset, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )


def load(path: str | Path) -> Dataset:
    """Read a dataset written by `save` (or by hand: model -> list of records with ids)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(rows, list) and all(isinstance(r, dict) and "id" in r for r in rows)
        for rows in data.values()
    ):
        raise DatasetFileError(
            f"{path}: expected a JSON object of model -> list of records "
            "with an 'id'; regenerate it with `python -m demo_odoo.generator`"
        )
    return data


def write_labels(path: str | Path, labels: dict[str, Any]) -> None:
    """Write the labels beside (never inside) the dataset."""
    Path(path).write_text(json.dumps(labels, sort_keys=True, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--labels", type=Path)
    args = parser.parse_args(argv)
    dataset, labels = generate(args.seed, args.scale, args.today)
    save(args.out, dataset)
    if args.labels:
        write_labels(args.labels, labels)
    counts = ", ".join(f"{m}={len(r)}" for m, r in dataset.items() if r)
    print(f"wrote {args.out}: {counts}")


if __name__ == "__main__":
    main()

from __future__ import annotations

from agent.schemas import EvidenceRef
from agent.signals.evidence import dedupe, record_url, ref
from agent.signals.fmt import fmt_days, fmt_hours, fmt_money, fmt_pct, fmt_ratio, plural
from agent.tools.records import Task


def test_record_url_uses_the_odoo_17_path_or_the_16_hash_form() -> None:
    assert record_url("https://erp.x/", "project.task", 5) == "https://erp.x/odoo/project.task/5"
    assert (
        record_url("https://erp.x", "project.task", 5, odoo_version=16)
        == "https://erp.x/web#id=5&model=project.task&view_type=form"
    )
    assert record_url("", "project.task", 5) is None


def test_ref_cites_the_record_model_id_and_name() -> None:
    r = ref(Task(id=3, name="Build"), "https://erp.x")
    assert (r.model, r.id, r.display_name, r.url) == (
        "project.task",
        3,
        "Build",
        "https://erp.x/odoo/project.task/3",
    )


def test_dedupe_keeps_first_occurrence_order() -> None:
    a, b = EvidenceRef(model="m", id=1), EvidenceRef(model="m", id=2)
    assert dedupe([a, b, EvidenceRef(model="m", id=1, display_name="x")]) == [a, b]


def test_formats_are_stable() -> None:
    assert fmt_hours(12.0) == "12 h" and fmt_hours(12.46) == "12.5 h"
    assert fmt_pct(0.254) == "25.4 %" and fmt_pct(1.25) == "125 %"
    assert fmt_money(12345.5, "EUR") == "12,345.50 EUR"
    assert fmt_days(1) == "1 day" and fmt_days(7) == "7 days"
    assert fmt_ratio(0.4444) == "0.44"
    assert plural(1, "task") == "1 task" and plural(3, "task") == "3 tasks"

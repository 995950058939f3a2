from __future__ import annotations

from datetime import datetime

import pytest
from signals_factories import NOW, bundle, task

from agent.signals.billing import compute_billing, line_uninvoiced
from agent.tools.records import SaleLine


def _lines() -> tuple[SaleLine, ...]:
    return (
        SaleLine(
            id=1,
            name="Consulting",
            invoice_status="to invoice",
            product_uom_qty=80,
            qty_delivered=100,
            qty_invoiced=40,
            price_unit=100,
            currency="EUR",
            write_date=datetime(2026, 10, 1),
        ),
        SaleLine(
            id=2,
            name="Design",
            invoice_status="to invoice",
            amount_to_invoice=2500,
            product_uom_qty=10,
            qty_delivered=10,
            currency="EUR",
            write_date=datetime(2026, 11, 20),
        ),
        SaleLine(
            id=3,
            name="Licences",
            invoice_status="invoiced",
            product_uom_qty=5,
            qty_delivered=5,
            qty_invoiced=5,
            price_unit=300,
            currency="EUR",
        ),
    )


def test_uninvoiced_amount_sums_to_invoice_lines_with_their_age() -> None:
    sig = compute_billing(bundle(sale_lines=_lines()), NOW, 14)
    # (100 - 40) x 100 + 2500 (amount_to_invoice wins when set)
    assert sig.uninvoiced_amount == pytest.approx(8500)
    assert [line.id for line in sig.uninvoiced_lines] == [1, 2]
    assert sig.uninvoiced_age_days == 64  # 1 Oct 00:00 -> 4 Dec 10:00
    assert sig.currency == "EUR"


def test_lines_not_to_invoice_or_over_invoiced_count_zero() -> None:
    assert line_uninvoiced(_lines()[2]) == 0
    over = SaleLine(
        id=9, invoice_status="to invoice", qty_delivered=1, qty_invoiced=3, price_unit=10
    )
    assert line_uninvoiced(over) == 0


def test_delivered_beyond_sold_reports_the_worst_line() -> None:
    sig = compute_billing(bundle(sale_lines=_lines()), NOW, 14)
    assert [o.line.id for o in sig.overdeliveries] == [1]
    assert sig.max_overdelivery_ratio == pytest.approx(0.25)
    assert sig.overdeliveries[0].extra_qty == 20


def test_late_added_share_weights_tasks_created_after_the_cutoff_by_hours() -> None:
    tasks = (
        task(1, allocated_hours=40, create_date=datetime(2026, 11, 4)),
        task(2, allocated_hours=60, create_date=datetime(2026, 11, 25)),  # > 4 Nov + 14 days
        task(3, allocated_hours=500, create_date=datetime(2026, 11, 30), state="1_canceled"),
    )
    sig = compute_billing(bundle(tasks=tasks), NOW, 14)
    assert sig.late_added_share == pytest.approx(0.6)
    assert [t.id for t in sig.late_added_tasks] == [2]

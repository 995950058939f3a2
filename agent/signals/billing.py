"""Billing and scope signals from sale order lines and task creation dates.

- uninvoiced amount (per project, currency of the lines) = sum over lines with
  `invoice_status == 'to invoice'` of `amount_to_invoice` when set, else
  `(qty_delivered - qty_invoiced) x price_unit` (negative amounts ignored).
- uninvoiced age (days) = now - the oldest contributing line's `write_date`, when known.
- delivered beyond sold (scope): lines with `qty_delivered > product_uom_qty > 0`;
  ratio = qty_delivered / product_uom_qty - 1 (the worst line is reported).
- late-added share (scope) = allocated hours of non-canceled tasks created more than
  `late_task_after_days` after the project start / allocated hours of all non-canceled tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from agent.signals.common import is_canceled, naive_utc, ratio
from agent.tools.records import ProjectBundle, SaleLine, Task

TO_INVOICE = "to invoice"


@dataclass(frozen=True)
class Overdelivery:
    line: SaleLine
    ratio: float  # qty_delivered / product_uom_qty - 1
    extra_qty: float


@dataclass(frozen=True)
class BillingSignals:
    uninvoiced_amount: float
    uninvoiced_lines: tuple[SaleLine, ...]
    uninvoiced_age_days: int | None
    currency: str | None
    overdeliveries: tuple[Overdelivery, ...]  # worst first
    late_added_share: float | None
    late_added_tasks: tuple[Task, ...]

    @property
    def max_overdelivery_ratio(self) -> float:
        return max((o.ratio for o in self.overdeliveries), default=0.0)


def line_uninvoiced(line: SaleLine) -> float:
    """Delivered-but-uninvoiced amount of one line (currency of the line)."""
    if line.invoice_status != TO_INVOICE:
        return 0.0
    if line.amount_to_invoice:
        return max(line.amount_to_invoice, 0.0)
    return max((line.qty_delivered - line.qty_invoiced) * line.price_unit, 0.0)


def overdeliveries(lines: tuple[SaleLine, ...]) -> tuple[Overdelivery, ...]:
    found = [
        Overdelivery(
            line,
            line.qty_delivered / line.product_uom_qty - 1,
            line.qty_delivered - line.product_uom_qty,
        )
        for line in lines
        if line.product_uom_qty > 0 and line.qty_delivered > line.product_uom_qty
    ]
    return tuple(sorted(found, key=lambda o: (-o.ratio, o.line.id)))


def late_added(bundle: ProjectBundle, after_days: int) -> tuple[float | None, tuple[Task, ...]]:
    start = bundle.project.date_start
    tasks = [t for t in bundle.tasks if not is_canceled(t)]
    if start is None or not tasks:
        return None, ()
    cutoff = datetime.combine(start, datetime.min.time()) + timedelta(days=after_days)
    late = tuple(
        t for t in tasks if t.create_date is not None and naive_utc(t.create_date) > cutoff
    )
    share = ratio(sum(t.allocated_hours for t in late), sum(t.allocated_hours for t in tasks))
    return share, late


def compute_billing(
    bundle: ProjectBundle, now: datetime, late_task_after_days: int
) -> BillingSignals:
    lines = tuple(line for line in bundle.sale_lines if line_uninvoiced(line) > 0)
    amount = sum(line_uninvoiced(line) for line in lines)
    dated = [naive_utc(line.write_date) for line in lines if line.write_date is not None]
    age = (naive_utc(now) - min(dated)).days if dated else None
    currencies = {line.currency for line in lines if line.currency}
    share, late = late_added(bundle, late_task_after_days)
    return BillingSignals(
        uninvoiced_amount=amount,
        uninvoiced_lines=lines,
        uninvoiced_age_days=age,
        currency=currencies.pop() if len(currencies) == 1 else None,
        overdeliveries=overdeliveries(bundle.sale_lines),
        late_added_share=share,
        late_added_tasks=late,
    )

"""Small helpers every signal shares: task states, time normalisation, safe division."""

from __future__ import annotations

from datetime import UTC, date, datetime

from agent.tools.records import Task

DONE_STATES = frozenset({"1_done"})
CANCELED_STATES = frozenset({"1_canceled"})


def is_canceled(task: Task) -> bool:
    return task.state in CANCELED_STATES


def is_done(task: Task) -> bool:
    """Done: Odoo 17+ state `1_done`; on 16 (no state) a task in a closed (folded) stage."""
    if task.state is not None:
        return task.state in DONE_STATES
    return task.is_closed


def is_open(task: Task) -> bool:
    """Neither done nor canceled nor otherwise closed."""
    return not (is_done(task) or is_canceled(task) or task.is_closed)


def naive_utc(moment: datetime) -> datetime:
    """Odoo datetimes are naive UTC; make `moment` comparable with them."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when the denominator is zero or negative."""
    if denominator <= 0:
        return None
    return numerator / denominator


def days_between(start: date, end: date) -> int:
    return (end - start).days

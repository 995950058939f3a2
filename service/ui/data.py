"""What each dashboard page shows, computed from the ledger, the queue and the metrics.

Pure reads, no HTML: the templates only lay out these view models, and the tests check
the figures here without a browser. Every function takes its sources as arguments
(ledger, queue store, policy, clock) so it runs the same in the API and in tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from prometheus_client import CollectorRegistry

from agent.ledger import Ledger
from agent.policy import Policy
from agent.schemas import (
    Kind,
    Recommendation,
    RecommendationStatus,
    RiskAssessment,
    RiskCategory,
    RiskFinding,
    Severity,
    SlaStatus,
    TicketTriage,
)
from service.queue import QueueStore

RecordUrl = Callable[[str, int], str]
SortKey = Literal["severity", "name", "rag"] | str

CATEGORIES: tuple[str, ...] = tuple(c.value for c in RiskCategory)
RAG_RANK = {"green": 0, "amber": 1, "red": 2}
LIVE = (RecommendationStatus.PROPOSED, RecommendationStatus.APPROVED, RecommendationStatus.REJECTED)
SCAN_LIMIT = 5000  # recommendations read per page: far above a firm's active projects + tickets


def _rank(severity: str | None) -> int:
    return Severity(severity).rank if severity else -1


def _naive_utc(moment: datetime) -> datetime:
    """The ledger stores naive UTC; compare like with like."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def latest_live(ledger: Ledger, kind: Kind, limit: int = SCAN_LIMIT) -> list[Recommendation]:
    """The newest non-superseded recommendation of `kind` per record (newest first)."""
    seen: set[tuple[str, int]] = set()
    out: list[Recommendation] = []
    for rec in ledger.list(kind=kind, limit=limit):
        if rec.status not in LIVE or rec.subject.key in seen:
            continue
        seen.add(rec.subject.key)
        out.append(rec)
    return out


# --- portfolio --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    category: str
    severity: str
    findings: int
    title: str


@dataclass(frozen=True)
class TrendPoint:
    rag: str
    max_severity: str | None
    taken_at: datetime


@dataclass
class PortfolioRow:
    res_id: int
    name: str
    rag: str
    max_severity: str | None
    recommendation_id: int | None
    status: str
    odoo_url: str
    cells: dict[str, Cell] = field(default_factory=dict)
    trend: list[TrendPoint] = field(default_factory=list)


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    categories: tuple[str, ...]
    sort: str
    descending: bool
    counts: dict[str, int]  # projects per worst severity ("none" for no finding)
    last_scan_at: datetime | None


def _cells(findings: Iterable[RiskFinding]) -> dict[str, Cell]:
    grouped: dict[str, list[RiskFinding]] = defaultdict(list)
    for f in findings:
        grouped[f.category.value].append(f)
    cells: dict[str, Cell] = {}
    for category, items in grouped.items():
        worst = max(items, key=lambda f: f.severity.rank)
        cells[category] = Cell(category, worst.severity.value, len(items), worst.title)
    return cells


def _sort_rows(rows: list[PortfolioRow], sort: str, descending: bool) -> list[PortfolioRow]:
    def key(row: PortfolioRow) -> tuple[int | str, ...]:
        if sort == "name":
            return (row.name.lower(),)
        if sort == "rag":
            return (RAG_RANK.get(row.rag, -1), _rank(row.max_severity))
        if sort in CATEGORIES:
            cell = row.cells.get(sort)
            return (_rank(cell.severity) if cell else -1, _rank(row.max_severity))
        return (_rank(row.max_severity), RAG_RANK.get(row.rag, -1), len(row.cells))

    ordered = sorted(rows, key=lambda r: r.name.lower())  # stable tie-break by name
    return sorted(ordered, key=key, reverse=descending)


def portfolio(
    ledger: Ledger,
    record_url: RecordUrl,
    *,
    sort: str = "severity",
    descending: bool | None = None,
    trend_points: int = 8,
) -> Portfolio:
    """Projects x risk categories (worst severity per cell) with each project's RAG trend."""
    if sort not in ("severity", "name", "rag", *CATEGORIES):
        sort = "severity"
    if descending is None:
        descending = sort != "name"
    trends: dict[int, list[TrendPoint]] = defaultdict(list)
    last_scan: datetime | None = None
    for snap in ledger.snapshots(model="project.project"):  # newest first
        last_scan = last_scan or snap.taken_at
        if len(trends[snap.res_id]) < trend_points:
            trends[snap.res_id].append(TrendPoint(snap.rag, snap.max_severity, snap.taken_at))
    rows: list[PortfolioRow] = []
    for rec in latest_live(ledger, Kind.RISK_ASSESSMENT):
        out = rec.output
        if not isinstance(out, RiskAssessment) or rec.subject.model != "project.project":
            continue
        rows.append(
            PortfolioRow(
                res_id=rec.subject.id,
                name=rec.subject.display_name or f"project {rec.subject.id}",
                rag=out.rag.value,
                max_severity=out.max_severity.value if out.max_severity else None,
                recommendation_id=rec.id,
                status=rec.status.value,
                odoo_url=record_url(rec.subject.model, rec.subject.id),
                cells=_cells(out.findings),
                trend=list(reversed(trends.get(rec.subject.id, []))),
            )
        )
    counts = {s.value: 0 for s in Severity} | {"none": 0}
    for row in rows:
        counts[row.max_severity or "none"] += 1
    return Portfolio(
        rows=_sort_rows(rows, sort, descending),
        categories=CATEGORIES,
        sort=sort,
        descending=descending,
        counts=counts,
        last_scan_at=last_scan,
    )


# --- approval queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    rec: Recommendation
    age: timedelta
    due_at: datetime
    deadline_days: int
    overdue: bool
    due_soon: bool
    odoo_url: str

    @property
    def age_label(self) -> str:
        return duration_label(self.age)

    @property
    def due_label(self) -> str:
        return duration_label(self.due_at - self.created_at)

    @property
    def created_at(self) -> datetime:
        return self.rec.created_at or self.due_at


@dataclass
class ApprovalQueue:
    items: list[QueueItem]
    by_role: dict[str, list[QueueItem]]
    overdue: int
    due_soon: int


def duration_label(delta: timedelta) -> str:
    """`3 d 4 h`, `5 h 12 min`, `40 min`: what a reviewer reads at a glance."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def approval_queue(
    ledger: Ledger,
    policy: Policy,
    record_url: RecordUrl,
    *,
    now: datetime | None = None,
    due_soon_fraction: float = 0.25,
) -> ApprovalQueue:
    """Pending recommendations, oldest first, with their review deadline from the policy.

    A recommendation is overdue once its age passes the policy's review days for its
    severity (`approval.review_deadline_days`), and due soon in the last quarter of it.
    """
    current = _naive_utc(now or datetime.now(UTC))
    items: list[QueueItem] = []
    for rec in ledger.list(status=RecommendationStatus.PROPOSED, limit=SCAN_LIMIT):
        created = rec.created_at or current
        days = policy.approval.deadline_days(rec.severity or Severity.LOW)
        due = created + timedelta(days=days)
        left = due - current
        items.append(
            QueueItem(
                rec=rec,
                age=current - created,
                due_at=due,
                deadline_days=days,
                overdue=left < timedelta(0),
                due_soon=timedelta(0) <= left <= timedelta(days=days * due_soon_fraction),
                odoo_url=record_url(rec.subject.model, rec.subject.id),
            )
        )
    items.sort(key=lambda i: (not i.overdue, -i.age.total_seconds(), i.rec.id or 0))
    by_role: dict[str, list[QueueItem]] = defaultdict(list)
    for item in items:
        by_role[item.rec.reviewer_role.value].append(item)
    return ApprovalQueue(
        items=items,
        by_role=dict(sorted(by_role.items())),
        overdue=sum(i.overdue for i in items),
        due_soon=sum(i.due_soon for i in items),
    )


# --- helpdesk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    rec: Recommendation
    triage: TicketTriage
    odoo_url: str
    duplicate_url: str | None


@dataclass
class Helpdesk:
    tickets: list[TicketRow]
    sla_states: tuple[str, ...]
    categories: list[str]
    matrix: dict[str, dict[str, int]]  # category -> sla state -> open tickets
    totals: dict[str, int]  # sla state -> open tickets
    duplicates: list[TicketRow]
    attention: list[TicketRow]  # breached or at risk, least time left first


SLA_OPEN = (SlaStatus.BREACHED.value, SlaStatus.AT_RISK.value, SlaStatus.OK.value)


def helpdesk(ledger: Ledger, record_url: RecordUrl) -> Helpdesk:
    """Open tickets by SLA state and triage category, from the latest triage per ticket."""
    rows: list[TicketRow] = []
    for rec in latest_live(ledger, Kind.TICKET_TRIAGE):
        tri = rec.output
        if not isinstance(tri, TicketTriage) or tri.sla_status == SlaStatus.CLOSED:
            continue
        dup = tri.probable_duplicate_of
        rows.append(
            TicketRow(
                rec=rec,
                triage=tri,
                odoo_url=record_url(rec.subject.model, rec.subject.id),
                duplicate_url=record_url(dup.model, dup.id) if dup else None,
            )
        )
    matrix: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SLA_OPEN, 0))
    totals = dict.fromkeys(SLA_OPEN, 0)
    for row in rows:
        state = row.triage.sla_status.value
        matrix[row.triage.category or "uncategorised"][state] += 1
        totals[state] += 1
    categories = sorted(
        matrix, key=lambda c: (-matrix[c][SlaStatus.BREACHED.value], -sum(matrix[c].values()), c)
    )
    attention = sorted(
        (r for r in rows if r.triage.sla_status in (SlaStatus.BREACHED, SlaStatus.AT_RISK)),
        key=lambda r: r.triage.sla_hours_left if r.triage.sla_hours_left is not None else 0.0,
    )
    return Helpdesk(
        tickets=rows,
        sla_states=SLA_OPEN,
        categories=categories,
        matrix=dict(matrix),
        totals=totals,
        duplicates=[r for r in rows if r.triage.probable_duplicate_of is not None],
        attention=attention,
    )


# --- automation health ------------------------------------------------------------------


def counter_totals(registry: CollectorRegistry) -> dict[str, float]:
    """Every counter's value summed over its labels, by metric name (without `_total`)."""
    totals: dict[str, float] = {}
    for family in registry.collect():
        if family.type != "counter":
            continue
        totals[family.name] = sum(
            s.value for s in family.samples if s.name == f"{family.name}_total"
        )
    return totals


def counter_by_label(registry: CollectorRegistry, name: str, label: str) -> dict[str, float]:
    """One counter's values summed per value of `label` (e.g. fallbacks per reason)."""
    out: dict[str, float] = defaultdict(float)
    for family in registry.collect():
        if family.name != name:
            continue
        for s in family.samples:
            if s.name == f"{name}_total":
                out[s.labels.get(label, "")] += s.value
    return dict(out)


def histogram_quantile(registry: CollectorRegistry, name: str, q: float) -> float | None:
    """Prometheus' `histogram_quantile` over all label sets: linear inside the bucket."""
    buckets: dict[float, float] = defaultdict(float)
    for family in registry.collect():
        if family.name != name:
            continue
        for s in family.samples:
            if s.name == f"{name}_bucket":
                buckets[float(s.labels["le"])] += s.value
    if not buckets:
        return None
    bounds = sorted(buckets)
    total = buckets[bounds[-1]]
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return lower  # as Prometheus: the highest finite bound
            span = count - below
            return lower + (bound - lower) * ((rank - below) / span if span else 1.0)
        lower, below = bound, count
    return lower


ODOO_ERROR_NAMES = (
    "Odoo",
    "RecordNotFound",
    "AllowlistViolation",
    "ConnectError",
    "ConnectionError",
    "RPCError",
)
LLM_ERROR_NAMES = ("LLM", "GroundingFailed", "APIConnectionError", "APITimeoutError", "RateLimit")


def error_source(error: str | None) -> str | None:
    """'odoo', 'llm' or 'other' from an event's `ErrorType: message` text."""
    if not error:
        return None
    name = error.split(":", 1)[0]
    if any(name.startswith(p) or p in name for p in ODOO_ERROR_NAMES):
        return "odoo"
    if any(name.startswith(p) or p in name for p in LLM_ERROR_NAMES):
        return "llm"
    return "other"


@dataclass(frozen=True)
class Bucket:
    start: datetime
    received: int = 0
    processed: int = 0
    failed: int = 0
    dead: int = 0
    odoo_errors: int = 0
    llm_errors: int = 0

    @property
    def odoo_error_rate(self) -> float:
        finished = self.processed + self.failed + self.dead
        return self.odoo_errors / finished if finished else 0.0

    @property
    def llm_error_rate(self) -> float:
        finished = self.processed + self.failed + self.dead
        return self.llm_errors / finished if finished else 0.0


def event_series(
    store: QueueStore, *, now: float, window_s: float = 6 * 3600, buckets: int = 24
) -> list[Bucket]:
    """Events per time bucket from the queue's own table (durable, shared by replicas).

    received = `received_at`; processed / failed / dead = final status at `finished_at`
    (a retry still pending counts as failed at its last `updated_at`). Error source from
    the event's last error class name.
    """
    from sqlalchemy import select

    from service.queue import events

    step = window_s / buckets
    start = now - window_s
    counts: list[dict[str, int]] = [defaultdict(int) for _ in range(buckets)]
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                events.c.status,
                events.c.received_at,
                events.c.finished_at,
                events.c.updated_at,
                events.c.last_error,
            ).where((events.c.received_at >= start) | (events.c.updated_at >= start))
        ).all()

    def slot(ts: float | None) -> int | None:
        if ts is None or ts < start or ts > now:
            return None
        return min(buckets - 1, int((ts - start) // step))

    for status, received_at, finished_at, updated_at, last_error in rows:
        i = slot(received_at)
        if i is not None:
            counts[i]["received"] += 1
        outcome = {"done": "processed", "dead": "dead", "retrying": "failed", "failed": "failed"}
        name = outcome.get(str(status))
        j = slot(finished_at if finished_at is not None else updated_at)
        if name is None or j is None:
            continue
        counts[j][name] += 1
        source = error_source(last_error) if name != "processed" else None
        if source == "odoo":
            counts[j]["odoo_errors"] += 1
        elif source == "llm":
            counts[j]["llm_errors"] += 1
    return [
        Bucket(start=datetime.fromtimestamp(start + k * step, UTC), **counts[k])
        for k in range(buckets)
    ]


@dataclass
class Health:
    counters: dict[str, float]
    queue_depth: int
    events_by_status: dict[str, int]
    dead_letters: list[dict[str, object]]
    latency_p50_s: float | None
    latency_p99_s: float | None
    fallbacks_by_reason: dict[str, float]
    grounding_by_check: dict[str, float]
    series: list[Bucket]
    samples: list[Sample]


def events_by_status(store: QueueStore) -> dict[str, int]:
    from sqlalchemy import func, select

    from service.queue import events

    with store.engine.connect() as conn:
        rows = conn.execute(select(events.c.status, func.count()).group_by(events.c.status)).all()
    return {str(status): int(count) for status, count in rows}


@dataclass(frozen=True)
class Sample:
    """Counter totals of this process at one moment (see `service.ui.sampler`)."""

    at: datetime
    llm_fallbacks: float
    grounding_rejections: float
    jobs_failed: float
    jobs_processed: float


def automation_health(
    store: QueueStore,
    registry: CollectorRegistry,
    *,
    now: float,
    samples: list[Sample] | None = None,
    window_s: float = 6 * 3600,
) -> Health:
    """Webhook and job counters (this process), queue state and series (shared database)."""
    return Health(
        counters=counter_totals(registry),
        queue_depth=store.depth(),
        events_by_status=events_by_status(store),
        dead_letters=store.list_dead_letters(include_replayed=True, limit=50),
        latency_p50_s=histogram_quantile(registry, "triage_job_duration_seconds", 0.5),
        latency_p99_s=histogram_quantile(registry, "triage_job_duration_seconds", 0.99),
        fallbacks_by_reason=counter_by_label(registry, "triage_llm_fallbacks", "reason"),
        grounding_by_check=counter_by_label(registry, "triage_grounding_rejections", "check"),
        series=event_series(store, now=now, window_s=window_s),
        samples=samples or [],
    )

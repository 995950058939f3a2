"""The recommendation ledger: what was proposed, posted where, and what humans decided.

It is the memory that makes publishing idempotent (same input hash: nothing new is
posted) and auditable (every note in Odoo maps to a row with its provenance). SQLite by
default; any SQLAlchemy URL (PostgreSQL for several replicas) through `TRIAGE_LEDGER_URL`.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from agent.schemas import (
    EvidenceRef,
    Kind,
    Provenance,
    Recommendation,
    RecommendationStatus,
    ReviewerRole,
    Severity,
)

Decision = Literal["approved", "rejected"]


class LedgerError(Exception):
    """A ledger operation could not be carried out; the message says why and what to do."""


class RecommendationNotFound(LedgerError):
    pass


class DecisionConflict(LedgerError):
    pass


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class RecommendationRow(Base):
    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    model: Mapped[str] = mapped_column(String(64), index=True)
    res_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_name: Mapped[str] = mapped_column(String(256), default="")
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="proposed")
    reviewer_role: Mapped[str] = mapped_column(String(32))
    reviewer_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    severity: Mapped[str | None] = mapped_column(String(16), nullable=True)
    analyst: Mapped[str] = mapped_column(String(16))
    output: Mapped[dict[str, Any]] = mapped_column(JSON)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)
    message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    activity_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id"), nullable=True
    )
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now, onupdate=_now)


class DecisionRow(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(String(128))
    comment: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16))  # api | odoo
    followup_message_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class StatusSnapshotRow(Base):
    """One project's RAG at one scan: the trend the dashboard draws."""

    __tablename__ = "status_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(String(40), index=True)
    model: Mapped[str] = mapped_column(String(64))
    res_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_name: Mapped[str] = mapped_column(String(256), default="")
    rag: Mapped[str] = mapped_column(String(8))
    max_severity: Mapped[str | None] = mapped_column(String(16), nullable=True)
    categories: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)


class DecisionRecord(BaseModel):
    """A decision as the API returns it."""

    id: int
    recommendation_id: int
    decision: Decision
    reviewer: str
    comment: str
    source: str
    followup_message_id: int | None = None
    decided_at: datetime


def _prepare_sqlite_path(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for concurrent use."""
    _prepare_sqlite_path(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Ledger:
    """Typed access to the ledger tables. Thread-safe: one session per operation."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    # --- recommendations ----------------------------------------------------------

    def current(self, kind: Kind, model: str, res_id: int) -> Recommendation | None:
        """The live (not superseded) recommendation of this kind on this record."""
        with self.session() as s:
            row = s.scalars(
                select(RecommendationRow)
                .where(
                    RecommendationRow.kind == kind.value,
                    RecommendationRow.model == model,
                    RecommendationRow.res_id == res_id,
                    RecommendationRow.status != RecommendationStatus.SUPERSEDED.value,
                )
                .order_by(RecommendationRow.id.desc())
                .limit(1)
            ).first()
            return _to_model(row) if row else None

    def add(self, rec: Recommendation, *, reviewer_user_id: int | None = None) -> Recommendation:
        """Store a new recommendation; the one it supersedes (if any) is marked superseded."""
        with self.session() as s:
            if rec.supersedes_id is not None:
                old = s.get(RecommendationRow, rec.supersedes_id)
                if old is not None:
                    old.status = RecommendationStatus.SUPERSEDED.value
            row = RecommendationRow(
                kind=rec.kind.value,
                model=rec.subject.model,
                res_id=rec.subject.id,
                subject_name=rec.subject.display_name,
                input_hash=rec.provenance.input_hash,
                status=rec.status.value,
                reviewer_role=rec.reviewer_role.value,
                reviewer_user_id=reviewer_user_id,
                severity=rec.severity.value if rec.severity else None,
                analyst=rec.provenance.analyst,
                output=rec.output.model_dump(mode="json"),
                provenance=rec.provenance.model_dump(mode="json"),
                message_id=rec.message_id,
                activity_id=rec.activity_id,
                supersedes_id=rec.supersedes_id,
                published=rec.published,
            )
            s.add(row)
            s.flush()
            return _to_model(row)

    def mark_published(self, rec_id: int, *, message_id: int, activity_id: int | None) -> None:
        with self.session() as s:
            row = _get(s, rec_id)
            row.message_id = message_id
            row.activity_id = activity_id
            row.published = True

    def get(self, rec_id: int) -> Recommendation:
        with self.session() as s:
            return _to_model(_get(s, rec_id))

    def list(
        self,
        *,
        status: RecommendationStatus | None = None,
        model: str | None = None,
        kind: Kind | None = None,
        res_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Recommendation]:
        query = select(RecommendationRow).order_by(RecommendationRow.id.desc())
        if status is not None:
            query = query.where(RecommendationRow.status == status.value)
        if model is not None:
            query = query.where(RecommendationRow.model == model)
        if kind is not None:
            query = query.where(RecommendationRow.kind == kind.value)
        if res_id is not None:
            query = query.where(RecommendationRow.res_id == res_id)
        with self.session() as s:
            return [_to_model(r) for r in s.scalars(query.limit(limit).offset(offset))]

    def pending_with_activity(self) -> builtins.list[Recommendation]:
        """Published, undecided recommendations whose review activity we must watch."""
        with self.session() as s:
            rows = s.scalars(
                select(RecommendationRow).where(
                    RecommendationRow.activity_id.is_not(None),
                    RecommendationRow.status.in_(
                        [RecommendationStatus.PROPOSED.value, RecommendationStatus.SUPERSEDED.value]
                    ),
                )
            )
            return [_to_model(r) for r in rows if not _has_decision(s, r.id)]

    # --- decisions ----------------------------------------------------------------

    def decide(
        self,
        rec_id: int,
        decision: Decision,
        *,
        reviewer: str,
        comment: str = "",
        source: Literal["api", "odoo"] = "api",
    ) -> DecisionRecord:
        """Record a human decision once; a second, different decision is a conflict."""
        with self.session() as s:
            row = _get(s, rec_id)
            existing = s.scalars(
                select(DecisionRow).where(DecisionRow.recommendation_id == rec_id)
            ).first()
            if existing is not None:
                if existing.decision == decision:
                    return _decision_model(existing)
                raise DecisionConflict(
                    f"recommendation {rec_id} was already {existing.decision} by "
                    f"{existing.reviewer}; a decision cannot be changed, create a new scan instead"
                )
            if row.status != RecommendationStatus.SUPERSEDED.value:
                row.status = decision
            drow = DecisionRow(
                recommendation_id=rec_id,
                decision=decision,
                reviewer=reviewer,
                comment=comment,
                source=source,
            )
            s.add(drow)
            s.flush()
            return _decision_model(drow)

    def set_followup(self, decision_id: int, message_id: int) -> None:
        with self.session() as s:
            row = s.get(DecisionRow, decision_id)
            if row is not None:
                row.followup_message_id = message_id

    def decisions(self, rec_id: int | None = None) -> builtins.list[DecisionRecord]:
        query = select(DecisionRow).order_by(DecisionRow.id)
        if rec_id is not None:
            query = query.where(DecisionRow.recommendation_id == rec_id)
        with self.session() as s:
            return [_decision_model(r) for r in s.scalars(query)]

    # --- status trend -------------------------------------------------------------

    def snapshot(
        self,
        scan_id: str,
        subject: EvidenceRef,
        rag: str,
        max_severity: Severity | None,
        categories: dict[str, str],
    ) -> None:
        with self.session() as s:
            s.add(
                StatusSnapshotRow(
                    scan_id=scan_id,
                    model=subject.model,
                    res_id=subject.id,
                    subject_name=subject.display_name,
                    rag=rag,
                    max_severity=max_severity.value if max_severity else None,
                    categories=categories,
                )
            )

    def snapshots(
        self, *, model: str = "project.project", limit: int = 2000
    ) -> Sequence[StatusSnapshotRow]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(StatusSnapshotRow)
                    .where(StatusSnapshotRow.model == model)
                    .order_by(StatusSnapshotRow.id.desc())
                    .limit(limit)
                )
            )


def _get(s: Session, rec_id: int) -> RecommendationRow:
    row = s.get(RecommendationRow, rec_id)
    if row is None:
        raise RecommendationNotFound(
            f"no recommendation {rec_id} in the ledger; list them with GET /v1/recommendations"
        )
    return row


def _has_decision(s: Session, rec_id: int) -> bool:
    return (
        s.scalars(select(DecisionRow.id).where(DecisionRow.recommendation_id == rec_id)).first()
        is not None
    )


def _to_model(row: RecommendationRow) -> Recommendation:
    return Recommendation.model_validate(
        {
            "id": row.id,
            "kind": row.kind,
            "subject": {"model": row.model, "id": row.res_id, "display_name": row.subject_name},
            "output": row.output,
            "provenance": Provenance.model_validate(row.provenance),
            "reviewer_role": ReviewerRole(row.reviewer_role),
            "severity": row.severity,
            "status": row.status,
            "message_id": row.message_id,
            "activity_id": row.activity_id,
            "supersedes_id": row.supersedes_id,
            "published": row.published,
            "created_at": row.created_at,
        }
    )


def _decision_model(row: DecisionRow) -> DecisionRecord:
    return DecisionRecord(
        id=row.id,
        recommendation_id=row.recommendation_id,
        decision=row.decision,
        reviewer=row.reviewer,
        comment=row.comment,
        source=row.source,
        followup_message_id=row.followup_message_id,
        decided_at=row.decided_at,
    )

"""The risk policy: thresholds, the approval matrix, webhook routes and retrieval settings.

Everything that turns a metric into a severity, or a finding into a reviewer, is data in
a YAML file (`agent/policy_default.yaml` documents every key), so a firm tunes its risk
appetite without touching code. The file is validated strictly: an unknown key or a bad
value raises `PolicyError` naming the key path, the bad value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.schemas import ReviewerRole, RiskCategory, Severity

DEFAULT_POLICY_RESOURCE = "policy_default.yaml"
Priority = Literal["0", "1", "2", "3"]
_DEFAULT_SLA_HOURS: dict[Priority, float] = {"3": 8.0, "2": 24.0, "1": 72.0, "0": 168.0}
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LADDER_LEVELS: tuple[Severity, ...] = (
    Severity.LOW,
    Severity.MEDIUM,
    Severity.HIGH,
    Severity.CRITICAL,
)


class PolicyError(ValueError):
    """The policy file is unreadable or invalid; the message says which key to fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ladder(_Strict):
    """Severity thresholds for one metric.

    `direction: at_least` (the default) means a value >= a threshold reaches that
    severity (higher is worse); `below` means a value < a threshold does (lower is
    worse, e.g. SPI). Unset levels are skipped; the worst level reached wins.
    """

    direction: Literal["at_least", "below"] = "at_least"
    low: float | None = None
    medium: float | None = None
    high: float | None = None
    critical: float | None = None

    @model_validator(mode="after")
    def _monotone(self) -> Ladder:
        values = [v for v in (self.low, self.medium, self.high, self.critical) if v is not None]
        ordered = sorted(values) if self.direction == "at_least" else sorted(values, reverse=True)
        if values != ordered:
            worse = "increase" if self.direction == "at_least" else "decrease"
            raise ValueError(
                f"thresholds must {worse} from low to critical (direction {self.direction}), "
                f"got {values}"
            )
        return self

    def severity(self, value: float | None) -> Severity | None:
        """The worst severity whose threshold `value` reaches, or None."""
        if value is None:
            return None
        reached: Severity | None = None
        for level in _LADDER_LEVELS:
            threshold: float | None = getattr(self, level.value)
            if threshold is None:
                continue
            hit = value >= threshold if self.direction == "at_least" else value < threshold
            if hit:
                reached = level
        return reached


class BudgetPolicy(_Strict):
    overrun_ratio: Ladder = Ladder(medium=0.10, high=0.25, critical=0.60)
    consumed_ratio_min: float = Field(1.0, gt=0)
    consumed_completion_below: float = Field(0.7, ge=0, le=1)
    consumed_severity: Severity = Severity.HIGH
    burn_rate_ratio: Ladder = Ladder(medium=2.0, high=3.0)
    burn_rate_weeks: int = Field(3, ge=1, le=12)


class SchedulePolicy(_Strict):
    spi: Ladder = Ladder(direction="below", medium=0.85, high=0.7)
    overdue_milestone_days: Ladder = Ladder(medium=1, high=7, critical=45)
    overdue_tasks: Ladder = Ladder(medium=5, high=10)
    stalled_days: int = Field(21, ge=1)
    stalled_tasks: Ladder = Ladder(medium=3, high=6)
    pm_divergence_severity: Severity = Severity.MEDIUM


class StaffingPolicy(_Strict):
    leave_window_days: int = Field(10, ge=0)
    leave_severity: Severity = Severity.HIGH
    unassigned_window_days: int = Field(5, ge=0)
    unassigned_severity: Severity = Severity.MEDIUM


class TimesheetPolicy(_Strict):
    window_working_days: int = Field(10, ge=1)
    missing_days: Ladder = Ladder(medium=3, high=5)
    late_grace_days: int = Field(2, ge=0)
    late_entries: Ladder = Ladder(medium=4, high=10)


class BillingPolicy(_Strict):
    uninvoiced_amount: Ladder = Ladder(medium=5000, high=20000, critical=100000)
    min_age_days: int = Field(30, ge=0)


class ScopePolicy(_Strict):
    delivered_beyond_sold_ratio: Ladder = Ladder(medium=0.10, high=0.25)
    late_task_after_days: int = Field(14, ge=0)
    late_added_share: Ladder = Ladder(medium=0.30, high=0.50)


class SlaPolicy(_Strict):
    target_hours: dict[Priority, float] = Field(default_factory=lambda: dict(_DEFAULT_SLA_HOURS))
    at_risk_share: float = Field(0.75, gt=0, lt=1)
    at_risk_severity: Severity = Severity.MEDIUM
    breached_severity: Severity = Severity.HIGH
    critical_multiple: float = Field(3.0, gt=1)

    @model_validator(mode="after")
    def _all_priorities(self) -> SlaPolicy:
        missing = sorted({"0", "1", "2", "3"} - set(self.target_hours))
        if missing:
            raise ValueError(f"target_hours needs every priority '0'..'3'; missing {missing}")
        return self


class ClientSatisfactionPolicy(_Strict):
    angry_severity: Severity = Severity.HIGH
    negative_severity: Severity = Severity.MEDIUM
    reopen_count: Ladder = Ladder(medium=2, high=3)


class SecurityPolicy(_Strict):
    injection_severity: Severity = Severity.HIGH


class Thresholds(_Strict):
    budget: BudgetPolicy = BudgetPolicy()
    schedule: SchedulePolicy = SchedulePolicy()
    staffing: StaffingPolicy = StaffingPolicy()
    timesheets: TimesheetPolicy = TimesheetPolicy()
    billing: BillingPolicy = BillingPolicy()
    scope: ScopePolicy = ScopePolicy()
    sla: SlaPolicy = SlaPolicy()
    client_satisfaction: ClientSatisfactionPolicy = ClientSatisfactionPolicy()
    security: SecurityPolicy = SecurityPolicy()


class ApprovalRule(_Strict):
    """Findings of `category` ('*' = any) at `min_severity` or worse go to `reviewer_role`.

    `models`, when set, limits the rule to findings about those Odoo models (the
    finding's subject), e.g. SLA findings on `helpdesk.ticket`.
    """

    category: RiskCategory | Literal["*"] = "*"
    min_severity: Severity = Severity.LOW
    reviewer_role: ReviewerRole
    models: tuple[str, ...] = ()


class Approval(_Strict):
    rules: tuple[ApprovalRule, ...] = ()
    default_role: ReviewerRole = ReviewerRole.PM
    review_deadline_days: dict[Severity, int] = Field(
        default_factory=lambda: {
            Severity.LOW: 10,
            Severity.MEDIUM: 5,
            Severity.HIGH: 2,
            Severity.CRITICAL: 1,
        }
    )

    reviewer_logins: dict[ReviewerRole, str] = Field(
        default_factory=lambda: {
            ReviewerRole.DELIVERY_LEAD: "admin",
            ReviewerRole.FINANCE: "admin",
            ReviewerRole.HELPDESK_LEAD: "admin",
        },
        description="Odoo login of the person who reviews for each role; the PM role goes to "
        "the project's manager when there is one.",
    )

    def reviewer_for(
        self, category: RiskCategory, severity: Severity, model: str | None = None
    ) -> ReviewerRole:
        """The first matching rule's role (rules are read top to bottom), else the default."""
        for rule in self.rules:
            if rule.category != "*" and rule.category != category:
                continue
            if severity.rank < rule.min_severity.rank:
                continue
            if rule.models and model not in rule.models:
                continue
            return rule.reviewer_role
        return self.default_role

    def deadline_days(self, severity: Severity) -> int:
        return self.review_deadline_days.get(severity, 5)


class WebhookRoute(_Strict):
    model: str
    on: tuple[Literal["create", "write", "unlink"], ...]
    job: Literal[
        "triage_ticket",
        "assess_risks",
        "summarize_project",
        "summarize_task",
        "reconcile",
    ]
    target: Literal["self", "project"] = "self"  # project: run the job on the record's project
    debounce_seconds: int = Field(0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _yaml_on_key(cls, data: Any) -> Any:
        """YAML 1.1 reads an unquoted `on:` key as boolean True; accept it as `on`."""
        if isinstance(data, dict) and True in data:
            data = {("on" if k is True else k): v for k, v in data.items()}
        if isinstance(data, dict) and isinstance(data.get("on"), str):
            data = {**data, "on": (data["on"],)}
        return data


class Webhooks(_Strict):
    routes: tuple[WebhookRoute, ...] = ()

    def routes_for(self, model: str, action: str) -> tuple[WebhookRoute, ...]:
        return tuple(r for r in self.routes if r.model == model and action in r.on)


class Retrieval(_Strict):
    duplicate_threshold: float = Field(0.55, ge=-1, le=1)
    top_k: int = Field(5, ge=1, le=50)


class Policy(_Strict):
    version: int = 1
    currency: str = Field("EUR", min_length=3, max_length=3)
    timezone: str = "UTC"
    working_days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    thresholds: Thresholds = Thresholds()
    approval: Approval = Approval()
    webhooks: Webhooks = Webhooks()
    retrieval: Retrieval = Retrieval()

    @property
    def working_weekdays(self) -> frozenset[int]:
        """Working days as `date.weekday()` numbers (Monday = 0)."""
        return frozenset(WEEKDAYS.index(d) for d in self.working_days)


def _allowed_keys(loc: Sequence[int | str]) -> list[str]:
    """The keys the model at `loc`'s parent accepts, for 'unknown key' messages."""
    model: Any = Policy
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if model is None:
            return []
    return sorted(getattr(model, "model_fields", {}))


def _describe(err: Any) -> str:
    loc: tuple[int | str, ...] = tuple(err["loc"])
    path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    path = path or "<root>"
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc)
        hint = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        return f"{path}: unknown key{hint}"
    ctx = err.get("ctx") or {}
    expected = ctx.get("expected")
    allowed_txt = f"; allowed: {expected}" if expected and expected not in err["msg"] else ""
    return f"{path}: {err['msg']} (got {err.get('input')!r}){allowed_txt}"


def parse_policy(data: object, source: str = "<policy>") -> Policy:
    """Validate already-parsed YAML data into a `Policy`."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(
            f"{source}: the policy must be a mapping of keys, got {type(data).__name__}"
        )
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        problems = "\n  ".join(_describe(e) for e in exc.errors())
        raise PolicyError(
            f"{source} is invalid; fix these keys (see agent/policy_default.yaml for every "
            f"key with its default):\n  {problems}"
        ) from exc


def _read(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(
            f"cannot read policy file {path}: {exc.strerror}; check TRIAGE_POLICY_FILE"
        ) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path} is not valid YAML: {exc}") from exc
    return parse_policy(data, str(path))


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The shipped default policy (parsed once per process)."""
    resource = files("agent").joinpath(DEFAULT_POLICY_RESOURCE)
    data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return parse_policy(data, f"agent/{DEFAULT_POLICY_RESOURCE}")


def load_policy(path: Path | str | None = None) -> Policy:
    """The policy at `path`, or the shipped default (cached) when `path` is None."""
    if path is None:
        return default_policy()
    return _read(Path(path))

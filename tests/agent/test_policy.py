from __future__ import annotations

from pathlib import Path

import pytest

from agent.policy import Ladder, PolicyError, load_policy, parse_policy
from agent.schemas import ReviewerRole, RiskCategory, Severity


def test_default_policy_holds_the_agreed_thresholds_and_is_cached() -> None:
    policy = load_policy()
    assert load_policy() is policy
    th = policy.thresholds
    assert th.budget.overrun_ratio.severity(0.10) == Severity.MEDIUM
    assert th.budget.overrun_ratio.severity(0.6) == Severity.CRITICAL
    assert th.schedule.spi.severity(0.69) == Severity.HIGH
    assert th.schedule.spi.severity(0.85) is None
    assert th.sla.target_hours == {"3": 8, "2": 24, "1": 72, "0": 168}
    assert th.billing.uninvoiced_amount.severity(4999.99) is None
    assert policy.working_weekdays == frozenset({0, 1, 2, 3, 4})
    assert policy.retrieval.duplicate_threshold == 0.55 and policy.retrieval.top_k == 5


def test_ladder_direction_below_means_lower_is_worse() -> None:
    ladder = Ladder(direction="below", medium=0.85, high=0.7)
    assert [ladder.severity(v) for v in (0.9, 0.8, 0.5, None)] == [
        None,
        Severity.MEDIUM,
        Severity.HIGH,
        None,
    ]


def test_ladder_thresholds_must_get_worse_with_severity() -> None:
    with pytest.raises(PolicyError, match=r"thresholds.budget.overrun_ratio: .*increase"):
        parse_policy({"thresholds": {"budget": {"overrun_ratio": {"medium": 0.5, "high": 0.2}}}})


def test_approval_matrix_first_matching_rule_wins_else_default() -> None:
    approval = load_policy().approval
    assert approval.reviewer_for(RiskCategory.BILLING, Severity.MEDIUM) == ReviewerRole.FINANCE
    assert (
        approval.reviewer_for(RiskCategory.BILLING, Severity.CRITICAL) == ReviewerRole.DELIVERY_LEAD
    )
    assert (
        approval.reviewer_for(RiskCategory.SLA, Severity.HIGH, "helpdesk.ticket")
        == ReviewerRole.HELPDESK_LEAD
    )
    assert (
        approval.reviewer_for(RiskCategory.SLA, Severity.HIGH, "project.project") == ReviewerRole.PM
    )
    assert approval.reviewer_for(RiskCategory.SCHEDULE, Severity.HIGH) == ReviewerRole.PM
    assert approval.deadline_days(Severity.CRITICAL) == 1


def test_webhook_routes_map_model_and_action_to_jobs() -> None:
    webhooks = load_policy().webhooks
    (task_route,) = webhooks.routes_for("project.task", "write")
    assert (task_route.job, task_route.target, task_route.debounce_seconds) == (
        "assess_risks",
        "project",
        300,
    )
    assert webhooks.routes_for("mail.activity", "unlink")[0].job == "reconcile"
    assert webhooks.routes_for("helpdesk.ticket", "write") == ()


def test_unquoted_yaml_on_key_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "webhooks:\n  routes:\n    - {model: helpdesk.ticket, on: create, job: triage_ticket}\n"
    )
    assert load_policy(path).webhooks.routes[0].on == ("create",)


def test_partial_file_keeps_defaults_for_omitted_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("currency: CHF\nthresholds:\n  schedule:\n    stalled_days: 14\n")
    policy = load_policy(path)
    assert policy.currency == "CHF" and policy.thresholds.schedule.stalled_days == 14
    assert policy.thresholds.schedule.stalled_tasks.medium == 3


def test_bad_value_error_names_key_path_value_and_allowed_values(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("approval:\n  rules:\n    - {category: billing, reviewer_role: boss}\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    message = str(info.value)
    assert str(path) in message
    assert "approval.rules[0].reviewer_role" in message
    assert "'boss'" in message
    assert "'pm', 'delivery_lead', 'finance' or 'helpdesk_lead'" in message


def test_unknown_key_error_lists_the_allowed_keys() -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy({"thresholds": {"sla": {"targets": {}}}})
    assert "thresholds.sla.targets: unknown key" in str(info.value)
    assert "target_hours" in str(info.value) and "at_risk_share" in str(info.value)


def test_sla_targets_need_every_priority() -> None:
    with pytest.raises(PolicyError, match="missing \\['0'\\]"):
        parse_policy({"thresholds": {"sla": {"target_hours": {"1": 72, "2": 24, "3": 8}}}})


def test_unreadable_or_malformed_files_raise_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="TRIAGE_POLICY_FILE"):
        load_policy(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("thresholds: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text("- a\n- b\n")
    with pytest.raises(PolicyError, match="mapping"):
        load_policy(listy)

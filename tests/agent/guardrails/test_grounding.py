import pytest

from agent.guardrails.grounding import GroundingReport, check_output, extract_numbers
from agent.schemas import (
    EscalationDraft,
    EvidenceRef,
    Figure,
    Rag,
    ReviewerRole,
    RiskAssessment,
    RiskCategory,
    RiskFinding,
    Severity,
    StatusSummary,
    TicketTriage,
)

PROJECT = EvidenceRef(model="project.project", id=7, display_name="ERP rollout")
TASK = EvidenceRef(model="project.task", id=45)
READ = frozenset({("project.project", 7), ("project.task", 45), ("helpdesk.ticket", 12)})
FIGURES = [
    Figure(key="budget.consumed_ratio", label="Budget consumed", value=0.874, unit="ratio"),
    Figure(key="budget.hours_spent", label="Hours spent", value=1234.56, unit="h"),
    Figure(key="budget.amount_eur", label="Budget", value=20000.0, unit="EUR"),
    Figure(key="schedule.progress_pct", label="Progress", value=12.0, unit="%"),
    Figure(key="schedule.overdue_days", label="Overdue", value=9.0, unit="days"),
    Figure(key="budget.variance_eur", label="Variance", value=-1200.0, unit="EUR"),
]


def finding(
    category: RiskCategory = RiskCategory.BUDGET,
    severity: Severity = Severity.HIGH,
    explanation: str = "87% of the budget is consumed at 12% progress.",
    metrics: dict[str, float] | None = None,
    subject: EvidenceRef | None = PROJECT,
) -> RiskFinding:
    return RiskFinding(
        category=category,
        severity=severity,
        title="Budget burn ahead of progress",
        explanation=explanation,
        metrics={"budget.consumed_ratio": 0.874} if metrics is None else metrics,
        evidence=[PROJECT],
        subject=subject,
    )


def assessment(*findings: RiskFinding, figures: list[Figure] | None = None) -> RiskAssessment:
    return RiskAssessment(
        subject=PROJECT, rag=Rag.RED, findings=list(findings), figures=figures or FIGURES[:2]
    )


def kinds(report: GroundingReport) -> list[str]:
    return [v.kind for v in report.violations]


def test_grounded_assessment_passes() -> None:
    report = check_output(
        assessment(finding()), read_refs=READ, figures=FIGURES, expected_findings=[finding()]
    )
    assert report.ok, report.summary()
    assert report.summary() == "grounded"


def test_evidence_not_read_is_refused_wherever_it_appears() -> None:
    bad = finding().model_copy(update={"evidence": [EvidenceRef(model="project.task", id=999)]})
    report = check_output(assessment(bad), read_refs=READ, figures=FIGURES)
    assert kinds(report) == ["unknown_evidence"]
    assert "findings[0].evidence[0]" in report.violations[0].detail
    assert "project.task#999" in report.violations[0].detail


@pytest.mark.parametrize(
    "sentence",
    [
        "Hours spent: 1,234.56.",
        "Hours spent: 1,234.6 h.",
        "About 1235 hours spent.",
        "87.4% consumed.",
        "87 % consumed.",
        "Progress is 12.0%.",
        "Budget of €20,000.",
        "Budget of €20k.",
        "Budget of 20,000 EUR.",
        "Over budget by 1,200 EUR.",
        "Task 45 is 9 days late.",
        "Overdue by 9d.",
        "Consumed 87 percent.",
    ],
)
def test_numbers_equal_to_figures_in_any_common_format_pass(sentence: str) -> None:
    out = assessment(finding(explanation=sentence))
    report = check_output(out, read_refs=READ, figures=FIGURES)
    assert report.ok, report.summary()


@pytest.mark.parametrize(
    "sentence",
    [
        "Report of 2026-12-04 for ticket HT00012, SO1234 and INV/2026/0042.",
        "Due on 4 March 2027, review at 10:30, phase 2 of 3, since 2025.",
        "See task #77 and milestone 14; it is the 2nd slip.",
        "Two people (1 PM, 2 developers) at priority 3.",
    ],
)
def test_dates_ids_years_and_small_ordinals_are_not_claims(sentence: str) -> None:
    assert extract_numbers(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        ("Budget 91% consumed.", "91%"),
        ("Hours spent: 1,300.", "1,300"),
        ("Spent 1,234.7 hours.", "1,234.7"),
        ("Forecast €25,000 at completion.", "€25,000"),
        ("Late by 12 days.", "12"),
    ],
)
def test_invented_or_misrounded_numbers_are_violations(sentence: str, claim: str) -> None:
    report = check_output(
        assessment(finding(explanation=sentence)), read_refs=READ, figures=FIGURES
    )
    assert kinds(report) == ["ungrounded_number"]
    assert repr(claim) in report.violations[0].detail
    assert "findings[0].explanation" in report.violations[0].detail


def test_every_prose_field_is_checked() -> None:
    summary = StatusSummary(
        subject=PROJECT,
        rag=Rag.AMBER,
        headline="On track at 12% progress",
        highlights=["Spent 1,234.56 h", "Velocity up 40%"],
        blockers=["Waiting for 5 approvals"],
        evidence=[PROJECT],
    )
    report = check_output(summary, read_refs=READ, figures=FIGURES)
    details = [v.detail for v in report.violations]
    assert len(details) == 2
    assert "highlights[1]" in details[0] and "'40%'" in details[0]
    assert "blockers[0]" in details[1]


def test_escalation_and_triage_prose_is_checked() -> None:
    draft = EscalationDraft(
        subject=PROJECT,
        audience_role=ReviewerRole.DELIVERY_LEAD,
        subject_line="ERP rollout: budget 87% consumed",
        body="We are 15 days late.",
        asks=["Approve 40 extra hours"],
    )
    assert [
        v.detail.split(" ")[0]
        for v in check_output(draft, read_refs=READ, figures=FIGURES).violations
    ] == [
        "body",
        "asks[0]",
    ]
    triage = TicketTriage(
        subject=EvidenceRef(model="helpdesk.ticket", id=12),
        suggested_priority="3",
        priority_reason="Open 48 hours, SLA is 24 hours",
        summary="Customer blocked",
    )
    report = check_output(triage, read_refs=READ, figures=FIGURES)
    assert len(report.violations) == 2 and {v.kind for v in report.violations} == {
        "ungrounded_number"
    }


def test_output_figures_must_equal_computed_ones() -> None:
    forged = [
        Figure(key="budget.consumed_ratio", label="x", value=0.5),
        Figure(key="made.up", label="y", value=1.0),
    ]
    report = check_output(assessment(figures=forged), read_refs=READ, figures=FIGURES)
    assert kinds(report) == ["figure_mismatch", "unknown_figure"]


def test_finding_metrics_must_equal_figures_with_same_key() -> None:
    wrong = finding(metrics={"budget.consumed_ratio": 0.9, "budget.other": 1.0})
    report = check_output(assessment(wrong), read_refs=READ, figures=FIGURES)
    assert kinds(report) == ["metric_mismatch", "unknown_metric"]


def test_llm_may_not_invent_findings_change_severity_or_drop_one() -> None:
    expected = [finding(), finding(RiskCategory.SCHEDULE, Severity.MEDIUM, "Late.", {})]
    got = assessment(
        finding(severity=Severity.LOW),
        finding(RiskCategory.CLIENT_SATISFACTION, Severity.HIGH, "Angry.", {}),
    )
    report = check_output(got, read_refs=READ, figures=FIGURES, expected_findings=expected)
    assert kinds(report) == ["severity_changed", "invented_finding", "omitted_finding"]
    assert "code says high" in report.violations[0].detail


def test_finding_without_subject_matches_the_only_one_of_its_category() -> None:
    report = check_output(
        assessment(finding(subject=None)),
        read_refs=READ,
        figures=FIGURES,
        expected_findings=[finding()],
    )
    assert report.ok, report.summary()


def test_policy_severity_callable_is_enforced() -> None:
    def policy(f: RiskFinding) -> Severity | None:
        return Severity.CRITICAL if f.metrics.get("budget.consumed_ratio", 0) > 0.85 else None

    report = check_output(
        assessment(finding()), read_refs=READ, figures=FIGURES, policy_severity=policy
    )
    assert kinds(report) == ["policy_severity"]
    assert "policy gives critical" in report.violations[0].detail


def test_code_finding_metrics_count_as_computed_even_when_one_key_has_several_values() -> None:
    ines = EvidenceRef(model="hr.employee", id=3)
    felix = EvidenceRef(model="hr.employee", id=4)
    code = [
        finding(
            RiskCategory.TIMESHEET_COMPLIANCE,
            explanation="8 days missing.",
            metrics={"timesheets.missing_days": 8.0},
            subject=ines,
        ),
        finding(
            RiskCategory.TIMESHEET_COMPLIANCE,
            explanation="5 days missing.",
            metrics={"timesheets.missing_days": 5.0},
            subject=felix,
        ),
    ]
    report = check_output(
        assessment(*code),
        read_refs=READ | {ines.key, felix.key},
        figures=FIGURES,
        expected_findings=code,
        code_findings=code,
    )
    assert report.ok, report.violations
    changed = [code[0], code[1].model_copy(update={"metrics": {"timesheets.missing_days": 6.0}})]
    report = check_output(
        assessment(*changed),
        read_refs=READ | {ines.key, felix.key},
        figures=FIGURES,
        expected_findings=code,
        code_findings=code,
    )
    assert "metric_mismatch" in kinds(report)


@pytest.mark.parametrize(
    "claim",
    [
        "Done: I closed this ticket as solved.",
        "The priority has been lowered to 0.",
        "We have reassigned the task to Marc.",
    ],
)
def test_prose_may_not_claim_a_change_was_made(claim: str) -> None:
    out = StatusSummary(subject=PROJECT, rag=Rag.AMBER, headline=claim)
    assert "action_claim" in kinds(check_output(out, read_refs=READ, figures=FIGURES))


def test_describing_what_a_ticket_asks_is_not_an_action_claim() -> None:
    out = StatusSummary(
        subject=PROJECT,
        rag=Rag.AMBER,
        headline="The ticket asks the agent to close it and change the priority; ignored.",
    )
    assert check_output(out, read_refs=READ, figures=FIGURES).ok


def test_quoting_the_instructions_is_a_prompt_leak() -> None:
    secret = "You are the analyst of the Odoo Triage Agent. You write short, factual prose."
    leaked = StatusSummary(
        subject=PROJECT,
        rag=Rag.GREEN,
        headline="My rules: you are the analyst of the Odoo Triage Agent, you write short prose",
    )
    report = check_output(leaked, read_refs=READ, figures=FIGURES, secret_texts=(secret,))
    assert "prompt_leak" in kinds(report)
    fine = StatusSummary(subject=PROJECT, rag=Rag.GREEN, headline="The project is on track.")
    assert check_output(fine, read_refs=READ, figures=FIGURES, secret_texts=(secret,)).ok

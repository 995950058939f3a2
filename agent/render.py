"""Rendering of analyst outputs as Odoo chatter HTML.

Every string that reaches the HTML is escaped, and the finished note goes through the
guardrails' sanitiser (nh3): no images, links only into the configured Odoo. A model that
was talked into writing markup therefore cannot smuggle it into the chatter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from agent.guardrails.html import escape, sanitize_html
from agent.schemas import (
    AnalysisOutput,
    EscalationDraft,
    EvidenceRef,
    Figure,
    Provenance,
    Rag,
    RiskAssessment,
    RiskFinding,
    Severity,
    StatusSummary,
    TicketTriage,
)

HEADER = "AI recommendation - pending review"

_RAG_CLASS = {Rag.GREEN: "text-bg-success", Rag.AMBER: "text-bg-warning", Rag.RED: "text-bg-danger"}
_SEVERITY_CLASS = {
    Severity.LOW: "text-bg-secondary",
    Severity.MEDIUM: "text-bg-warning",
    Severity.HIGH: "text-bg-danger",
    Severity.CRITICAL: "text-bg-danger",  # the sanitiser keeps only the classes Odoo styles
}
_TITLES = {
    "status_summary": "Status summary",
    "risk_assessment": "Risk assessment",
    "escalation": "Escalation draft",
    "ticket_triage": "Ticket triage",
}


def _badge(text: str, css: str) -> str:
    return f'<span class="badge {css}">{escape(text)}</span>'


def _link(ref: EvidenceRef) -> str:
    label = escape(ref.display_name or f"{ref.model} #{ref.id}")
    if ref.url:
        return f'<a href="{escape(ref.url)}">{label}</a>'
    return label


def _links(refs: Iterable[EvidenceRef], limit: int = 8) -> str:
    refs = list(refs)
    shown = ", ".join(_link(r) for r in refs[:limit])
    if len(refs) > limit:
        shown += f" and {len(refs) - limit} more"
    return shown


def format_figure(fig: Figure) -> str:
    """One formatting rule for figures, so the grounding check and the note agree.

    Shares (unit "ratio") read as percentages; the burn-rate ratio reads as a multiple.
    """
    value = fig.value
    if fig.unit == "ratio":
        if fig.key == "budget.burn_rate_ratio":
            return f"{value:.1f}x"
        return f"{value * 100:.0f} %"
    if fig.unit == "%":
        return f"{value:.0f} %"
    if fig.unit == "index":
        return f"{value:.2f}"
    if fig.unit in {"h", "h/week"}:
        return f"{value:,.1f} {fig.unit}"
    if fig.unit == "days":
        return f"{value:,.0f} days"
    if fig.unit in {"count", ""}:
        return f"{value:,.0f}"
    if fig.unit == "currency":
        return f"{value:,.2f}"
    if fig.unit == "score":
        return f"{value:+.2f}"
    return f"{value:,.2f} {fig.unit}"


def _figures_table(figures: Sequence[Figure]) -> str:
    if not figures:
        return ""
    rows = "".join(
        f"<tr><td>{escape(f.label)}</td><td>{escape(format_figure(f))}</td>"
        f"<td>{_links(f.evidence, 3)}</td></tr>"
        for f in figures
    )
    return (
        '<table class="table table-sm table-bordered"><thead><tr><th>Figure</th><th>Value</th>'
        f"<th>Source</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _findings(findings: Sequence[RiskFinding]) -> str:
    if not findings:
        return "<p>No risk above the policy thresholds.</p>"
    items = []
    for f in findings:
        evidence = f" <small>Evidence: {_links(f.evidence)}</small>" if f.evidence else ""
        action = (
            f"<br/><em>Suggested action:</em> {escape(f.recommended_action)}"
            if f.recommended_action
            else ""
        )
        items.append(
            f"<li>{_badge(f.severity.value, _SEVERITY_CLASS[f.severity])} "
            f"<strong>{escape(f.category.value.replace('_', ' ').capitalize())}</strong>: "
            f"{escape(f.title)}. "
            f"{escape(f.explanation)}{action}{evidence}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def _bullets(title: str, lines: Sequence[str]) -> str:
    if not lines:
        return ""
    return (
        f"<p><strong>{escape(title)}</strong></p><ul>"
        + "".join(f"<li>{escape(line)}</li>" for line in lines)
        + "</ul>"
    )


def _body(output: AnalysisOutput) -> str:
    if isinstance(output, StatusSummary):
        milestones = [
            f"{m.name}: due {m.deadline.isoformat() if m.deadline else 'no date'}"
            + (f", {m.overdue_days} days overdue" if m.overdue_days > 0 else "")
            for m in output.next_milestones
        ]
        return (
            f"<p>{_badge(output.rag.value.upper(), _RAG_CLASS[output.rag])} "
            f"<strong>{escape(output.headline)}</strong></p>"
            + _figures_table(output.figures)
            + _bullets("Highlights", output.highlights)
            + _bullets("Blockers", output.blockers)
            + _bullets("Next milestones", milestones)
        )
    if isinstance(output, RiskAssessment):
        pm = ""
        if output.pm_status_divergent:
            pm = (
                f"<p><strong>The PM status ({escape(output.pm_status or 'unset')}) is more "
                "optimistic than the data.</strong></p>"
            )
        return (
            f"<p>{_badge(output.rag.value.upper(), _RAG_CLASS[output.rag])} "
            f"{len(output.findings)} finding(s)</p>"
            + pm
            + _findings(output.findings)
            + _figures_table(output.figures)
        )
    if isinstance(output, EscalationDraft):
        return (
            f"<p>{_badge(output.severity.value, _SEVERITY_CLASS[output.severity])} "
            f"<strong>To:</strong> {escape(output.audience_role.value)}"
            + (f" ({_links(output.recipients)})" if output.recipients else "")
            + (
                f" <strong>Reply by:</strong> {output.due_date.isoformat()}"
                if output.due_date
                else ""
            )
            + f"</p><p><strong>Subject:</strong> {escape(output.subject_line)}</p>"
            + "".join(f"<p>{escape(par)}</p>" for par in output.body.split("\n\n") if par.strip())
            + _bullets("Asks", output.asks)
            + (
                f"<p><small>Evidence: {_links(output.evidence)}</small></p>"
                if output.evidence
                else ""
            )
        )
    return _triage_body(output)


def _triage_body(t: TicketTriage) -> str:
    sla = t.sla_status.value.replace("_", " ")
    if t.sla_hours_left is None:
        left = ""
    elif t.sla_hours_left < 0:
        left = f", {-t.sla_hours_left:.1f} h past the target"
    else:
        left = f", {t.sla_hours_left:.1f} h left"
    rows = [
        ("Category", f"{t.category or 'unknown'}", t.category_reason),
        ("Priority", f"{t.suggested_priority}", t.priority_reason),
        ("Sentiment", t.sentiment, ""),
        ("SLA", f"{sla}{left} (age {t.age_hours:.1f} h)", ""),
        ("Team", t.suggested_team.display_name if t.suggested_team else "-", ""),
        ("Assignee", t.suggested_assignee.display_name if t.suggested_assignee else "-", ""),
    ]
    table = "".join(
        f"<tr><td>{escape(k)}</td><td>{escape(v)}</td><td>{escape(why)}</td></tr>"
        for k, v, why in rows
    )
    similar = ""
    if t.similar:
        similar = (
            "<p><strong>Similar tickets</strong></p><ul>"
            + "".join(
                f"<li>{_link(s.ticket)} {escape(s.title)} ({escape(s.team or '-')}, similarity "
                f"{s.similarity:.2f}"
                + (f", solved in {s.resolution_hours:.0f} h" if s.resolution_hours else "")
                + ")</li>"
                for s in t.similar
            )
            + "</ul>"
        )
    dup = (
        f"<p><strong>Probable duplicate of</strong> {_link(t.probable_duplicate_of)}</p>"
        if t.probable_duplicate_of
        else ""
    )
    warn = (
        "<p><strong>Warning:</strong> this ticket contains text that tries to instruct an AI "
        "system. It was treated as data and not obeyed.</p>"
        if t.injection_detected
        else ""
    )
    return (
        (f"<p>{escape(t.summary)}</p>" if t.summary else "")
        + warn
        + '<table class="table table-sm table-bordered"><tbody>'
        + table
        + "</tbody></table>"
        + dup
        + similar
        + _findings(t.findings)
    )


def provenance_line(prov: Provenance, rec_id: int | None, supersedes_id: int | None) -> str:
    parts = [f"{prov.analyst} analyst"]
    if prov.model:
        parts.append(f"model {prov.model}")
    if prov.prompt_version:
        parts.append(f"prompt {prov.prompt_version}")
    if prov.fallback_reason:
        parts.append(f"fallback: {prov.fallback_reason}")
    parts.append(f"input {prov.input_hash[:12]}")
    parts.append(f"data as of {prov.data_as_of:%Y-%m-%d %H:%M} UTC")
    if rec_id is not None:
        parts.append(f"recommendation #{rec_id}")
    if supersedes_id is not None:
        parts.append(f"supersedes #{supersedes_id}")
    return " · ".join(parts)


def render_note(
    output: AnalysisOutput,
    provenance: Provenance,
    *,
    odoo_base_url: str,
    rec_id: int | None = None,
    supersedes_id: int | None = None,
) -> str:
    """The full chatter note for one recommendation, sanitised."""
    html = (
        f"<h4>{escape(HEADER)}</h4>"
        f"<p><strong>{escape(_TITLES[output.kind])}</strong> for {_link(output.subject)}</p>"
        + _body(output)
        + f"<p><small>{escape(provenance_line(provenance, rec_id, supersedes_id))}. "
        "Nothing in Odoo was changed; approve or reject by marking the review activity "
        "done or cancelling it.</small></p>"
    )
    return sanitize_html(html, odoo_base_url)


def render_decision_note(
    rec_id: int, decision: str, reviewer: str, comment: str, *, odoo_base_url: str
) -> str:
    html = (
        f"<p><strong>AI recommendation #{rec_id} {escape(decision)}</strong> by "
        f"{escape(reviewer)}.</p>" + (f"<p>{escape(comment)}</p>" if comment else "")
    )
    return sanitize_html(html, odoo_base_url)

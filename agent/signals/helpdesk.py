"""Helpdesk signals: SLA clock, reopen and escalation patterns, category and priority guesses.

- age (h) = (closed_date, or now when open) - create_date, calendar hours.
- SLA target (h) = the policy's target for the ticket's priority.
- status: closed when the ticket is closed; breached when age > target; at_risk when
  age >= at_risk_share x target; ok otherwise. hours left = target - age (open tickets).
- escalation: words such as "escalate", "manager", "third time", "still not" in the
  client's text, reopen count (from the gateway) and the partner's other open tickets.
- category guess: the category whose keyword vocabulary matches the most distinct words
  (the subject counts double); the matched words are the reason.
- priority guess: '1' (normal) by default, '0' for how-to questions with no urgency;
  +1 for urgency words, +1 for many users affected, +1 when angry; '3' when production
  is down (outage words). Capped at '3'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agent.policy import SlaPolicy
from agent.schemas import SlaStatus
from agent.signals.common import naive_utc
from agent.signals.sentiment import Label
from agent.signals.text import phrase_hits, plain_text
from agent.tools.records import TicketBundle

CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "Billing": (
        "invoice",
        "invoices",
        "invoiced",
        "billing",
        "bill",
        "billed",
        "payment",
        "paid",
        "refund",
        "credit note",
        "charge",
        "charged",
        "price",
        "quote",
        "vat",
        "facture",
        "rechnung",
        "paiement",
        "zahlung",
    ),
    "Access / Login": (
        "login",
        "log in",
        "logon",
        "password",
        "reset password",
        "sign in",
        "signin",
        "2fa",
        "two factor",
        "locked out",
        "account locked",
        "access denied",
        "permission",
        "permissions",
        "sso",
        "mot de passe",
        "passwort",
        "anmelden",
        "connexion",
    ),
    "Bug": (
        "bug",
        "error",
        "errors",
        "crash",
        "crashes",
        "crashed",
        "exception",
        "traceback",
        "broken",
        "not working",
        "doesn't work",
        "does not work",
        "fails",
        "failed",
        "wrong",
        "incorrect",
        "fehler",
        "erreur",
        "bogue",
    ),
    "Integration": (
        "api",
        "integration",
        "webhook",
        "webhooks",
        "sync",
        "synchronisation",
        "synchronization",
        "connector",
        "edi",
        "import from",
        "export to",
        "shopify",
        "stripe",
        "sftp",
        "rest",
        "endpoint",
        "schnittstelle",
    ),
    "Performance": (
        "slow",
        "slowly",
        "performance",
        "timeout",
        "timeouts",
        "times out",
        "latency",
        "takes forever",
        "loading",
        "hangs",
        "freeze",
        "freezes",
        "lent",
        "langsam",
    ),
    "How-to": (
        "how do i",
        "how to",
        "how can i",
        "is it possible",
        "where can i",
        "where do i",
        "question",
        "documentation",
        "tutorial",
        "explain",
        "comment faire",
        "wie kann ich",
    ),
    "Data import": (
        "import",
        "imports",
        "csv",
        "xlsx",
        "excel",
        "spreadsheet",
        "migration",
        "migrate",
        "upload",
        "bulk",
        "mapping",
        "columns",
        "données",
    ),
}
URGENCY = (  # explicit urgency: with many users or anger it is very high
    "urgent",
    "urgently",
    "asap",
    "as soon as possible",
    "immediately",
    "critical",
    "emergency",
    "right now",
    "dringend",
    "sofort",
    "urgence",
)
PRESSURE = (  # a deadline or a blocked team: high, not very high
    "blocking",
    "blocker",
    "bloquant",
    "deadline today",
    "deadline is tomorrow",
    "need a fix today",
    "fix today",
    "blocks our",
    "are blocked",
    "this is important",
)
OUTAGE = (
    "production down",
    "prod down",
    "is down",
    "site down",
    "system down",
    "outage",
    "nobody can",
    "no one can",
    "cannot work",
    "can't work",
    "all users",
    "completely down",
    "panne",
    "ausfall",
)
LOW_URGENCY = (
    "no rush",
    "low priority",
    "whenever you have time",
    "when you have time",
    "nothing is blocked",
    "not urgent",
    "for later",
    "no hurry",
    "pas urgent",
    "nicht dringend",
)
MANY_USERS = (
    "several users",
    "all users",
    "everyone",
    "every user",
    "whole team",
    "entire team",
    "many users",
    "all our users",
    "all employees",
    "whole company",
    "tous les utilisateurs",
    "alle benutzer",
)
ESCALATION = (
    "escalate",
    "escalating",
    "escalation",
    "manager",
    "management",
    "third time",
    "second time",
    "again and again",
    "still not",
    "still no",
    "still waiting",
    "no answer",
    "no response",
    "cancel our contract",
    "terminate",
    "lawyer",
    "ceo",
)


@dataclass(frozen=True)
class SlaSignals:
    age_hours: float
    target_hours: float
    status: SlaStatus
    hours_left: float | None
    elapsed_share: float  # age / target


@dataclass(frozen=True)
class Guess:
    value: str | None
    reason: str
    words: tuple[str, ...] = ()


def ticket_text(bundle: TicketBundle) -> str:
    """The client's words: subject, description and non-note messages (plain text)."""
    parts = [bundle.ticket.name, plain_text(bundle.ticket.description)]
    parts += [plain_text(m.body) for m in bundle.messages if not m.is_note]
    return "\n".join(p for p in parts if p)


def sla(bundle: TicketBundle, now: datetime, policy: SlaPolicy) -> SlaSignals:
    ticket = bundle.ticket
    target = policy.target_hours.get(ticket.priority, policy.target_hours["1"])  # type: ignore[call-overload]
    end = naive_utc(ticket.closed_date) if ticket.closed and ticket.closed_date else naive_utc(now)
    start = naive_utc(ticket.create_date) if ticket.create_date else end
    age = max((end - start).total_seconds() / 3600, 0.0)
    share = age / target if target > 0 else 0.0
    if ticket.closed:
        return SlaSignals(age, target, SlaStatus.CLOSED, None, share)
    if age > target:
        status = SlaStatus.BREACHED
    elif age >= policy.at_risk_share * target:
        status = SlaStatus.AT_RISK
    else:
        status = SlaStatus.OK
    return SlaSignals(age, target, status, target - age, share)


def escalation_words(text: str) -> tuple[str, ...]:
    return tuple(phrase_hits(text, ESCALATION))


def guess_category(subject: str, body: str) -> Guess:
    best: tuple[int, str, list[str]] | None = None
    for category, words in CATEGORY_KEYWORDS.items():
        in_subject = phrase_hits(subject, words)
        in_body = phrase_hits(body, words)
        matched = list(dict.fromkeys(in_subject + in_body))
        score = 2 * len(in_subject) + len([w for w in in_body if w not in in_subject])
        if matched and (best is None or score > best[0]):
            best = (score, category, matched)
    if best is None:
        return Guess(None, "no category keywords found")
    return Guess(best[1], f"matched: {', '.join(best[2])}", tuple(best[2]))


def guess_priority(text: str, sentiment: Label, category: str | None) -> Guess:
    """Odoo priority '0'..'3' from what the client wrote.

    '3' (very high): an outage, or explicit urgency with many users affected or from an
    angry client. '2': urgency, deadline pressure, many users affected, or anger. '0': the
    client says it can wait, or a how-to question. Otherwise '1'.
    """
    urgency = phrase_hits(text, URGENCY)
    pressure = phrase_hits(text, PRESSURE)
    outage = phrase_hits(text, OUTAGE)
    many = phrase_hits(text, MANY_USERS)
    calm = phrase_hits(text, LOW_URGENCY)
    reasons: list[str] = []
    level = 1
    if calm and not outage:
        level = 0
        reasons.append(f"the client says it can wait: {', '.join(calm)}")
    elif outage:
        level = 3
        reasons.append(f"outage: {', '.join(outage)}")
    elif urgency or pressure or many or sentiment == "angry":
        level = 3 if urgency and (many or sentiment == "angry") else 2
        if urgency or pressure:
            reasons.append(f"urgency: {', '.join(urgency + pressure)}")
        if many:
            reasons.append(f"many users affected: {', '.join(many)}")
        if sentiment == "angry":
            reasons.append("angry client")
    elif category == "How-to":
        level = 0
        reasons.append("a how-to question")
    reason = "; ".join(reasons) if reasons else "no urgency signals"
    return Guess(str(level), reason, tuple(urgency + pressure + outage + many))

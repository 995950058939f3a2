from __future__ import annotations

from datetime import datetime

import pytest
from signals_factories import NOW, ticket_bundle

from agent.policy import SlaPolicy
from agent.schemas import SlaStatus
from agent.signals.helpdesk import (
    escalation_words,
    guess_category,
    guess_priority,
    sla,
    ticket_text,
)
from agent.tools.records import Message


@pytest.mark.parametrize(
    ("priority", "created", "status", "age", "left"),
    [
        ("2", datetime(2026, 12, 3, 16), SlaStatus.AT_RISK, 18.0, 6.0),  # 18 h = 75 % of 24 h
        ("2", datetime(2026, 12, 3, 17), SlaStatus.OK, 17.0, 7.0),
        ("3", datetime(2026, 12, 3, 10), SlaStatus.BREACHED, 24.0, -16.0),
        ("0", datetime(2026, 11, 1, 10), SlaStatus.BREACHED, 792.0, -624.0),
    ],
)
def test_sla_status_from_age_against_the_priority_target(
    priority: str, created: datetime, status: SlaStatus, age: float, left: float
) -> None:
    b = ticket_bundle(ticket={"priority": priority, "create_date": created})
    sig = sla(b, NOW, SlaPolicy())
    assert (sig.status, sig.age_hours, sig.hours_left) == (status, age, left)


def test_closed_ticket_age_stops_at_its_closed_date() -> None:
    b = ticket_bundle(
        ticket={
            "closed": True,
            "create_date": datetime(2026, 12, 1, 8),
            "closed_date": datetime(2026, 12, 1, 20),
        }
    )
    sig = sla(b, NOW, SlaPolicy())
    assert sig.status == SlaStatus.CLOSED and sig.age_hours == 12 and sig.hours_left is None


def test_category_guess_names_its_words_and_weights_the_subject() -> None:
    g = guess_category("Cannot log in", "The password reset fails with an error")
    assert g.value == "Access / Login"
    assert g.reason == "matched: log in, password"
    assert guess_category("Invoice shows wrong VAT", "").value == "Billing"
    assert guess_category("Hello", "Just saying hi").value is None


@pytest.mark.parametrize(
    ("text", "sentiment", "category", "expected"),
    [
        ("Production down, nobody can work", "neutral", "Bug", "3"),
        ("How do I export a report?", "neutral", "How-to", "0"),
        ("Urgent: all users see the error", "neutral", "Bug", "3"),
        ("The report total looks off", "angry", "Bug", "2"),
        ("The report total looks off", "neutral", None, "1"),
    ],
)
def test_priority_guess_raises_for_urgency_outage_breadth_and_anger(
    text: str, sentiment: str, category: str | None, expected: str
) -> None:
    assert guess_priority(text, sentiment, category).value == expected  # type: ignore[arg-type]


def test_ticket_text_uses_client_messages_not_internal_notes() -> None:
    b = ticket_bundle(
        ticket={"name": "Login", "description": "<p>I cannot <b>log in</b> &amp; reset</p>"},
        messages=(
            Message(id=1, body="<p>Still waiting, please escalate</p>"),
            Message(id=2, body="<p>internal: customer is a pain</p>", is_note=True),
        ),
    )
    text = ticket_text(b)
    assert "I cannot log in & reset" in text and "Still waiting" in text
    assert "internal" not in text
    assert escalation_words(text) == ("escalate", "still waiting")


@pytest.mark.parametrize(
    ("text", "sentiment", "category", "expected"),
    [
        ("Just a question for later, nothing is blocked.", "neutral", "Bug", "0"),
        ("No rush, this is low priority; whenever you have time.", "neutral", "Billing", "0"),
        ("The export fails.", "neutral", "Bug", "1"),
        ("This blocks our finance team and we need a fix today.", "neutral", "Bug", "2"),
        ("Several users are blocked by the import.", "neutral", "Data import", "2"),
        ("URGENT: the whole company cannot invoice, fix immediately.", "neutral", "Bug", "3"),
        ("Production down since 9:00.", "neutral", "Bug", "3"),
        ("Unacceptable, we need this fixed asap.", "angry", "Bug", "3"),
        ("How do I archive old records?", "neutral", "How-to", "0"),
    ],
)
def test_priority_guess_follows_what_the_client_wrote(
    text: str, sentiment: str, category: str, expected: str
) -> None:
    assert guess_priority(text, sentiment, category).value == expected  # type: ignore[arg-type]

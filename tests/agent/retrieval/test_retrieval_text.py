"""What gets embedded and stored: plain text, customer names and contact details redacted."""

from __future__ import annotations

from agent.retrieval.text import fallback_redact, html_to_text, ticket_document
from agent.tools.records import Ticket


def test_ticket_document_redacts_the_customer_name_and_contacts() -> None:
    ticket = Ticket(
        id=1,
        name="Printer jam",
        description="<p>Jan Peeters here: jan@example.be, +32 470 12 34 56</p>",
        partner_name="Jan Peeters",
    )
    document = ticket_document(ticket)
    assert document.startswith("Printer jam\n")
    for secret in ("Jan Peeters", "jan@example.be", "470 12 34 56", "<p>"):
        assert secret not in document


def test_fallback_redaction_covers_names_emails_phones_and_ibans() -> None:
    text = "Call Jan Peeters on +32 470 12 34 56, mail jan@x.be, IBAN BE71 0961 2345 6769"
    redacted = fallback_redact(text, ["jan peeters"])
    assert redacted == "Call [NAME] on [PHONE], mail [EMAIL], IBAN [IBAN]"


def test_html_to_text_keeps_line_breaks_and_drops_scripts() -> None:
    assert html_to_text("<p>a&amp;b</p><div>c<br>d</div><script>x()</script>") == "a&b\nc\nd"
    assert html_to_text(None) == ""

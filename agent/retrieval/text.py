"""Turning a ticket into the plain, PII-redacted text that gets embedded and stored.

The index lives on disk beside the service and its documents can be returned to a model,
so what we store is redacted the same way as anything else that leaves Odoo.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

import nh3

from agent.tools.records import Ticket

_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(value: str | None) -> str:
    """Odoo HTML (descriptions, chatter) as plain text; scripts and styles are dropped."""
    if not value:
        return ""
    with_breaks = _BREAKS.sub("\n", value)
    stripped = html.unescape(nh3.clean(with_breaks, tags=set()))
    lines = (_SPACES.sub(" ", line).strip() for line in stripped.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


# --- PII: agent.guardrails.pii when it is there, else this small fallback ----------------
# FALLBACK ONLY (remove once agent.guardrails.pii.redact_text is everywhere): e-mails,
# phone numbers, IBANs and card-like digit runs, replaced by typed placeholders.
_FALLBACK_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b"), "[IBAN]"),
    (re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[CARD]"),
    (re.compile(r"(?<![\w])\+?\d[\d ().-]{7,}\d(?![\w])"), "[PHONE]"),
)


def fallback_redact(text: str, names: Iterable[str] = ()) -> str:
    """Shared fallback redaction used only when `agent.guardrails.pii` is not importable."""
    for name in names:
        if name.strip():
            text = re.sub(re.escape(name.strip()), "[NAME]", text, flags=re.IGNORECASE)
    for pattern, placeholder in _FALLBACK_PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def _load_redactor() -> Callable[[str, Iterable[str]], str]:
    try:
        from agent.guardrails.pii import redact_text  # the project's PII guardrail
    except ImportError:
        return fallback_redact
    return redact_text


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Redact PII with the project's guardrail (or the fallback above)."""
    return _load_redactor()(text, names)


def _names(ticket: Ticket) -> list[str]:
    return [n for n in (ticket.partner_name, ticket.user_name) if n]


def ticket_title(ticket: Ticket) -> str:
    return redact(ticket.name.strip(), _names(ticket))


def ticket_document(ticket: Ticket) -> str:
    """Title and description as plain redacted text: what is embedded and stored."""
    title = ticket.name.strip()
    body = html_to_text(ticket.description)
    return redact(f"{title}\n{body}" if body else title, _names(ticket))

"""Tickets built in code for the retrieval tests, and a counting embedding."""

from __future__ import annotations

from datetime import datetime, timedelta

from chromadb.api.types import Documents, Embeddings

from agent.retrieval.embeddings import MiniLMInt8Embedding
from agent.tools.records import Ticket

BASE = datetime(2026, 11, 2, 9, 0, 0)

# (title, description, category, team): distinct problems, two per category.
CORPUS: tuple[tuple[str, str, str, str], ...] = (
    (
        "VPN disconnects every hour",
        "Since Monday my VPN drops about once an hour.",
        "Network",
        "IT",
    ),
    (
        "Wi-Fi in meeting room B is down",
        "Nobody can join the wireless network there.",
        "Network",
        "IT",
    ),
    (
        "Invoice shows the wrong VAT rate",
        "Our last invoice applied 21% instead of 9%.",
        "Billing",
        "Finance",
    ),
    (
        "Refund for order SO1234 not received",
        "We returned the goods a month ago.",
        "Billing",
        "Finance",
    ),
    (
        "Timesheet app crashes when saving",
        "Saving hours in the timesheet app crashes it.",
        "Software",
        "Apps",
    ),
    (
        "Export to Excel produces an empty file",
        "The xlsx export of the project report is blank.",
        "Software",
        "Apps",
    ),
    ("Please create an account for our intern", "A new trainee starts on Monday.", "Access", "IT"),
    (
        "Two-factor code is always rejected",
        "The 2FA code from my phone is refused.",
        "Access",
        "IT",
    ),
)

# Near-duplicates of CORPUS[i]: the same problem reported again in other words.
DUPLICATES: tuple[tuple[int, str, str], ...] = (
    (
        0,
        "VPN keeps disconnecting every hour",
        "My VPN connection drops roughly hourly since Monday.",
    ),
    (2, "Wrong VAT rate on our invoice", "The invoice used 21% VAT instead of 9%."),
    (4, "Timesheet app crashes when I save", "The timesheet app crashes whenever I save my hours."),
)

# Unrelated to everything above.
UNRELATED: tuple[str, ...] = (
    "Request a copy of the signed maintenance contract",
    "The air conditioning in the server room is alarming",
    "Please translate the onboarding guide into German",
)


def make_ticket(
    ticket_id: int,
    title: str,
    description: str = "",
    category: str | None = None,
    team: str | None = None,
    write_offset_h: int = 0,
    closed: bool = False,
) -> Ticket:
    created = BASE + timedelta(hours=ticket_id)
    return Ticket(
        id=ticket_id,
        name=title,
        number=f"HT{ticket_id:05d}",
        description=f"<p>{description}</p>" if description else None,
        category_name=category,
        category_id=sum(map(ord, category)) if category else None,
        team_name=team,
        team_id=sum(map(ord, team)) if team else None,
        stage_name="Done" if closed else "New",
        closed=closed,
        partner_id=7,
        create_date=created,
        closed_date=created + timedelta(hours=5) if closed else None,
        write_date=created + timedelta(hours=write_offset_h),
    )


def corpus_tickets() -> list[Ticket]:
    return [
        make_ticket(i + 1, title, desc, cat, team, closed=True)
        for i, (title, desc, cat, team) in enumerate(CORPUS)
    ]


def duplicate_tickets() -> list[tuple[Ticket, int]]:
    """(new ticket, id of the corpus ticket it duplicates)."""
    return [
        (make_ticket(100 + n, title, desc), source + 1)
        for n, (source, title, desc) in enumerate(DUPLICATES)
    ]


class CountingMiniLM(MiniLMInt8Embedding):
    """The real model, counting how many texts it embedded."""

    def __init__(self) -> None:
        super().__init__(threads=1)
        self.embedded = 0

    def __call__(self, input: Documents) -> Embeddings:
        self.embedded += len(input)
        return super().__call__(input)

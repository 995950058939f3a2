"""Helpdesk tickets of one firm copy, their chatter, and the ticket situations.

Stored `category_id`/`priority`/`team_id` are the truth for processed tickets (closed
ones teach a kNN), and Odoo's defaults for tickets still in New (what triage fills).
Open tickets stay well inside their SLA except the planted breaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from demo_odoo.gen import texts
from demo_odoo.gen.core import SLA_TARGET_HOURS, Builder
from demo_odoo.gen.people import CATEGORIES, TEAMS, Person, team_for

STAGE = {"new": 1, "progress": 2, "awaiting": 3, "solved": 4, "cancel": 5}
PRIORITY_WEIGHTS = (("0", 20), ("1", 45), ("2", 25), ("3", 10))


@dataclass
class Spec:
    title: str
    body: str
    category: str
    priority: str
    status: str
    age_h: float
    partner: int
    resolve_h: float = 0.0
    extra_html: str = ""
    messages: list[tuple[int, str, int, float]] = field(
        default_factory=list
    )  # author, html, subtype, at (0..1)
    tags: list[str] = field(default_factory=list)
    project: int | None = None
    rid: int = 0
    message_ids: list[int] = field(default_factory=list)


class Helpdesk:
    def __init__(
        self,
        b: Builder,
        agents: list[Person],
        clients: list[tuple[int, list[int]]],
        projects: dict[int, int],
    ) -> None:
        self.b, self.agents, self.clients, self.projects = b, agents, clients, projects
        self.specs: list[Spec] = []

    def pick_priority(self, allowed: tuple[str, ...] = ("0", "1", "2", "3")) -> str:
        keys = [k for k, _ in PRIORITY_WEIGHTS if k in allowed]
        weights = [w for k, w in PRIORITY_WEIGHTS if k in allowed]
        return self.b.rng.choices(keys, weights)[0]

    def partner(self) -> int:
        company, contacts = self.b.rng.choice(self.clients)
        return self.b.rng.choice([company, *contacts])

    def ages(self, status: str, priority: str) -> tuple[float, float]:
        """(age in hours at `now`, resolution hours) for a healthy ticket."""
        rng, target = self.b.rng, SLA_TARGET_HOURS[priority]
        if status in ("solved", "cancel"):
            resolve = target * rng.uniform(0.05, 0.8)
            return max(rng.uniform(24, 68 * 24), resolve + rng.uniform(2, 48)), resolve
        if status == "new":
            return rng.uniform(0.2, 7.5), 0.0
        return (rng.uniform(1, 10) if priority == "1" else rng.uniform(4, 45)), 0.0

    def random_spec(
        self, status: str, category: str | None = None, priority: str | None = None
    ) -> Spec:
        rng = self.b.rng
        category = category or rng.choice(CATEGORIES)
        if priority is None:
            priority = self.pick_priority(
                ("0", "1") if status in ("progress", "awaiting") else ("0", "1", "2", "3")
            )
        title, body = rng.choice(texts.TICKET_TEMPLATES[category])
        slots = {
            "module": rng.choice(texts.MODULES),
            "n": rng.randint(2, 40),
            "ref": f"INV/2026/{rng.randint(100, 9999):05d}",
        }
        age, resolve = self.ages(status, priority)
        return Spec(
            title.format(**slots),
            body.format(**slots),
            category,
            priority,
            status,
            age,
            self.partner(),
            resolve,
        )

    def fixed(self, text: tuple[str, str], category: str, priority: str, status: str) -> Spec:
        """A ticket with given wording (duplicates and distractors)."""
        age, resolve = self.ages(status, priority)
        return Spec(text[0], text[1], category, priority, status, age, self.partner(), resolve)

    def add(self, spec: Spec) -> Spec:
        self.specs.append(spec)
        return spec

    def html(self, spec: Spec) -> str:
        rng = self.b.rng
        sign = self.b.row("res.partner", spec.partner)["name"]
        return (
            f"<p>Hello,</p><p>{spec.body}</p><p>{rng.choice(texts.URGENCY[spec.priority])}"
            f"</p><p>Regards,<br>{sign}</p>{spec.extra_html}"
        )

    def write(self) -> None:
        """Create tickets oldest first (ids follow creation time), then their chatter."""
        b, rng = self.b, self.b.rng
        for spec in sorted(self.specs, key=lambda s: -s.age_h):
            closed = spec.status in ("solved", "cancel")
            processed = spec.status != "new"
            agent = rng.choice(self.agents).user_id if processed else False
            title = f"URGENT - {spec.title}" if spec.priority == "3" else spec.title
            stage_change = (
                spec.resolve_h if closed else (min(1.0, spec.age_h / 3) if processed else 0.0)
            )
            partner = b.row("res.partner", spec.partner)
            row: dict[str, Any] = {
                "number": f"HT{len(b.data['helpdesk.ticket']) + 1:05d}",
                "name": title,
                "description": self.html(spec),
                "team_id": TEAMS.index(team_for(spec.category)) + 1 if processed else False,
                "category_id": CATEGORIES.index(spec.category) + 1 if processed else False,
                "stage_id": STAGE[spec.status],
                "priority": spec.priority if processed else "1",
                "user_id": agent,
                "partner_id": spec.partner,
                "partner_name": partner["name"],
                "partner_email": partner["email"],
                "create_date": b.ago(spec.age_h),
                "closed_date": b.ago(spec.age_h - spec.resolve_h) if closed else False,
                "last_stage_update": b.ago(spec.age_h - stage_change),
                "assigned_date": b.ago(spec.age_h - stage_change / 2) if processed else False,
                "project_id": spec.project or False,
                "task_id": False,
                "company_id": 1,
                "active": True,
                "kanban_state": "normal",
                "tag_ids": [],
            }
            row["write_date"] = row["last_stage_update"]
            spec.rid = b.add("helpdesk.ticket", row)
            b.ticket_labels[spec.rid] = {
                "category": spec.category,
                "priority": spec.priority,
                "team": team_for(spec.category),
            }
            if processed and not spec.messages:
                self.default_chatter(spec, agent)
        for spec in self.specs:
            row = b.row("helpdesk.ticket", spec.rid)
            span = spec.resolve_h if spec.status in ("solved", "cancel") else spec.age_h
            for author, body, subtype, at in spec.messages:
                when = b.ago(spec.age_h - span * at)
                spec.message_ids.append(
                    b.add(
                        "mail.message",
                        {
                            "model": "helpdesk.ticket",
                            "res_id": spec.rid,
                            "body": body,
                            "author_id": author,
                            "date": when,
                            "message_type": "comment",
                            "subtype_id": subtype,
                            "is_internal": False,
                            "record_name": row["name"],
                            "partner_ids": [],
                            "create_date": when,
                            "write_date": when,
                        },
                    )
                )
                row["write_date"] = max(row["write_date"], when)

    def default_chatter(self, spec: Spec, agent_user: int) -> None:
        rng = self.b.rng
        agent_partner = self.b.row("res.users", agent_user)["partner_id"]
        if rng.random() < 0.8:
            spec.messages.append(
                (agent_partner, f"<p>{rng.choice(texts.AGENT_REPLIES)}</p>", 1, 0.3)
            )
        if spec.status == "solved" and rng.random() < 0.5:
            spec.messages.append(
                (spec.partner, f"<p>{rng.choice(texts.CUSTOMER_REPLIES)}</p>", 1, 0.9)
            )


def build_tickets(
    b: Builder,
    agents: list[Person],
    clients: list[tuple[int, list[int]]],
    projects: dict[int, int],
    angry: tuple[int, int],
) -> Helpdesk:
    """About 150 tickets per copy with duplicates, SLA breaches and an angry client.

    `projects` maps a client company to one of its projects; `angry` is (company, project).
    """
    rng = b.rng
    desk = Helpdesk(b, agents, clients, projects)
    # Near-duplicate pairs: an older solved report and a newer one, plus a distractor.
    pairs: list[tuple[Spec, Spec]] = []
    for i, (cat, first, second, d_cat, distractor) in enumerate(texts.DUPLICATES):
        older = desk.add(desk.fixed(first, cat, desk.pick_priority(("0", "1", "2")), "solved"))
        status = "solved" if i < 2 else rng.choice(("new", "progress"))
        newer = desk.add(desk.fixed(second, cat, desk.pick_priority(("0", "1")), status))
        if newer.age_h >= older.age_h:
            older.age_h = newer.age_h + rng.uniform(24, 400)
        if rng.random() < 0.6:
            newer.partner = older.partner
        d_status = rng.choice(("solved", "solved", "new"))
        desk.add(desk.fixed(distractor, d_cat, desk.pick_priority(("0", "1")), d_status))
        pairs.append((older, newer))
    # SLA breaches: open far past their target; the first two come from the angry client.
    company, project = angry
    breaches: list[Spec] = []
    for j, prio in enumerate(("3", "3", "2", "1", "0")):
        spec = desk.random_spec("progress", priority=prio)
        spec.age_h = SLA_TARGET_HOURS[prio] * rng.uniform(2.0, 2.8)
        if j < 2:
            spec.partner, spec.project = company, project
        desk.add(spec)
        breaches.append(spec)
    angry_specs = breaches[:2]
    old = desk.add(desk.random_spec("solved", category="Bug"))
    old.partner, old.project = company, project
    angry_specs.append(old)
    for k, spec in enumerate(angry_specs):
        spec.messages.append((company, f"<p>{texts.ANGRY[k % len(texts.ANGRY)]}</p>", 1, 0.6))
        spec.messages.append((company, f"<p>{texts.ANGRY[(k + 2) % len(texts.ANGRY)]}</p>", 1, 0.9))
    # The ordinary flow of tickets.
    for _ in range(114):
        r = rng.random()
        status = (
            "solved"
            if r < 0.63
            else "cancel"
            if r < 0.7
            else "new"
            if r < 0.85
            else "progress"
            if r < 0.95
            else "awaiting"
        )
        desk.add(desk.random_spec(status)).tags.append("plain")
    for spec in desk.specs:
        if spec.project is None and spec.partner in projects and rng.random() < 0.5:
            spec.project = projects[spec.partner]
    desk.write()
    record_labels(b, pairs, breaches, angry_specs, company, project)
    return desk


def record_labels(
    b: Builder,
    pairs: list[tuple[Spec, Spec]],
    breaches: list[Spec],
    angry: list[Spec],
    company: int,
    project: int,
) -> None:
    for older, newer in pairs:
        b.duplicates.append([older.rid, newer.rid])
        b.label(
            "near_duplicate",
            "retrieval",
            "helpdesk.ticket",
            newer.rid,
            newer.project,
            "medium",
            [("helpdesk.ticket", older.rid), ("helpdesk.ticket", newer.rid)],
            f"Ticket {newer.rid} reports the same problem as ticket {older.rid}.",
        )
    for spec in breaches:
        target = SLA_TARGET_HOURS[spec.priority]
        b.label(
            "sla_breach",
            "sla",
            "helpdesk.ticket",
            spec.rid,
            spec.project,
            "high",
            [("helpdesk.ticket", spec.rid)],
            f"Open {spec.age_h:.0f} h at priority {spec.priority} (target {target} h).",
        )
    records = [("helpdesk.ticket", s.rid) for s in angry]
    records += [("mail.message", m) for s in angry for m in s.message_ids]
    b.label(
        "angry_client",
        "client_satisfaction",
        "res.partner",
        company,
        project,
        "high",
        records,
        f"{len(angry)} tickets with angry messages from this client.",
    )

"""Fixed records (company, stages, types) and the people of one firm copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from demo_odoo.gen import texts
from demo_odoo.gen.core import Builder

if TYPE_CHECKING:
    from demo_odoo.gen.projects import TaskPlan

TASK_STAGES = (
    ("New", False),
    ("In Progress", False),
    ("Review", False),
    ("Done", True),
    ("Cancelled", True),
)
TICKET_STAGES = (
    ("New", False),
    ("In Progress", False),
    ("Awaiting Customer", False),
    ("Solved", True),
    ("Cancelled", True),
)
CATEGORIES = (
    "Billing",
    "Access / Login",
    "Bug",
    "Integration",
    "Performance",
    "How-to",
    "Data import",
)
TEAMS = ("Customer Support", "Billing", "Integrations & Data")
TEAM_OF = {
    "Billing": "Billing",
    "Integration": "Integrations & Data",
    "Data import": "Integrations & Data",
}


def team_for(category: str) -> str:
    return TEAM_OF.get(category, "Customer Support")


@dataclass
class Person:
    """One employee with the user and partner that go with them."""

    emp_id: int
    user_id: int
    partner_id: int
    role: str  # pm / consultant / support
    name: str
    leaves: list[tuple[date, date]] = field(default_factory=list)  # approved only
    tasks: list[TaskPlan] = field(default_factory=list)
    projects: int = 0
    skip_from: date | None = None  # no lines from this day (missing timesheets)
    late: bool = False
    no_recent_leave: bool = False

    def on_leave(self, day: date) -> bool:
        return any(a <= day <= b for a, b in self.leaves)


def build_fixed(b: Builder) -> None:
    """Records that exist once per database, whatever the scale."""
    t = b.today
    created = b.at(t - timedelta(days=400), 8)
    b.add("res.currency", {"name": "EUR", "symbol": "€", "active": True})
    b.add("res.company", {"name": "Northwind Consulting", "partner_id": 1, "currency_id": 1})
    for name, email in (
        ("Northwind Consulting", "info@northwind.example.com"),
        ("OdooBot", "odoobot@example.com"),
        ("Mitchell Admin", "admin@northwind.example.com"),
        ("Triage Agent", "triage@northwind.example.com"),
        ("No Access", "noaccess@northwind.example.com"),
    ):
        b.add(
            "res.partner",
            {
                "name": name,
                "email": email,
                "is_company": name.startswith("North"),
                "parent_id": False,
                "commercial_partner_id": len(b.data["res.partner"]) + 1,
                "company_id": 1,
                "customer_rank": 0,
                "employee": False,
                "active": name != "OdooBot",
                "create_date": created,
            },
        )
    for login, partner, name in (
        ("__system__", 2, "OdooBot"),
        ("admin", 3, "Mitchell Admin"),
        ("triage", 4, "Triage Agent"),
        ("noaccess", 5, "No Access"),
    ):
        b.add(
            "res.users",
            {
                "login": login,
                "name": name,
                "partner_id": partner,
                "company_id": 1,
                "company_ids": [1],
                "active": login != "__system__",
                "share": False,
                "create_date": created,
            },
        )
    for name in ("Delivery", "Project Management", "Support"):
        b.add("hr.department", {"name": name, "active": True, "manager_id": False})
    for name in ("Paid Time Off", "Sick Time Off", "Compensatory Days"):
        b.add("hr.leave.type", {"name": name, "active": True})
    b.add(
        "product.product",
        {
            "name": "Consulting hours",
            "default_code": "CONS-H",
            "type": "service",
            "list_price": 150.0,
            "active": True,
        },
    )
    b.add(
        "product.product",
        {
            "name": "Fixed-price project",
            "default_code": "FIXED",
            "type": "service",
            "list_price": 0.0,
            "active": True,
        },
    )
    for i, tag in enumerate(texts.TAGS):
        b.add("project.tags", {"name": tag, "color": i + 1})
    for seq, (name, fold) in enumerate(TASK_STAGES):
        b.add(
            "project.task.type",
            {"name": name, "fold": fold, "sequence": seq + 1, "project_ids": []},
        )
    for seq, (name, closed) in enumerate(TICKET_STAGES):
        b.add(
            "helpdesk.ticket.stage",
            {"name": name, "closed": closed, "fold": closed, "sequence": seq + 1, "active": True},
        )
    for seq, name in enumerate(CATEGORIES):
        b.add(
            "helpdesk.ticket.category",
            {
                "name": name,
                "active": True,
                "sequence": seq + 1,
                "parent_id": False,
                "company_id": 1,
            },
        )
    for name in TEAMS:
        b.add(
            "helpdesk.ticket.team",
            {"name": name, "active": True, "user_id": 2, "user_ids": [], "company_id": 1},
        )
    for name, internal, default in (
        ("Discussions", False, True),
        ("Note", True, False),
        ("Activities", True, False),
    ):
        b.add(
            "mail.message.subtype",
            {
                "name": name,
                "internal": internal,
                "default": default,
                "res_model": False,
                "hidden": False,
                "description": False,
                "sequence": len(b.data["mail.message.subtype"]),
            },
        )
    for name, category, delay in (
        ("Email", "default", 0),
        ("Call", "phonecall", 2),
        ("Meeting", "meeting", 0),
        ("To-Do", "default", 5),
        ("Upload Document", "upload_file", 5),
    ):
        b.add(
            "mail.activity.type",
            {
                "name": name,
                "category": category,
                "res_model": False,
                "delay_count": delay,
                "delay_unit": "days",
                "active": True,
            },
        )


def unique_name(b: Builder) -> str:
    """A person name not used yet in this dataset."""
    while True:
        name = f"{b.rng.choice(texts.FIRST_NAMES)} {b.rng.choice(texts.LAST_NAMES)}"
        if name not in b.names_used:
            b.names_used.add(name)
            return name


def add_person(b: Builder, role: str, department: int) -> Person:
    name = unique_name(b)
    login = name.lower().replace(" ", ".")
    created = b.at(b.today - timedelta(days=b.rng.randint(200, 900)), 9)
    partner = b.add(
        "res.partner",
        {
            "name": name,
            "email": f"{login}@northwind.example.com",
            "is_company": False,
            "parent_id": 1,
            "company_id": 1,
            "customer_rank": 0,
            "employee": True,
            "active": True,
            "create_date": created,
        },
    )
    b.row("res.partner", partner)["commercial_partner_id"] = 1
    user = b.add(
        "res.users",
        {
            "login": login,
            "name": name,
            "partner_id": partner,
            "company_id": 1,
            "company_ids": [1],
            "active": True,
            "share": False,
            "create_date": created,
        },
    )
    job = texts.JOB_TITLES["senior" if role == "consultant" and b.rng.random() < 0.3 else role]
    emp = b.add(
        "hr.employee",
        {
            "name": name,
            "user_id": user,
            "work_contact_id": partner,
            "work_email": f"{login}@northwind.example.com",
            "job_title": job,
            "department_id": department,
            "company_id": 1,
            "active": True,
            "hourly_cost": float(b.rng.choice((55, 65, 75, 90))),
            "create_date": created,
        },
    )
    return Person(emp, user, partner, role, name)


def build_people(b: Builder) -> list[Person]:
    """4 project managers, 30 consultants and 6 support engineers per firm copy."""
    people = [add_person(b, "pm", 2) for _ in range(4)]
    people += [add_person(b, "consultant", 1) for _ in range(30)]
    people += [add_person(b, "support", 3) for _ in range(6)]
    support_users = [p.user_id for p in people if p.role == "support"]
    for team in b.data["helpdesk.ticket.team"]:
        team["user_ids"] = team["user_ids"] + support_users
    return people


def build_clients(b: Builder, count: int) -> list[tuple[int, list[int]]]:
    """Client companies, each with two contacts: [(company id, [contact ids])]."""
    out: list[tuple[int, list[int]]] = []
    while len(out) < count:
        name = f"{b.rng.choice(texts.COMPANY_PREFIXES)} {b.rng.choice(texts.COMPANY_SUFFIXES)}"
        if name in b.names_used:
            continue
        b.names_used.add(name)
        domain = name.lower().replace(" ", "") + ".example.com"
        created = b.at(b.today - timedelta(days=b.rng.randint(120, 700)), 10)
        city = b.rng.choice(texts.CITIES)
        company = b.add(
            "res.partner",
            {
                "name": name,
                "email": f"contact@{domain}",
                "is_company": True,
                "parent_id": False,
                "company_id": False,
                "customer_rank": 1,
                "employee": False,
                "active": True,
                "city": city,
                "create_date": created,
            },
        )
        b.row("res.partner", company)["commercial_partner_id"] = company
        contacts = []
        for _ in range(2):
            person = unique_name(b)
            contacts.append(
                b.add(
                    "res.partner",
                    {
                        "name": person,
                        "email": person.lower().replace(" ", ".") + "@" + domain,
                        "is_company": False,
                        "parent_id": company,
                        "commercial_partner_id": company,
                        "company_id": False,
                        "customer_rank": 1,
                        "employee": False,
                        "active": True,
                        "city": city,
                        "create_date": created,
                    },
                )
            )
        out.append((company, contacts))
    return out


def add_leave(b: Builder, person: Person, start: date, days: int, state: str) -> int:
    """An hr.leave of `days` calendar days; approved ones block timesheets."""
    end = start + timedelta(days=days - 1)
    working = sum(1 for i in range(days) if (start + timedelta(days=i)).weekday() < 5)
    if state == "validate":
        person.leaves.append((start, end))
    return b.add(
        "hr.leave",
        {
            "employee_id": person.emp_id,
            "holiday_status_id": 1 if b.rng.random() < 0.8 else 3,
            "date_from": b.at(start, 7),
            "date_to": b.at(end, 16),
            "request_date_from": start.isoformat(),
            "request_date_to": end.isoformat(),
            "number_of_days": float(working),
            "state": state,
            "private_name": b.rng.choice(
                ("Holiday", "Family visit", "Personal day", "Short break")
            ),
            "create_date": b.at(start - timedelta(days=b.rng.randint(10, 40)), 9),
        },
    )


def build_leaves(b: Builder, people: list[Person], recent: list[Person]) -> None:
    """Past and future leaves that stay clear of the planted situations.

    Past approved leaves end at least 36 days ago (so overdue tasks never meet them);
    `recent` people get a short approved leave in the last two weeks (compliance must
    skip it); future approved leaves start 12+ days out (deadlines are moved around them).
    """
    for person in people:
        r = b.rng.random()
        if person in recent:
            add_leave(b, person, next_weekday(b.day(-10)), 2, "validate")
        elif r < 0.6:
            add_leave(b, person, b.day(-b.rng.randint(40, 64)), b.rng.randint(1, 4), "validate")
        if b.rng.random() < 0.25 and not person.no_recent_leave:
            add_leave(b, person, b.day(b.rng.randint(12, 50)), b.rng.randint(2, 5), "validate")
        if b.rng.random() < 0.1:
            add_leave(b, person, b.day(b.rng.randint(-30, 30)), b.rng.randint(1, 3), "refuse")
        if b.rng.random() < 0.08:
            add_leave(b, person, b.day(b.rng.randint(5, 30)), b.rng.randint(1, 3), "confirm")


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day

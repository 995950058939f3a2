"""Typed records read from Odoo.

These pydantic models are the boundary between I/O (the gateway) and pure code (signals,
analysts). They are version-neutral: the gateway maps `planned_hours` (Odoo <= 16) and
`allocated_hours` (17+) onto `allocated_hours`, many2one pairs onto `*_id`/`*_name`, and
Odoo's `False` onto `None`. Free text from Odoo (descriptions, chatter bodies) is
untrusted and kept verbatim here; guardrails decide what may reach a model.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base for every record: knows its Odoo model so evidence can cite it."""

    model_config = ConfigDict(frozen=True)
    MODEL: ClassVar[str] = ""

    id: int
    name: str = ""
    write_date: datetime | None = None


class User(Record):
    MODEL: ClassVar[str] = "res.users"
    login: str = ""
    employee_id: int | None = None


class Employee(Record):
    MODEL: ClassVar[str] = "hr.employee"
    user_id: int | None = None
    department: str | None = None
    hours_per_day: float = 8.0


class Project(Record):
    MODEL: ClassVar[str] = "project.project"
    partner_id: int | None = None
    partner_name: str | None = None
    manager_id: int | None = None  # project.project.user_id
    manager_name: str | None = None
    date_start: date | None = None
    date_end: date | None = None  # project.project.date
    allocated_hours: float = 0.0  # the hours budget
    # on_track / at_risk / off_track / on_hold / to_define / done
    last_update_status: str | None = None
    last_update_id: int | None = None
    active: bool = True
    allow_billable: bool = False
    sale_line_id: int | None = None
    tag_names: tuple[str, ...] = ()
    description: str | None = None  # untrusted


class Task(Record):
    MODEL: ClassVar[str] = "project.task"
    project_id: int | None = None
    project_name: str | None = None
    stage_id: int | None = None
    stage_name: str | None = None
    user_ids: tuple[int, ...] = ()
    date_deadline: datetime | None = None
    allocated_hours: float = 0.0  # planned_hours on Odoo <= 16
    effective_hours: float = 0.0
    remaining_hours: float = 0.0
    progress: float = 0.0  # a ratio, as Odoo 17+ reports it (2.1 = 210 %)
    state: str | None = None  # 17+: 01_in_progress ... 1_done / 1_canceled
    is_closed: bool = False
    priority: str = "0"
    milestone_id: int | None = None
    parent_id: int | None = None
    date_last_stage_update: datetime | None = None
    create_date: datetime | None = None
    description: str | None = None  # untrusted HTML
    sale_line_id: int | None = None


class Milestone(Record):
    MODEL: ClassVar[str] = "project.milestone"
    project_id: int | None = None
    deadline: date | None = None
    is_reached: bool = False
    reached_date: date | None = None


class ProjectUpdate(Record):
    MODEL: ClassVar[str] = "project.update"
    project_id: int | None = None
    status: str | None = None
    progress: int | None = None
    update_date: date | None = None  # project.update.date
    description: str | None = None  # untrusted


class TimesheetTotal(BaseModel):
    """Hours from `read_group` on account.analytic.line, keyed by what was grouped."""

    model_config = ConfigDict(frozen=True)
    project_id: int | None = None
    task_id: int | None = None
    employee_id: int | None = None
    employee_name: str | None = None
    hours: float = 0.0
    count: int = 0
    period_start: date | None = None  # set when grouped by date:day/week/month


class TimesheetDay(BaseModel):
    """One employee's logged hours on one day, and how many lines were entered late."""

    model_config = ConfigDict(frozen=True)
    employee_id: int
    employee_name: str = ""
    day: date
    hours: float
    entries: int
    late_entries: int = 0  # lines created more than the policy's grace days after `day`


class Leave(Record):
    MODEL: ClassVar[str] = "hr.leave"
    employee_id: int | None = None
    employee_name: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    state: str | None = None  # validate = approved


class SaleLine(Record):
    MODEL: ClassVar[str] = "sale.order.line"
    order_id: int | None = None
    order_name: str | None = None
    project_id: int | None = None
    task_id: int | None = None
    product_uom_qty: float = 0.0
    qty_delivered: float = 0.0
    qty_invoiced: float = 0.0
    qty_to_invoice: float = 0.0
    price_unit: float = 0.0
    price_subtotal: float = 0.0
    amount_invoiced: float = 0.0
    amount_to_invoice: float = 0.0
    invoice_status: str | None = None  # upselling / invoiced / to invoice / no
    currency: str | None = None


class Ticket(Record):
    """OCA helpdesk_mgmt ticket (Enterprise fields are mapped where they exist)."""

    MODEL: ClassVar[str] = "helpdesk.ticket"
    number: str | None = None  # "HT00001"
    description: str | None = None  # untrusted HTML
    team_id: int | None = None
    team_name: str | None = None
    category_id: int | None = None
    category_name: str | None = None
    stage_id: int | None = None
    stage_name: str | None = None
    closed: bool = False
    priority: str = "1"  # '0' low .. '3' very high
    user_id: int | None = None
    user_name: str | None = None
    partner_id: int | None = None
    partner_name: str | None = None
    project_id: int | None = None
    task_id: int | None = None
    create_date: datetime | None = None
    closed_date: datetime | None = None
    last_stage_update: datetime | None = None
    tag_names: tuple[str, ...] = ()


class Message(Record):
    MODEL: ClassVar[str] = "mail.message"
    model: str | None = None
    res_id: int | None = None
    body: str = ""  # untrusted HTML
    author_id: int | None = None
    author_name: str | None = None
    posted_at: datetime | None = None  # mail.message.date
    message_type: str | None = None
    subtype_name: str | None = None
    is_note: bool = False


class Activity(Record):
    MODEL: ClassVar[str] = "mail.activity"
    res_model: str | None = None
    res_id: int | None = None
    summary: str | None = None
    user_id: int | None = None
    date_deadline: date | None = None
    activity_type_id: int | None = None


class ProjectBundle(BaseModel):
    """Everything read for one project, in a constant number of RPC calls."""

    model_config = ConfigDict(frozen=True)
    project: Project
    tasks: tuple[Task, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    updates: tuple[ProjectUpdate, ...] = ()  # newest first
    hours_by_task: tuple[TimesheetTotal, ...] = ()  # read_group by task_id
    hours_by_week: tuple[TimesheetTotal, ...] = ()  # read_group by date:week (period_start set)
    hours_by_employee: tuple[TimesheetTotal, ...] = ()  # read_group by employee_id
    sale_lines: tuple[SaleLine, ...] = ()
    leaves: tuple[Leave, ...] = ()  # approved leaves of the assignees, around the horizon
    users: tuple[User, ...] = ()  # assignees and the manager
    employees: tuple[Employee, ...] = ()  # employees of those users
    messages: tuple[Message, ...] = ()  # recent chatter on the project and its tasks
    data_as_of: datetime


class TicketBundle(BaseModel):
    """Everything read for one Helpdesk ticket."""

    model_config = ConfigDict(frozen=True)
    ticket: Ticket
    messages: tuple[Message, ...] = ()  # its chatter, oldest first
    stage_closed: dict[int, bool] = Field(default_factory=dict)  # stage id -> closed flag
    reopen_count: int = 0  # times moved from a closed stage back to an open one
    partner_open_tickets: int = 0
    data_as_of: datetime


class TimesheetCompliance(BaseModel):
    """Per-employee day totals over a period, for timesheet-compliance signals."""

    model_config = ConfigDict(frozen=True)
    period_start: date
    period_end: date
    employees: tuple[Employee, ...] = ()
    days: tuple[TimesheetDay, ...] = ()
    leaves: tuple[Leave, ...] = ()
    data_as_of: datetime

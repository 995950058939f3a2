"""A small hand-written dataset mirroring the lab recordings (task 1 "Office planning"...).

Used by the tests and as the default when `demo_odoo.generator` is not importable.
Values are raw, with Odoo 18 names; dates relative to nothing (fixed in late 2026).
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]


def _task(
    tid: int, name: str, project: int, stage: int, users: list[int], alloc: float, **kw: Any
) -> Record:
    base: Record = {
        "id": tid,
        "name": name,
        "project_id": project,
        "stage_id": stage,
        "user_ids": users,
        "allocated_hours": alloc,
        "state": "01_in_progress",
        "priority": "0",
        "tag_ids": [],
        "partner_id": 8 if project == 1 else False,
        "date_deadline": False,
        "active": True,
        "sequence": 10,
        "parent_id": False,
        "description": False,
        "create_date": "2026-07-04 15:51:58",
        "write_date": "2026-12-04 15:52:16",
    }
    base.update(kw)
    return base


def _line(
    lid: int, day: str, hours: float, employee: int, project: int, task: Any, **kw: Any
) -> Record:
    rec: Record = {
        "id": lid,
        "date": day,
        "name": kw.pop("name", "Work"),
        "unit_amount": hours,
        "amount": -100.0 * hours,
        "employee_id": employee,
        "user_id": {1: 2, 2: 6}.get(employee, False),
        "project_id": project,
        "task_id": task,
        "account_id": {1: 24, 2: 25, 3: 26}.get(project, False),
        "ticket_id": False,
        "date_time": f"{day} 08:00:00",
        "date_time_end": f"{day} {8 + int(hours):02d}:00:00",
    }
    rec.update(kw)
    return rec


def dataset() -> dict[str, list[Record]]:
    """The sample dataset (fresh copy on each call)."""
    partners = [
        {"id": 1, "name": "YourCompany", "is_company": True, "email": "info@yourcompany.com"},
        {"id": 2, "name": "OdooBot", "email": "odoobot@example.com", "active": False},
        {
            "id": 3,
            "name": "Mitchell Admin",
            "parent_id": 1,
            "email": "admin@yourcompany.example.com",
        },
        {"id": 7, "name": "Marc Demo", "parent_id": 1, "email": "mark.brown23@example.com"},
        {"id": 8, "name": "Joel Willis", "parent_id": 1, "email": "joel.willis63@example.com"},
        {"id": 10, "name": "Deco Addict", "is_company": True, "email": "deco@example.com"},
        {"id": 11, "name": "Gemini Furniture", "is_company": True, "email": "gemini@example.com"},
        {"id": 15, "name": "Azure Interior", "is_company": True, "email": "azure@example.com"},
    ]
    for p in partners:
        p.setdefault("active", True)
        p.setdefault("is_company", False)
        p.setdefault("parent_id", False)
    users = [
        {"id": 1, "login": "__system__", "name": "OdooBot", "partner_id": 2, "active": False},
        {"id": 2, "login": "admin", "name": "Mitchell Admin", "partner_id": 3, "active": True},
        {"id": 6, "login": "demo", "name": "Marc Demo", "partner_id": 7, "active": True},
    ]
    employees = [
        {"id": 1, "name": "Mitchell Admin", "user_id": 2, "active": True},
        {"id": 2, "name": "Marc Demo", "user_id": 6, "active": True},
        {"id": 6, "name": "Abigail Peterson", "user_id": False, "active": True},
    ]
    stages = [
        {"id": 1, "name": "New", "sequence": 1, "fold": False},
        {"id": 2, "name": "In Progress", "sequence": 2, "fold": False},
        {"id": 3, "name": "Done", "sequence": 3, "fold": True},
        {"id": 10, "name": "Cancelled", "sequence": 10, "fold": True},
    ]
    projects = [
        {
            "id": 1,
            "name": "Office Design",
            "user_id": 6,
            "partner_id": 8,
            "allocated_hours": 0.0,
            "last_update_status": "on_track",
            "date_start": "2026-10-02",
            "date": "2026-12-11",
            "allow_timesheets": True,
            "allow_billable": True,
            "account_id": 24,
            "sequence": 10,
        },
        {
            "id": 2,
            "name": "Research & Development",
            "user_id": 2,
            "partner_id": False,
            "allocated_hours": 0.0,
            "last_update_status": "on_hold",
            "date_start": False,
            "date": False,
            "allow_timesheets": True,
            "allow_billable": False,
            "account_id": 25,
            "sequence": 10,
        },
        {
            "id": 3,
            "name": "Renovations",
            "user_id": 2,
            "partner_id": False,
            "allocated_hours": 80.0,
            "last_update_status": "to_define",
            "date_start": False,
            "date": False,
            "allow_timesheets": True,
            "allow_billable": False,
            "account_id": 26,
            "sequence": 10,
        },
    ]
    for p in projects:
        p.update(active=True, last_update_id=False, sale_order_id=False, sale_line_id=False)
    tasks = [
        _task(1, "Office planning", 1, 3, [], 20.0),
        _task(2, "Lunch Room: kitchen", 1, 3, [6], 32.0),
        _task(3, "Noise Reduction", 1, 3, [2], 10.0, date_deadline="2026-12-24 00:00:00"),
        _task(4, "Modifications asked by the customer", 1, 3, [], 8.0, priority="1"),
        _task(
            5,
            "Energy Certificate",
            1,
            2,
            [2],
            15.0,
            priority="1",
            date_deadline="2026-12-06 15:51:58",
        ),
        _task(6, "Room 1: Decoration", 1, 2, [2], 76.0, date_deadline="2026-12-04 00:00:00"),
        _task(7, "Room 2: Decoration", 1, 2, [2], 24.0, date_deadline="2026-12-10 15:51:59"),
        _task(21, "Customer analysis + Architecture", 2, 3, [6, 2], 12.0, state="1_done"),
        _task(
            23,
            "Planning and budget",
            2,
            3,
            [6, 2],
            40.0,
            priority="1",
            date_deadline="2026-11-30 15:51:59",
            state="1_done",
        ),
        _task(
            24,
            "User interface improvements",
            2,
            2,
            [2],
            30.0,
            parent_id=23,
            date_deadline="2026-12-05 15:51:59",
        ),
        _task(35, "Bathroom", 3, 3, [2], 76.0, priority="1", state="1_canceled"),
        _task(95, "Helpdesk general task", 3, 1, [], 0.0),
    ]
    lines = [
        _line(1, "2026-12-03", 2.0, 1, 2, False, name="Requirements analysis"),
        _line(2, "2026-11-09", 20.0, 1, 1, 1, name="Design"),
        _line(3, "2026-11-10", 22.0, 2, 1, 1, name="Layout"),
        _line(4, "2026-11-20", 44.0, 6, 2, 23, name="Budget"),
        _line(5, "2026-11-21", 3.0, 6, 2, 24, name="Delivery"),
        _line(6, "2026-12-06", 1.0, 2, 2, 24, name="Presentation"),
        _line(7, "2026-12-01", 4.5, 2, 3, 95, name="Ticket work", ticket_id=1),
    ]
    ticket_stages = [
        {"id": 1, "name": "New", "sequence": 1, "closed": False, "active": True},
        {"id": 2, "name": "In Progress", "sequence": 2, "closed": False, "active": True},
        {"id": 3, "name": "Done", "sequence": 3, "closed": True, "active": True},
        {"id": 4, "name": "Cancelled", "sequence": 4, "closed": True, "active": True},
    ]
    teams = [
        {"id": 1, "name": "Localization team", "active": True, "sequence": 1},
        {"id": 2, "name": "Helpdesk", "active": True, "sequence": 2},
    ]
    tickets = [
        {
            "id": 1,
            "number": "HT00001",
            "name": "Problem with the delivery of goods",
            "stage_id": 1,
            "user_id": False,
            "partner_id": 11,
            "team_id": 2,
            "priority": "1",
            "project_id": 3,
            "task_id": 95,
            "planned_hours": 5.0,
            "active": True,
            "create_date": "2026-12-04 15:52:26",
            "closed_date": False,
            "description": "<p>Late</p>",
            "last_stage_update": "2026-12-04 15:52:26",
            "category_id": False,
        },
        {
            "id": 2,
            "number": "HT00002",
            "name": "Damaged Products",
            "stage_id": 3,
            "user_id": 6,
            "partner_id": 10,
            "team_id": 1,
            "priority": "0",
            "project_id": False,
            "task_id": False,
            "planned_hours": 0.0,
            "active": True,
            "create_date": "2026-12-01 10:00:00",
            "closed_date": "2026-12-02 10:00:00",
            "description": False,
            "last_stage_update": "2026-12-02 10:00:00",
            "category_id": False,
        },
    ]
    accounts = [
        {"id": 24, "name": "Office Design", "active": True},
        {"id": 25, "name": "Research & Development", "active": True},
        {"id": 26, "name": "Renovations", "active": True},
    ]
    messages = [
        {
            "id": 233,
            "body": '<div summary="o_mail_notification"><p>A new task has been created '
            'in the "Office Design" project.</p></div>',
            "model": "project.task",
            "res_id": 1,
            "message_type": "notification",
            "subtype_id": 4,
            "author_id": 2,
            "date": "2026-07-04 15:51:58",
            "is_internal": False,
            "subject": False,
        },
    ]
    subtypes = [
        {"id": 1, "name": "Discussions", "internal": False, "default": True, "res_model": False},
        {"id": 2, "name": "Note", "internal": True, "default": False, "res_model": False},
        {"id": 3, "name": "Activities", "internal": False, "default": True, "res_model": False},
        {
            "id": 4,
            "name": "Task Created",
            "internal": True,
            "default": False,
            "res_model": "project.task",
        },
    ]
    activity_types = [
        {
            "id": 4,
            "name": "To-Do",
            "category": "default",
            "res_model": False,
            "delay_count": 5,
            "delay_unit": "days",
            "active": True,
            "keep_done": False,
        },
    ]
    updates = [
        {
            "id": 9,
            "name": "Weekly review",
            "project_id": 1,
            "status": "on_track",
            "progress": 60,
            "date": "2026-12-01",
            "user_id": 2,
            "description": "<p>Fine</p>",
            "task_count": 7,
            "closed_task_count": 4,
            "closed_task_percentage": 57,
            "create_date": "2026-12-01 09:00:00",
        },
    ]
    orders = [
        {
            "id": 21,
            "name": "S00021",
            "partner_id": 10,
            "state": "sale",
            "currency_id": 1,
            "date_order": "2026-11-02 10:00:00",
        },
    ]
    order_lines = [
        {
            "id": 45,
            "order_id": 21,
            "name": "Wiring Services",
            "product_id": 54,
            "product_uom_qty": 5.0,
            "qty_delivered": 0.0,
            "qty_delivered_method": "manual",
            "qty_invoiced": 0.0,
            "qty_to_invoice": 5.0,
            "invoice_status": "to invoice",
            "price_unit": 1500.0,
            "price_subtotal": 7500.0,
            "untaxed_amount_to_invoice": 7500.0,
            "untaxed_amount_invoiced": 0.0,
            "project_id": 3,
            "task_id": False,
            "is_service": True,
            "state": "sale",
            "currency_id": 1,
            "sequence": 10,
        },
        {
            "id": 46,
            "order_id": 21,
            "name": "Senior Architect",
            "product_id": 55,
            "product_uom_qty": 10.0,
            "qty_delivered": 10.0,
            "qty_delivered_method": "timesheet",
            "qty_invoiced": 10.0,
            "qty_to_invoice": 0.0,
            "invoice_status": "invoiced",
            "price_unit": 150.0,
            "price_subtotal": 1500.0,
            "untaxed_amount_to_invoice": 0.0,
            "untaxed_amount_invoiced": 1500.0,
            "project_id": 1,
            "task_id": 1,
            "is_service": True,
            "state": "sale",
            "currency_id": 1,
            "sequence": 11,
        },
    ]
    products = [
        {"id": 54, "name": "Wiring Services", "active": True},
        {"id": 55, "name": "Senior Architect (Invoice on Timesheets)", "active": True},
    ]
    projects[0]["last_update_id"] = 9
    return {
        "sale.order": orders,
        "sale.order.line": order_lines,
        "product.product": products,
        "res.currency": [{"id": 1, "name": "USD", "symbol": "$", "active": True}],
        "res.partner": partners,
        "res.users": users,
        "hr.employee": employees,
        "project.task.type": stages,
        "project.project": projects,
        "project.task": tasks,
        "account.analytic.account": accounts,
        "account.analytic.line": lines,
        "helpdesk.ticket.stage": ticket_stages,
        "helpdesk.ticket.team": teams,
        "helpdesk.ticket": tickets,
        "mail.message": messages,
        "mail.message.subtype": subtypes,
        "mail.activity.type": activity_types,
        "ir.model": [
            {"id": 518, "model": "project.task", "name": "Task"},
            {"id": 578, "model": "helpdesk.ticket", "name": "Helpdesk Ticket"},
        ],
        "project.update": updates,
    }

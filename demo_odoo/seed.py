"""Build a demo database from a dataset, adding the base records every Odoo has.

Whatever the dataset holds, the server needs: the four demo users (with partners), the
message subtypes (1 Discussions, 2 Note, 3 Activities, as on the lab server), a "To-Do"
activity type, and one `ir.model` row per served model (project.task is 518 as recorded).
Existing records with the same natural key (login, subtype name, model name) are reused.
"""

from __future__ import annotations

from typing import Any

from demo_odoo.access import Access, User, default_users
from demo_odoo.fields import MODEL_LABELS
from demo_odoo.orm import Database, Dataset

_PREFERRED_UIDS = {"admin": 2, "noaccess": 8, "portal": 7}
_RECORDED_IR_MODEL_IDS = {"project.task": 518, "helpdesk.ticket": 578}
_SUBTYPES = [
    (1, "Discussions", False, True),
    (2, "Note", True, False),
    (3, "Activities", False, True),
]


def _free_id(db: Database, model: str, preferred: int | None) -> int:
    table = db.table(model)
    if preferred and preferred not in table:
        return preferred
    return max([*table, db.next_id[model] - 1, 0]) + 1


def _insert(db: Database, model: str, row: dict[str, Any]) -> int:
    table = db.table(model)
    table[row["id"]] = row
    db.next_id[model] = max(db.next_id[model], row["id"] + 1)
    db.touch(model)
    return int(row["id"])


def _ensure_user(db: Database, user: User) -> None:
    users = db.table("res.users")
    existing = next((u for u in users.values() if u.get("login") == user.login), None)
    if existing is not None:
        user.uid = int(existing["id"])
        user.partner_id = int(existing.get("partner_id") or 0)
        partner = db.get("res.partner", user.partner_id)
        if partner is not None:
            user.name = str(partner.get("name") or existing.get("name") or user.name)
            if user.role != "noaccess" and not partner.get("email") and user.email:
                partner["email"] = user.email
            if user.role == "noaccess":
                partner["email"] = False
        else:
            user.name = str(existing.get("name") or user.name)
        return
    pid = _insert(
        db,
        "res.partner",
        {
            "id": _free_id(db, "res.partner", None),
            "name": user.name,
            "email": user.email,
            "active": True,
            "is_company": False,
        },
    )
    uid = _free_id(db, "res.users", _PREFERRED_UIDS.get(user.login))
    _insert(
        db,
        "res.users",
        {
            "id": uid,
            "login": user.login,
            "name": user.name,
            "partner_id": pid,
            "active": True,
            "share": user.role == "portal",
        },
    )
    user.uid, user.partner_id = uid, pid


def _ensure_base(db: Database) -> None:
    subtypes = db.table("mail.message.subtype")
    names = {r.get("name") for r in subtypes.values()}
    for sid, name, internal, default in _SUBTYPES:
        if name not in names:
            _insert(
                db,
                "mail.message.subtype",
                {
                    "id": _free_id(db, "mail.message.subtype", sid),
                    "name": name,
                    "internal": internal,
                    "default": default,
                    "res_model": False,
                },
            )
    types = db.table("mail.activity.type")
    if not any(t.get("name") == "To-Do" for t in types.values()):
        _insert(
            db,
            "mail.activity.type",
            {
                "id": _free_id(db, "mail.activity.type", 4),
                "name": "To-Do",
                "category": "default",
                "res_model": False,
                "delay_count": 5,
                "delay_unit": "days",
                "active": True,
                "keep_done": False,
            },
        )
    irm = db.table("ir.model")
    known = {r.get("model") for r in irm.values()}
    for model in sorted(db.fields):
        if model not in known:
            rid = _free_id(db, "ir.model", _RECORDED_IR_MODEL_IDS.get(model) or 600)
            _insert(
                db, "ir.model", {"id": rid, "model": model, "name": MODEL_LABELS.get(model, model)}
            )


def build(version: str, dataset: Dataset, today: str | None = None) -> tuple[Database, Access]:
    """A loaded database plus the access layer for its users."""
    db = Database(version, today=today)
    db.load(dataset)
    _ensure_base(db)
    users = default_users()
    for user in sorted(users, key=lambda u: u.login not in _PREFERRED_UIDS):
        _ensure_user(db, user)
    access = Access(users)
    access.reindex()
    return db, access

"""Model methods callable over RPC (`execute_kw`, `call_kw`, JSON-2), with access checks.

Each public method is a Python function whose signature mirrors Odoo's, so positional
`args` (JSON-RPC) and named arguments (JSON-2) bind the same way. A method returning
`NO_RESULT` is answered without a `result` key, as Odoo does for `None`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from demo_odoo.access import Access, User
from demo_odoo.domain import like_match
from demo_odoo.errors import (
    AccessError,
    OdooError,
    OdooTypeError,
    UserError,
    missing,
)
from demo_odoo.grouping import read_group
from demo_odoo.orm import Database

NO_RESULT = object()
SUBTYPES = {
    "mail.mt_comment": "Discussions",
    "mail.mt_note": "Note",
    "mail.mt_activities": "Activities",
}


class OdooAttributeError(OdooError):
    """`builtins.AttributeError` for a method that does not exist."""

    odoo_name = "builtins.AttributeError"
    http_status = 500


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def plaintext2html(text: str) -> str:
    """Odoo's plain text to HTML: escape, paragraphs on blank lines, `<br>` on newlines."""
    paragraphs = [p for p in _escape(text).split("\n\n")]
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    return [int(v) for v in (value or [])]


class Call:
    """One RPC call: the user, the model, the context."""

    def __init__(
        self, db: Database, access: Access, user: User, model: str, context: dict[str, Any]
    ) -> None:
        self.db, self.access, self.user, self.model = db, access, user, model
        self.context = context or {}

    @property
    def active_test(self) -> bool:
        """`context.active_test` (default True)."""
        return bool(self.context.get("active_test", True))

    def read_check(self) -> None:
        """Model read right."""
        self.access.check_model(self.user, self.model, "read")

    def visible(self, ids: list[int]) -> list[int]:
        """Ids after record rules (portal users see no tasks)."""
        return [] if self.access.hidden_by_rules(self.user, self.model) else ids

    def all_fields(self) -> list[str]:
        """Every readable field name of the model."""
        names = [n for n in self.db.fields[self.model] if n != "id"]
        return self.access.readable_fields(self.model, names)


# --------------------------------------------------------------------------- reads
def search(
    c: Call,
    domain: list[Any] | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    count: bool = False,
) -> Any:
    """ids matching the domain (or their count)."""
    c.read_check()
    ids = c.visible(c.db.search(c.model, domain or [], 0, None, order, c.active_test))
    if count:
        return len(ids)
    end = None if not limit else (offset or 0) + int(limit)
    return ids[offset or 0 : end]


def search_count(c: Call, domain: list[Any] | None = None, limit: int | None = None) -> int:
    """Number of matching records, capped by `limit`."""
    c.read_check()
    n = len(c.visible(c.db.search(c.model, domain or [], 0, None, "id", c.active_test)))
    return min(n, int(limit)) if limit else n


def read(c: Call, ids: Any, fields: list[str] | None = None, load: str = "_classic_read") -> Any:
    """Formatted records; missing ids are left out."""
    c.read_check()
    wanted = list(fields) if fields else c.all_fields()
    c.access.check_fields(c.user, c.model, wanted)
    id_list = _ids(ids)
    present = [r for r in (c.db.get(c.model, i) for i in id_list) if r is not None]
    c.access.check_records(c.user, c.model, "read", present)
    return c.db.read(c.model, id_list, wanted, classic=load == "_classic_read")


def search_read(
    c: Call,
    domain: list[Any] | None = None,
    fields: list[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
) -> Any:
    """search + read in one call."""
    c.read_check()
    wanted = list(fields) if fields else c.all_fields()
    c.access.check_fields(c.user, c.model, wanted)
    ids = c.visible(c.db.search(c.model, domain or [], offset, limit, order, c.active_test))
    return c.db.read(c.model, ids, wanted)


def read_group_method(
    c: Call,
    domain: list[Any] | None = None,
    fields: list[str] | None = None,
    groupby: Any = None,
    offset: int = 0,
    limit: int | None = None,
    orderby: Any = False,
    lazy: bool = True,
) -> Any:
    """Grouped aggregates (see `demo_odoo.grouping`)."""
    c.read_check()
    return read_group(
        c.db,
        c.model,
        domain or [],
        fields or [],
        groupby or [],
        offset,
        limit,
        orderby or None,
        lazy,
        c.active_test,
    )


def fields_get(
    c: Call, allfields: list[str] | None = None, attributes: list[str] | None = None
) -> Any:
    """Field descriptions, limited to `allfields` / `attributes`."""
    defs = c.db.fields[c.model]
    names = allfields or list(defs)
    return {n: defs[n].describe(attributes) for n in names if n in defs}


def name_search(
    c: Call,
    name: str = "",
    args: list[Any] | None = None,
    operator: str = "ilike",
    limit: int | None = 100,
) -> Any:
    """[[id, display_name]] of records whose display name matches."""
    c.read_check()
    ids = c.visible(c.db.search(c.model, args or [], 0, None, None, c.active_test))
    names = c.db.display_names(c.model)
    if name:
        ids = [i for i in ids if like_match(names.get(i, ""), name, operator)]
    if limit:
        ids = ids[: int(limit)]
    return [[i, names.get(i, "")] for i in ids]


def check_access_rights(c: Call, operation: str, raise_exception: bool = True) -> Any:
    """Model right; with `raise_exception` the ACL error, or no result when allowed."""
    allowed = c.access.acl_allows(c.user, c.model, operation)
    if raise_exception:
        if not allowed:
            raise c.access.acl_error(c.model, operation)
        return NO_RESULT
    return allowed


def has_access(c: Call, ids: Any, operation: str) -> bool:
    """Model right and record rules for these records."""
    if not c.access.acl_allows(c.user, c.model, operation):
        return False
    records = [r for r in (c.db.get(c.model, i) for i in _ids(ids)) if r is not None]
    try:
        c.access.check_records(c.user, c.model, operation, records)
    except AccessError:
        return False
    return True


def context_get(c: Call) -> dict[str, Any]:
    """The user's context (odoorpc calls it at login)."""
    return {"lang": "en_US", "tz": "Europe/Brussels", "uid": c.user.uid}


# -------------------------------------------------------------------------- writes
def _check_write(c: Call, op: str, ids: list[int]) -> list[dict[str, Any]]:
    c.access.check_model(c.user, c.model, op)
    records = [c.db.get(c.model, i) for i in ids]
    present = [r for r in records if r is not None]
    c.access.check_records(c.user, c.model, op, present)
    if len(present) != len(ids):
        raise missing(
            c.model, [i for i, r in zip(ids, records, strict=True) if r is None], c.user.uid
        )
    return present


def create(c: Call, vals_list: Any) -> Any:
    """New record(s); a list of dicts gives a list of ids."""
    c.access.check_model(c.user, c.model, "create")
    many = isinstance(vals_list, list)
    ids = []
    batch: list[Any] = vals_list if many else [vals_list]
    for vals in batch:
        if c.model == "mail.activity":
            ids.append(_create_activity(c, dict(vals)))
        else:
            ids.append(c.db.create(c.model, dict(vals), c.user.uid))
    return ids if many else ids[0]


def write(c: Call, ids: Any, vals: dict[str, Any]) -> bool:
    """Update records (admin, or an activity's owner)."""
    id_list = _ids(ids)
    _check_write(c, "write", id_list)
    return c.db.write(c.model, id_list, dict(vals), c.user.uid)


def unlink(c: Call, ids: Any) -> bool:
    """Delete records (cancels an activity)."""
    id_list = _ids(ids)
    _check_write(c, "unlink", id_list)
    return c.db.unlink(c.model, id_list, c.user.uid)


# ------------------------------------------------------------------------ mail.thread
def _subtype_id(db: Database, xmlid: str) -> int | bool:
    wanted = SUBTYPES.get(xmlid, "Note")
    for rec in db.table("mail.message.subtype").values():
        if rec.get("name") == wanted:
            return int(rec["id"])
    return False


def post_message(
    db: Database,
    user: User,
    model: str,
    res_id: int,
    body: str,
    *,
    message_type: str = "notification",
    subtype_xmlid: str = "mail.mt_note",
    subject: Any = False,
    activity_type_id: Any = False,
) -> int:
    """Insert a mail.message the way `message_post` stores it."""
    author = db.get("res.partner", user.partner_id) or {}
    email = author.get("email") or user.email
    if not email:
        raise UserError("Unable to send message, please configure the sender's email address.")
    vals: dict[str, Any] = {
        "body": body,
        "model": model,
        "res_id": res_id,
        "message_type": message_type,
        "subtype_id": _subtype_id(db, subtype_xmlid),
        "author_id": user.partner_id or False,
        "email_from": f'"{author.get("name") or user.name}" <{email}>',
        "date": db.now(),
        "subject": subject or False,
        "is_internal": False,
        "mail_activity_type_id": activity_type_id or False,
        "tracking_value_ids": [],
        "attachment_ids": [],
        "partner_ids": [],
    }
    return db.create("mail.message", vals, user.uid)


def message_post(
    c: Call,
    ids: Any,
    body: str = "",
    subject: Any = False,
    message_type: str = "notification",
    subtype_xmlid: str | None = None,
    subtype_id: Any = False,
    body_is_html: bool = False,
    partner_ids: Any = None,
    **_ignored: Any,
) -> int:
    """Post on the record's chatter; plain text is escaped unless `body_is_html`."""
    if "message_ids" not in c.db.fields[c.model]:
        raise OdooAttributeError(f"The method '{c.model}.message_post' does not exist")
    del partner_ids
    c.read_check()
    id_list = _ids(ids)
    records = [c.db.get(c.model, i) for i in id_list]
    if not id_list or any(r is None for r in records):
        raise missing(
            c.model, [i for i, r in zip(id_list, records, strict=True) if r is None], c.user.uid
        )
    c.access.check_records(c.user, c.model, "read", [r for r in records if r])
    html = body if body_is_html else plaintext2html(str(body or ""))
    xmlid = subtype_xmlid or ("mail.mt_comment" if subtype_id == 1 else "mail.mt_note")
    return post_message(
        c.db,
        c.user,
        c.model,
        id_list[0],
        html,
        message_type=message_type,
        subtype_xmlid=xmlid,
        subject=subject,
    )


# ----------------------------------------------------------------------- mail.activity
def _create_activity(c: Call, vals: dict[str, Any]) -> int:
    target_model = None
    if vals.get("res_model_id"):
        irm = c.db.get("ir.model", vals["res_model_id"])
        if irm is None:
            raise missing("ir.model", [int(vals["res_model_id"])], c.user.uid)
        target_model = str(irm["model"])
    vals.pop("res_model", None)
    if target_model:
        saved_model = c.model
        c.model = target_model
        try:
            c.read_check()
            target = c.db.get(target_model, vals.get("res_id"))
            if target is None:
                raise missing(target_model, [int(vals.get("res_id") or 0)], c.user.uid)
            c.access.check_records(c.user, target_model, "read", [target])
        finally:
            c.model = saved_model
        vals["res_model"] = target_model
    atype = c.db.get("mail.activity.type", vals.get("activity_type_id")) or {}
    if not vals.get("date_deadline"):
        delay = int(atype.get("delay_count") or 0)
        vals["date_deadline"] = (
            date.fromisoformat(c.db.today()) + timedelta(days=delay)
        ).isoformat()
    vals.setdefault("user_id", c.user.uid)
    return c.db.create("mail.activity", vals, c.user.uid)


def action_feedback(c: Call, ids: Any, feedback: Any = False, attachment_ids: Any = None) -> Any:
    """Mark done: post "<type> done" with the feedback (subtype Activities), then remove the
    activity (archived when its type keeps done activities, as Odoo 18)."""
    del attachment_ids
    if c.model != "mail.activity":
        raise OdooAttributeError(f"The method '{c.model}.action_feedback' does not exist")
    id_list = _ids(ids)
    acts = _check_write(c, "write", id_list)
    message_id: Any = False
    for act in acts:
        atype = c.db.get("mail.activity.type", act.get("activity_type_id")) or {}
        summary = act.get("summary") or ""
        type_name = _escape(str(atype.get("name") or "Activity"))
        done = f" done{(': ' + _escape(summary)) if summary else ''}"
        body = f'<div><p><span class="fa fa-check"></span> {type_name}{done}</p>'
        if feedback:
            body += f"<div><b>Feedback</b>: {plaintext2html(str(feedback))}</div>"
        body += "</div>"
        message_id = post_message(
            c.db,
            c.user,
            str(act.get("res_model")),
            int(act.get("res_id") or 0),
            body,
            message_type="notification",
            subtype_xmlid="mail.mt_activities",
            activity_type_id=act.get("activity_type_id"),
        )
        if atype.get("keep_done"):
            c.db.write(
                "mail.activity",
                [act["id"]],
                {"active": False, "date_done": c.db.today()},
                c.user.uid,
            )
        else:
            c.db.unlink("mail.activity", [act["id"]], c.user.uid)
    return message_id


def action_done(c: Call, ids: Any) -> Any:
    """Mark done without feedback."""
    return action_feedback(c, ids)


METHODS: dict[str, Callable[..., Any]] = {
    "search": search,
    "search_count": search_count,
    "read": read,
    "search_read": search_read,
    "read_group": read_group_method,
    "fields_get": fields_get,
    "name_search": name_search,
    "check_access_rights": check_access_rights,
    "has_access": has_access,
    "context_get": context_get,
    "create": create,
    "write": write,
    "unlink": unlink,
    "message_post": message_post,
    "action_feedback": action_feedback,
    "action_done": action_done,
}


def call(
    db: Database,
    access: Access,
    user: User,
    model: str,
    method: str,
    args: list[Any],
    kwargs: dict[str, Any],
) -> Any:
    """Run one model method like Odoo's `call_kw`."""
    kwargs = dict(kwargs or {})
    context = kwargs.pop("context", None) or {}
    if method.startswith("_"):
        raise AccessError(
            f"Private methods (such as '{model}.{method}') cannot be called remotely."
        )
    if not db.has_model(model):
        raise UserError(f"Object {model} doesn't exist")
    fn = METHODS.get(method)
    if fn is None:
        raise OdooAttributeError(f"The method '{model}.{method}' does not exist")
    try:
        inspect.signature(fn).bind(None, *args, **kwargs)
    except TypeError as exc:
        raise OdooTypeError(f"{method}() {exc}") from exc
    with db.lock:
        return fn(Call(db, access, user, model, context), *args, **kwargs)

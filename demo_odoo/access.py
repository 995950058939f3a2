"""Users, rights, sessions and API keys of the demo Odoo.

Four users mirror the lab server:
- `admin`/`admin`: every right (any dataset can be loaded through the normal API);
- `triage`/`triage`: the agent's API user: reads everything we use, posts messages, and
  creates / completes / cancels the `mail.activity` records it created; anything else is
  the ACL `AccessError` a correctly configured Odoo answers. It also has an API key;
- `noaccess`/`noaccess` (uid 8 when free, as recorded): an internal user without app rights:
  reads tasks, gets the recorded AccessError on timesheets, record-rule errors on task writes,
  and the recorded UserError on `message_post` (its partner has no e-mail);
- `portal`/`portal` (uid 7 when free): a portal user, refused every task by record rules.
Reading `project.project.stage_id` is refused to everyone (group "Use Stages on Project").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from demo_odoo.errors import AccessDenied, AccessError
from demo_odoo.fields import MODEL_LABELS

READ_OPS = ("read",)
OP_VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}

_GROUPS: dict[tuple[str, str], list[str]] = {
    ("account.analytic.line", "read"): [
        "Invoicing/Administrator",
        "Invoicing/Invoicing",
        "Project/Administrator",
        "Technical/Analytic Accounting",
        "Technical/Show Accounting Features - Readonly",
        "Timesheets/User: own timesheets only",
        "User types/Portal",
    ],
    ("account.analytic.line", "write"): [
        "Invoicing/Invoicing",
        "Project/Administrator",
        "Technical/Analytic Accounting",
        "Timesheets/User: own timesheets only",
    ],
    ("helpdesk.ticket", "read"): ["Helpdesk/User", "Helpdesk/Manager"],
    ("project.task", "write"): ["Project/User", "Project/Administrator"],
}
_DEFAULT_GROUPS = ["Administration/Settings"]

# Models an internal user without app rights cannot read at all.
_NO_APP_RIGHTS_HIDDEN = frozenset(
    {
        "account.analytic.line",
        "helpdesk.ticket",
        "helpdesk.ticket.stage",
        "helpdesk.ticket.team",
        "helpdesk.ticket.category",
        "sale.order",
        "sale.order.line",
        "hr.leave",
        "hr.employee",
        "base.automation",
        "ir.actions.server",
        "ir.model.fields",
    }
)
# Field-level groups the lab server enforced even for the administrator.
_FIELD_GROUPS: dict[tuple[str, str], str] = {
    ("project.project", "stage_id"): "Technical / Use Stages on Project",
}


@dataclass
class User:
    """A login of the demo server."""

    login: str
    password: str
    role: str
    name: str
    uid: int = 0
    partner_id: int = 0
    email: str | bool = False
    api_keys: list[str] = field(default_factory=list)


def default_users() -> list[User]:
    """The four demo users (uids assigned when the database is loaded)."""
    return [
        User("admin", "admin", "admin", "Mitchell Admin", email="admin@yourcompany.example.com"),
        User(
            "triage",
            "triage",
            "triage",
            "Triage Agent",
            email="triage@yourcompany.example.com",
            api_keys=[secrets.token_hex(20)],
        ),
        User("noaccess", "noaccess", "noaccess", "No Access"),
        User("portal", "portal", "portal", "Joel Willis", email="joel.willis@example.com"),
    ]


class Access:
    """Authentication and authorisation decisions."""

    def __init__(self, users: list[User]) -> None:
        self.users = {u.login: u for u in users}
        self.by_uid = {u.uid: u for u in users}
        self.sessions: dict[str, int] = {}

    # ------------------------------------------------------------- authentication
    def reindex(self) -> None:
        """Rebuild the uid index after uids were assigned."""
        self.by_uid = {u.uid: u for u in self.users.values()}

    def login(self, login: str, password: str) -> User | None:
        """The user if the password (or one of its API keys) matches."""
        user = self.users.get(login)
        if user and (password == user.password or password in user.api_keys):
            return user
        return None

    def check_uid(self, uid: Any, password: Any) -> User:
        """`execute_kw` authentication; AccessDenied as recorded."""
        user = self.by_uid.get(uid) if isinstance(uid, int) else None
        if user is None or (password != user.password and password not in user.api_keys):
            raise AccessDenied()
        return user

    def by_api_key(self, key: str) -> User | None:
        """The owner of a bearer key."""
        for user in self.users.values():
            if key in user.api_keys:
                return user
        return None

    def new_session(self, user: User) -> str:
        """A fresh session id bound to `user`."""
        sid = secrets.token_urlsafe(48)
        self.sessions[sid] = user.uid
        return sid

    def session_user(self, sid: str | None) -> User | None:
        """The user of a session cookie, if any."""
        uid = self.sessions.get(sid or "")
        return self.by_uid.get(uid) if uid is not None else None

    # ------------------------------------------------------------- authorisation
    def acl_allows(self, user: User, model: str, op: str) -> bool:
        """Model-level right (what `check_access_rights` answers)."""
        if user.role == "admin":
            return True
        if op == "read":
            return not (user.role == "noaccess" and model in _NO_APP_RIGHTS_HIDDEN)
        if model == "mail.activity":
            return True
        return user.role in ("noaccess", "portal") and model == "project.task" and op == "write"

    def acl_error(self, model: str, op: str) -> AccessError:
        """The recorded ACL AccessError text."""
        label = MODEL_LABELS.get(model, model)
        groups = _GROUPS.get((model, "read" if op == "read" else "write"), _DEFAULT_GROUPS)
        lines = "".join(f"\n\t- {g}" for g in groups)
        return AccessError(
            f"You are not allowed to {OP_VERBS.get(op, op)} '{label}' ({model}) records.\n\n"
            f"This operation is allowed for the following groups:{lines}\n\n"
            "Contact your administrator to request access if necessary."
        )

    @staticmethod
    def rule_error(user: User, model: str, op: str) -> AccessError:
        """The recorded record-rule AccessError text."""
        label = MODEL_LABELS.get(model, model)
        return AccessError(
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
            f"Sorry, {user.name} (id={user.uid}) doesn't have '{op}' access to:\n"
            f"- {label} ({model})\n\n"
            "If you really, really need access, perhaps you can win over your friendly "
            "administrator with a batch of freshly baked cookies."
        )

    def check_model(self, user: User, model: str, op: str) -> None:
        """Raise the ACL AccessError when the model-level right is missing."""
        if not self.acl_allows(user, model, op):
            raise self.acl_error(model, op)

    def hidden_by_rules(self, user: User, model: str) -> bool:
        """Whether record rules hide every record of `model` from the user."""
        return user.role == "portal" and model in ("project.task", "project.project")

    def check_records(self, user: User, model: str, op: str, records: list[dict[str, Any]]) -> None:
        """Record rules for writes: only admin writes business records; API users may only
        touch the activities they created or were assigned."""
        if user.role == "admin":
            return
        if op == "read" and self.hidden_by_rules(user, model) and records:
            raise self.rule_error(user, model, op)
        if op == "read":
            return
        if model == "mail.activity":
            if all(
                r.get("create_uid") == user.uid or r.get("user_id") == user.uid for r in records
            ):
                return
            raise self.rule_error(user, model, op)
        raise self.rule_error(user, model, op)

    @staticmethod
    def check_fields(user: User, model: str, names: list[str]) -> None:
        """Field-level groups (recorded for `project.project.stage_id`)."""
        refused = [n for n in names if (model, n) in _FIELD_GROUPS]
        if not refused:
            return
        label = MODEL_LABELS.get(model, model)
        names_txt = ", ".join(f'"{n}"' for n in refused)
        lines = "".join(
            f"\n- {n} (allowed for groups '{_FIELD_GROUPS[(model, n)]}')" for n in refused
        )
        raise AccessError(
            f"You do not have enough rights to access the fields {names_txt} on {label} "
            f"({model}). Please contact your system administrator.\n\n"
            f"Operation: read\nUser: {user.uid}\nFields:{lines}"
        )

    @staticmethod
    def readable_fields(model: str, names: list[str]) -> list[str]:
        """Drop group-restricted fields (what `read` without a field list does)."""
        return [n for n in names if (model, n) not in _FIELD_GROUPS]

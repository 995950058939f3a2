"""`triage doctor`: is this Odoo, and this Odoo user, fit for the triage agent?

Checks, without writing anything: the connection and credentials, the version and
transport, the apps we read (Project, Timesheets, Helpdesk, Sales, Employees/Time Off,
Discuss), the read rights we need, the two rights publishing needs (post a note, create
an activity), and rights we would rather NOT have (writing business records), since the
service should run as a least-privilege user. Rights are probed with
`check_access_rights(..., raise_exception=False)`, which Odoo answers from ACLs alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from agent.config import Settings, get_settings
from agent.tools.errors import OdooAccessError, OdooError
from agent.tools.odoo import OdooGateway

Status = Literal["ok", "warn", "fail", "skip"]

LEAST_PRIVILEGE_HINT = (
    "run the service as a least-privilege user: an internal user with read access to "
    "Project, Timesheets, Helpdesk and Sales (e.g. the 'User' or 'See own/all' read groups), "
    "no Administrator/Manager group, and no write rights except posting messages and "
    "activities."
)


class Check(BaseModel):
    """One line of the report."""

    name: str
    status: Status
    detail: str = ""
    hint: str = ""


class DoctorReport(BaseModel):
    """Everything `triage doctor` found; `ok` is False when any check failed."""

    url: str | None = None
    db: str | None = None
    login: str | None = None
    transport: str | None = None
    server_version: str | None = None
    uid: int | None = None
    checks: list[Check] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def add(self, name: str, status: Status, detail: str = "", hint: str = "") -> None:
        self.checks.append(Check(name=name, status=status, detail=detail, hint=hint))


# app label -> (models that must exist, required for the agent to run at all?)
APPS: dict[str, tuple[tuple[str, ...], bool]] = {
    "Project": (("project.project", "project.task"), True),
    "Timesheets": (("account.analytic.line",), False),
    "Helpdesk": (("helpdesk.ticket",), False),
    "Sales": (("sale.order.line",), False),
    "Employees / Time Off": (("hr.employee", "hr.leave"), False),
    "Discuss (chatter)": (("mail.message", "mail.activity"), True),
}

# model -> read is required (fail) or nice to have (warn)
READ_RIGHTS: dict[str, bool] = {
    "project.project": True,
    "project.task": True,
    "project.milestone": False,
    "project.update": False,
    "account.analytic.line": False,
    "helpdesk.ticket": False,
    "sale.order.line": False,
    "hr.employee": False,
    "hr.leave": False,
    "res.users": True,
    "mail.message": True,
}

# rights we would rather not have
WRITE_SENSITIVE = ("project.project", "project.task", "helpdesk.ticket", "account.analytic.line")


def run_doctor(
    settings: Settings | None = None,
    gateway_factory: Callable[[Settings], OdooGateway] = OdooGateway.from_settings,
) -> DoctorReport:
    """Run every check; never raises for an Odoo problem (it becomes a failed check)."""
    s = settings or get_settings()
    report = DoctorReport(
        url=s.odoo_url, db=s.odoo_db, login=s.odoo_login, transport=s.odoo_transport
    )
    try:
        gw = gateway_factory(s)
    except OdooError as exc:
        report.add("configuration", "fail", str(exc))
        return report
    try:
        _connect(gw, report)
        if report.ok:
            present = _apps(gw, report)
            _rights(gw, report, present)
    finally:
        gw.close()
    return report


def _connect(gw: OdooGateway, report: DoctorReport) -> None:
    try:
        version = gw.detect_version()
    except OdooError as exc:
        report.add("connection", "fail", str(exc))
        return
    report.server_version = version.server_version
    report.add("connection", "ok", f"Odoo {version.server_version} at {gw.url}")
    try:
        report.uid = gw.uid
    except OdooError as exc:
        report.add("login", "fail", str(exc))
        return
    report.add(
        "login",
        "ok",
        f"{gw.login!r} on database {gw.db!r}" + (f" (uid {report.uid})" if report.uid else ""),
    )
    if version.major and version.major < 16:
        report.add(
            "version",
            "warn",
            f"Odoo {version.serie} is older than 16.0, the oldest version tested.",
            "Upgrade Odoo, or expect missing fields to be skipped.",
        )
    else:
        report.add("version", "ok", f"series {version.serie or version.major}")
    if gw.transport_name == "jsonrpc" and version.major >= 19:
        report.add(
            "transport",
            "warn",
            "/jsonrpc is deprecated since Odoo 19 and announced for removal in 22.",
            "Create an API key for this user and set ODOO_TRANSPORT=json2 and ODOO_API_KEY.",
        )
    elif gw.transport_name == "json2" and not version.has_json2:
        report.add(
            "transport",
            "fail",
            f"JSON-2 needs Odoo 19+, this server is {version.serie}.",
            "Set ODOO_TRANSPORT=jsonrpc.",
        )
    else:
        report.add("transport", "ok", gw.transport_name)


def _apps(gw: OdooGateway, report: DoctorReport) -> set[str]:
    present: set[str] = set()
    for app, (models, required) in APPS.items():
        found = [m for m in models if gw.has_model(m)]
        present.update(found)
        missing = [m for m in models if m not in found]
        if (
            app == "Timesheets"
            and found
            and "unit_amount" not in gw.fields("account.analytic.line")
        ):
            missing, found = list(models), []
        if not missing:
            detail = ", ".join(found)
            if app == "Helpdesk":
                fields = gw.fields("helpdesk.ticket")
                flavour = (
                    "OCA helpdesk_mgmt"
                    if "number" in fields
                    else "Enterprise"
                    if "ticket_ref" in fields
                    else "unknown flavour"
                )
                detail += f" ({flavour})"
            report.add(f"app: {app}", "ok", detail)
        else:
            report.add(
                f"app: {app}",
                "fail" if required else "warn",
                f"model(s) {', '.join(missing)} not found",
                "Install the app in Odoo"
                + ("" if required else ", or accept that its signals are skipped")
                + ".",
            )
    return present


def _probe(gw: OdooGateway, model: str, operation: str) -> bool | None:
    try:
        return gw.check_access_rights(model, operation)
    except OdooAccessError:
        return False
    except OdooError:
        return None


def _is_share_user(gw: OdooGateway) -> bool | None:
    if gw.uid is None:
        return None
    try:
        rows = gw.read("res.users", [gw.uid], ["share"])
    except OdooError:
        return None
    return bool(rows[0].get("share")) if rows and "share" in rows[0] else None


def _rights(gw: OdooGateway, report: DoctorReport, present: set[str]) -> None:
    for model, required in READ_RIGHTS.items():
        if model not in present and not gw.has_model(model):
            continue
        allowed = _probe(gw, model, "read")
        if allowed:
            report.add(f"read {model}", "ok")
        else:
            report.add(
                f"read {model}",
                "fail" if required else "warn",
                "read access denied" if allowed is False else "could not check",
                f"Add {gw.login!r} to the read group of the app owning {model} (Settings > Users).",
            )
    # message_post creates the message itself; what it needs is an internal (non-share)
    # user who can read (project) or write (some apps) the record.
    share = _is_share_user(gw)
    report.add(
        "post internal notes",
        "fail" if share else "ok" if share is False else "warn",
        {True: "portal/share user", False: "internal user", None: "could not read res.users.share"}[
            share
        ],
        "Use an internal user: portal users cannot post internal notes."
        if share is not False
        else "",
    )
    activities = _probe(gw, "mail.activity", "create")
    report.add(
        "create review activities",
        "ok" if activities else "fail",
        "mail.activity create allowed" if activities else "mail.activity create denied",
        "" if activities else "The user must be an internal user to schedule activities.",
    )
    for model in WRITE_SENSITIVE:
        if model not in present and not gw.has_model(model):
            continue
        if _probe(gw, model, "write"):
            report.add(
                f"no write on {model}",
                "warn",
                "this user can write business records (ACL grants write)",
                LEAST_PRIVILEGE_HINT,
            )
        else:
            report.add(f"no write on {model}", "ok")


def render_text(report: DoctorReport) -> str:
    """Human-readable report, one check per line, hints indented below problems."""
    marks = {"ok": "OK  ", "warn": "WARN", "fail": "FAIL", "skip": "SKIP"}
    lines = [
        f"Odoo: {report.url or '(ODOO_URL not set)'}  db={report.db}  login={report.login}  "
        f"transport={report.transport}  version={report.server_version or '?'}",
        "",
    ]
    for check in report.checks:
        line = f"[{marks[check.status]}] {check.name}"
        if check.detail:
            line += f": {check.detail}"
        lines.append(line)
        if check.hint and check.status in {"warn", "fail"}:
            lines.append(f"       -> {check.hint}")
    fails = sum(c.status == "fail" for c in report.checks)
    warns = sum(c.status == "warn" for c in report.checks)
    lines += [
        "",
        "All checks passed."
        if not fails and not warns
        else f"{fails} problem(s), {warns} warning(s).",
    ]
    return "\n".join(lines)

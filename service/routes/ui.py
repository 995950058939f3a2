"""`/ui`: the operations dashboard (portfolio, approvals, automation health, helpdesk).

Server-rendered Jinja2 pages, no JavaScript build and nothing fetched from the internet.
Same keys as the API: log in with an API key (or send it as a header), then a signed
session cookie. Decisions call `service.routes.recommendations.decide`, the function
behind `POST /v1/recommendations/{id}/decision`; replays call `QueueStore.replay`, as
`POST /v1/deadletters/{id}/replay` does. Page data comes from `service.ui.data`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import resources
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from agent.ledger import DecisionConflict, LedgerError, RecommendationNotFound
from agent.pipeline import PipelineContext
from service.deps import AppServices, authenticate, enforce_rate_limit, get_services
from service.keys import ApiKey
from service.metrics import REGISTRY
from service.routes.analysis import get_pipeline
from service.routes.recommendations import DecisionRequest, decide
from service.ui import auth, data
from service.ui.sampler import process_sampler

router = APIRouter(prefix="/ui", tags=["dashboard"], include_in_schema=False)

STATIC = {"dashboard.css": "text/css; charset=utf-8"}
SEVERITY_ORDER = ("critical", "high", "medium", "low")
ROLE_LABELS = {
    "pm": "Project manager",
    "delivery_lead": "Delivery lead",
    "finance": "Finance",
    "helpdesk_lead": "Helpdesk lead",
}

env = Environment(
    loader=PackageLoader("service.ui", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["duration"] = data.duration_label
env.filters["label"] = lambda s: str(s or "").replace("_", " ")


def _when(value: datetime | float | None) -> str:
    if value is None:
        return "-"
    moment = datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else value
    return moment.strftime("%Y-%m-%d %H:%M") + " UTC"


env.filters["when"] = _when


Services = Annotated[AppServices, Depends(get_services)]
Pipeline = Annotated[PipelineContext, Depends(get_pipeline)]


class Session:
    """Who is looking: the key, and the CSRF token forms must send back."""

    def __init__(self, key: ApiKey, csrf: str) -> None:
        self.key = key
        self.csrf = csrf


def _login_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/ui/login?next={quote(target)}"
    return HTTPException(303, "log in first", headers={"Location": location})


def get_session(request: Request, services: Services) -> Session:
    """The API key from a header or the session cookie; otherwise off to the login page."""
    cookie = request.cookies.get(auth.COOKIE)
    key = authenticate(request, services) or auth.key_for_cookie(
        services.settings, services.keys, cookie
    )
    if key is None:
        raise _login_redirect(request)
    if not key.allows("read"):
        raise HTTPException(403, f"key {key.name!r} lacks scope 'read' needed for the dashboard")
    enforce_rate_limit(services, key)
    return Session(key, auth.csrf_token(services.settings, cookie) if cookie else "")


UiSession = Annotated[Session, Depends(get_session)]


def _render(name: str, request: Request, session: Session | None, **values: Any) -> HTMLResponse:
    page = env.get_template(name).render(
        request=request,
        session=session,
        path=request.url.path,
        flash=request.query_params.get("flash"),
        error=request.query_params.get("error"),
        **values,
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the dashboard's forms send nothing else)."""
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _safe_next(target: str | None, default: str = "/ui/portfolio") -> str:
    """Only redirect inside the dashboard (no open redirect through `next`)."""
    if target and target.startswith("/ui/") and not target.startswith("//"):
        return target
    return default


def _check_csrf(request: Request, services: AppServices, form: dict[str, str]) -> None:
    cookie = request.cookies.get(auth.COOKIE)
    if cookie is None and authenticate(request, services) is not None:
        return  # header-authenticated callers send no cookie, so no cross-site risk
    if not auth.csrf_ok(services.settings, cookie, form.get("csrf")):
        raise HTTPException(
            403, "form expired or sent from another site: reload the page and retry"
        )


# --- login ----------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/ui/portfolio", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _render("login.html", request, None, next=_safe_next(request.query_params.get("next")))


@router.post("/login")
async def login(request: Request, services: Services) -> Response:
    form = await _form(request)
    target = _safe_next(form.get("next"))
    key = services.keys.verify(form.get("api_key", "").strip())
    if key is None or not key.allows("read"):
        reason = "unknown or revoked API key" if key is None else "this key lacks the read scope"
        return RedirectResponse(
            f"/ui/login?error={quote(reason)}&next={quote(target)}", status_code=303
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        auth.COOKIE,
        auth.session_cookie(services.settings, key),
        max_age=auth.MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/ui",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/ui")
    return response


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(404, f"no static file {name!r}")
    body = resources.files("service.ui").joinpath("static", name).read_bytes()
    return Response(body, media_type=STATIC[name], headers={"Cache-Control": "max-age=300"})


# --- pages ----------------------------------------------------------------------------


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(
    request: Request, session: UiSession, ctx: Pipeline, sort: str = "severity", order: str = ""
) -> HTMLResponse:
    descending = None if order not in ("asc", "desc") else order == "desc"
    view = data.portfolio(ctx.ledger, ctx.gateway.record_url, sort=sort, descending=descending)
    return _render("portfolio.html", request, session, view=view, severities=SEVERITY_ORDER)


@router.get("/recommendations/{rec_id}", response_class=HTMLResponse)
def recommendation_page(
    rec_id: int, request: Request, session: UiSession, ctx: Pipeline
) -> HTMLResponse:
    try:
        rec = ctx.ledger.get(rec_id)
    except RecommendationNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    queue = data.approval_queue(ctx.ledger, ctx.policy, ctx.gateway.record_url)
    item = next((i for i in queue.items if i.rec.id == rec_id), None)
    return _render(
        "recommendation.html",
        request,
        session,
        rec=rec,
        item=item,
        decisions=ctx.ledger.decisions(rec_id),
        odoo_url=ctx.gateway.record_url(rec.subject.model, rec.subject.id),
        record_url=ctx.gateway.record_url,
    )


@router.get("/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, session: UiSession, ctx: Pipeline) -> HTMLResponse:
    queue = data.approval_queue(ctx.ledger, ctx.policy, ctx.gateway.record_url)
    deadlines = {s.value: d for s, d in ctx.policy.approval.review_deadline_days.items()}
    return _render(
        "approvals.html", request, session, queue=queue, deadlines=deadlines, roles=ROLE_LABELS
    )


@router.post("/recommendations/{rec_id}/decision")
async def decision(
    rec_id: int, request: Request, session: UiSession, services: Services, ctx: Pipeline
) -> Response:
    form = await _form(request)
    _check_csrf(request, services, form)
    if not session.key.allows("publish"):
        raise HTTPException(403, f"key {session.key.name!r} lacks scope 'publish' to decide")
    back = _safe_next(form.get("next"), "/ui/approvals")
    verdict = form.get("decision", "")
    if verdict not in ("approve", "reject"):
        raise HTTPException(422, "decision must be 'approve' or 'reject'")
    body = DecisionRequest(
        decision=verdict,
        reviewer=(form.get("reviewer") or session.key.name).strip()[:128] or session.key.name,
        comment=form.get("comment", "")[:4000],
    )
    from starlette.concurrency import run_in_threadpool

    try:
        result = await run_in_threadpool(decide, ctx, rec_id, body)
    except RecommendationNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except DecisionConflict as exc:
        return RedirectResponse(f"{back}?error={quote(str(exc))}", status_code=303)
    except LedgerError as exc:
        raise HTTPException(409, str(exc)) from exc
    note = (
        f"; follow-up note #{result.followup_message_id} posted on the Odoo record"
        if result.followup_message_id
        else ""
    )
    flash = f"Recommendation #{rec_id} {result.decision.decision} by {body.reviewer}{note}."
    return RedirectResponse(f"{back}?flash={quote(flash)}", status_code=303)


@router.get("/health", response_class=HTMLResponse)
def health_page(
    request: Request, session: UiSession, services: Services, hours: int = 6
) -> HTMLResponse:
    sampler = process_sampler()
    hours = max(1, min(hours, 72))
    view = data.automation_health(
        services.store,
        REGISTRY,
        now=time.time(),
        samples=sampler.samples(),
        window_s=hours * 3600,
    )
    return _render("health.html", request, session, view=view, hours=hours)


@router.post("/deadletters/{dead_letter_id}/replay")
async def replay(
    dead_letter_id: int, request: Request, session: UiSession, services: Services
) -> Response:
    form = await _form(request)
    _check_csrf(request, services, form)
    if not session.key.allows("admin"):
        raise HTTPException(403, f"key {session.key.name!r} lacks scope 'admin' to replay")
    from starlette.concurrency import run_in_threadpool

    try:
        event_id = await run_in_threadpool(services.store.replay, dead_letter_id, None)
    except KeyError as exc:
        raise HTTPException(404, f"no dead letter {dead_letter_id}") from exc
    except ValueError as exc:
        return RedirectResponse(f"/ui/health?error={quote(str(exc))}", status_code=303)
    flash = f"Dead letter #{dead_letter_id} queued again as event {event_id}."
    return RedirectResponse(f"/ui/health?flash={quote(flash)}", status_code=303)


@router.get("/helpdesk", response_class=HTMLResponse)
def helpdesk_page(request: Request, session: UiSession, ctx: Pipeline) -> HTMLResponse:
    view = data.helpdesk(ctx.ledger, ctx.gateway.record_url)
    return _render("helpdesk.html", request, session, view=view)

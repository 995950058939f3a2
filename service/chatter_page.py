"""A static HTML page that shows the notes we posted as the Odoo chatter would.

It reads the notes back from Odoo (`mail.message`), not from our own copy, so the page
shows what a project manager really sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.guardrails.html import escape, sanitize_html

if TYPE_CHECKING:
    from agent.pipeline import PipelineContext

_CSS = """
body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;padding:24px;color:#1f2937}
h1{font-size:20px} .rec{background:#fff;border:1px solid #e5e7eb;border-radius:8px;
margin:0 0 18px;padding:14px 18px;max-width:980px} .rec h2{font-size:16px;margin:0 0 8px}
.msg{border-left:3px solid #714B67;padding:6px 12px;margin:10px 0;background:#fafafa}
.meta{color:#6b7280;font-size:12px;margin-bottom:6px} .superseded{opacity:.55}
.badge{display:inline-block;padding:2px 7px;border-radius:6px;font-size:12px;color:#fff;
background:#6b7280} .text-bg-success{background:#15803d} .text-bg-warning{background:#ca8a04}
.text-bg-danger{background:#b91c1c} .text-bg-dark{background:#111827}
.text-bg-secondary{background:#6b7280} table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #e5e7eb;padding:3px 8px;font-size:13px;text-align:left}
.act{font-size:13px;background:#eef2ff;border-radius:6px;padding:4px 10px;display:inline-block}
"""


def write_chatter_page(ctx: PipelineContext, path: Path) -> Path:
    recs = [r for r in ctx.ledger.list(limit=100000) if r.message_id]
    message_ids = [r.message_id for r in recs if r.message_id is not None]
    messages: dict[int, dict[str, Any]] = (
        {
            int(m["id"]): m
            for m in ctx.gateway.read(
                "mail.message", message_ids, ["body", "date", "author_id", "subtype_id"]
            )
        }
        if message_ids
        else {}
    )
    activity_ids = [r.activity_id for r in recs if r.activity_id is not None]
    activities: dict[int, dict[str, Any]] = (
        {
            int(a["id"]): a
            for a in ctx.gateway.read(
                "mail.activity", activity_ids, ["summary", "user_id", "date_deadline"]
            )
        }
        if activity_ids
        else {}
    )
    by_record: dict[tuple[str, int], list[Any]] = {}
    names: dict[tuple[str, int], str] = {}
    for r in recs:
        by_record.setdefault(r.subject.key, []).append(r)
        names[r.subject.key] = r.subject.display_name
    parts = [
        f"<!doctype html><meta charset=utf-8><title>Triage notes</title><style>{_CSS}</style>",
        f"<h1>Notes posted to Odoo ({len(recs)} on {len(by_record)} records)</h1>",
    ]
    order = {"project.project": 0, "project.task": 1, "helpdesk.ticket": 2}
    for key in sorted(by_record, key=lambda k: (order.get(k[0], 9), k[1])):
        parts.append(
            f'<div class="rec"><h2>{escape(names[key])} '
            f'<small class="meta">{escape(key[0])} #{key[1]}</small></h2>'
        )
        for r in sorted(by_record[key], key=lambda r: -(r.id or 0)):
            m = messages.get(r.message_id or -1)
            if m is None:
                continue
            author = m.get("author_id")
            subtype = m.get("subtype_id")
            cls = "msg superseded" if r.status.value == "superseded" else "msg"
            parts.append(
                f'<div class="{cls}"><div class="meta">{escape(author[1] if author else "")} · '
                f"{escape(str(m.get('date')))} · {escape(subtype[1] if subtype else '')} · "
                f"recommendation #{r.id} ({escape(r.status.value)})</div>"
                + sanitize_html(str(m["body"]), ctx.gateway.base_url)
            )
            act = activities.get(r.activity_id or -1)
            if act:
                user = act.get("user_id")
                parts.append(
                    f'<div class="act">Activity: {escape(str(act.get("summary")))} for '
                    f"{escape(user[1] if user else '')}, "
                    f"due {escape(str(act.get('date_deadline')))}"
                    "</div>"
                )
            parts.append("</div>")
        parts.append("</div>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")
    return path

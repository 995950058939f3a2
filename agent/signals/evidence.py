"""Evidence references and links into the Odoo backend.

Every figure and finding cites the records it came from; this module is the one place
that turns a record into an `EvidenceRef` with a clickable URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.schemas import EvidenceRef
from agent.tools.records import Record

DEFAULT_ODOO_VERSION = 17


def record_url(base_url: str, model: str, record_id: int, odoo_version: int = 17) -> str | None:
    """The backend form URL of a record: `{base}/odoo/{model}/{id}` on Odoo 17+,
    `{base}/web#id={id}&model={model}&view_type=form` on 16 and older. None without a base."""
    if not base_url:
        return None
    base = base_url.rstrip("/")
    if odoo_version >= 17:
        return f"{base}/odoo/{model}/{record_id}"
    return f"{base}/web#id={record_id}&model={model}&view_type=form"


def ref(
    record: Record, base_url: str = "", odoo_version: int = DEFAULT_ODOO_VERSION
) -> EvidenceRef:
    """An `EvidenceRef` citing `record`."""
    return EvidenceRef(
        model=record.MODEL,
        id=record.id,
        display_name=record.name,
        url=record_url(base_url, record.MODEL, record.id, odoo_version),
    )


def model_ref(
    model: str,
    record_id: int,
    display_name: str = "",
    base_url: str = "",
    odoo_version: int = DEFAULT_ODOO_VERSION,
) -> EvidenceRef:
    """An `EvidenceRef` for a record known only by model and id (e.g. a team)."""
    return EvidenceRef(
        model=model,
        id=record_id,
        display_name=display_name,
        url=record_url(base_url, model, record_id, odoo_version),
    )


def dedupe(refs: Iterable[EvidenceRef]) -> list[EvidenceRef]:
    """Refs in first-seen order without repeats (same model and id)."""
    seen: set[tuple[str, int]] = set()
    out: list[EvidenceRef] = []
    for r in refs:
        if r.key not in seen:
            seen.add(r.key)
            out.append(r)
    return out

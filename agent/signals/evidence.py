"""Evidence references and links into the Odoo backend.

Every figure and finding cites the records it came from; this module is the one place
that turns a record into an `EvidenceRef` with a clickable URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.links import DEFAULT_ODOO_VERSION, record_url
from agent.schemas import EvidenceRef
from agent.tools.records import Record


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

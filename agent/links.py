"""Links into the Odoo backend, for evidence that a reader can click."""

from __future__ import annotations

DEFAULT_ODOO_VERSION = 18


def record_url(
    base_url: str, model: str, record_id: int, odoo_version: int = DEFAULT_ODOO_VERSION
) -> str | None:
    """The backend form URL of a record.

    `{base}/odoo/{model}/{id}` from Odoo 18 (17.0 still routes `/web#...`), and
    `{base}/web#id={id}&model={model}&view_type=form` before. None without a base URL.
    """
    if not base_url:
        return None
    base = base_url.rstrip("/")
    if odoo_version >= 18:
        return f"{base}/odoo/{model}/{record_id}"
    return f"{base}/web#id={record_id}&model={model}&view_type=form"

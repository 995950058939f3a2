"""A fake transport for gateway unit tests: records every call, answers from a table."""

from __future__ import annotations

from typing import Any

FIELDS_18: dict[str, dict[str, Any]] = {
    name: {"type": "char", "string": name}
    for name in (
        "id",
        "name",
        "write_date",
        "create_date",
        "project_id",
        "stage_id",
        "user_ids",
        "allocated_hours",
        "effective_hours",
        "remaining_hours",
        "progress",
        "state",
        "date_deadline",
        "priority",
        "is_closed",
        "model",
    )
}


class RecordingTransport:
    """A fake transport: records every call, answers from `answers` (or fails first)."""

    name = "recording"

    def __init__(self, answers: dict[str, Any] | None = None, major: int = 18) -> None:
        self.calls: list[tuple[str, str, list[Any], dict[str, Any]]] = []
        self.answers = answers or {}
        self.major = major
        self.failures: list[Exception] = []  # raised (in order) before answering

    def version_info(self) -> dict[str, Any]:
        return {
            "server_version": f"{self.major}.0",
            "server_version_info": [self.major, 0, 0, "final", 0, ""],
            "server_serie": f"{self.major}.0",
        }

    def authenticate(self) -> int | None:
        return 2

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        self.calls.append((model, method, args, kwargs))
        if self.failures:
            raise self.failures.pop(0)
        if method == "fields_get":
            return FIELDS_18
        return self.answers.get(f"{model}.{method}", [])

    def close(self) -> None:
        pass

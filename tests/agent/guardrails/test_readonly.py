import logging

import pytest

from agent.guardrails.readonly import (
    ALLOWED_TOOL_NAMES,
    SECURITY_LOGGER_NAME,
    ToolNotAllowedError,
    assert_tool_allowed,
)


def test_read_tools_are_allowed() -> None:
    for name in ALLOWED_TOOL_NAMES:
        assert_tool_allowed(name)


def test_allowlist_holds_no_write_verbs() -> None:
    for name in ALLOWED_TOOL_NAMES:
        assert not name.startswith(("write", "update", "create", "delete", "unlink", "set", "post"))


@pytest.mark.parametrize("name", ["write_task", "message_post", "unlink", "set_priority", ""])
def test_other_tools_are_refused_and_logged_as_security_events(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger=SECURITY_LOGGER_NAME),
        pytest.raises(ToolNotAllowedError, match="read-only allowlist"),
    ):
        assert_tool_allowed(name)
    record = caplog.records[-1]
    assert record.name == SECURITY_LOGGER_NAME
    assert record.__dict__["security_event"] == "tool_refused"
    assert record.__dict__["tool_name"] == name

from __future__ import annotations

import pytest

from agent.tools import allowlist
from agent.tools.errors import AllowlistViolation, ReadOnlyViolation


@pytest.mark.parametrize(
    "method",
    [
        "write",
        "create",
        "unlink",
        "message_post",
        "action_done",
        "copy",
        "_compute_progress_hours",
        "sudo",
    ],
)
def test_every_non_read_method_is_a_read_only_violation(method: str) -> None:
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        allowlist.check_method("project.task", method)


@pytest.mark.parametrize("method", sorted(allowlist.READ_METHODS))
def test_read_methods_pass(method: str) -> None:
    allowlist.check_method("project.task", method)


def test_unknown_model_is_refused() -> None:
    with pytest.raises(AllowlistViolation, match=r"res\.partner\.bank"):
        allowlist.check_model("res.partner.bank")


def test_fields_outside_the_allowlist_are_refused_but_aggregates_resolve_to_their_field() -> None:
    allowlist.check_fields(
        "account.analytic.line", ["unit_amount:sum", "date:week", "first:min(date)", "__count"]
    )
    with pytest.raises(AllowlistViolation, match="password"):
        allowlist.check_fields("res.users", ["login", "password"])


def test_domain_fields_takes_the_head_of_dotted_paths_and_skips_operators() -> None:
    domain = ["|", ("project_id.partner_id.name", "ilike", "x"), ("user_ids", "=", 6)]
    assert allowlist.domain_fields(domain) == {"project_id", "user_ids"}


def test_publish_models_are_only_the_three_documented() -> None:
    assert {"project.project", "project.task", "helpdesk.ticket"} == allowlist.PUBLISH_MODELS

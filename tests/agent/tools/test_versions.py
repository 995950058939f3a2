from __future__ import annotations

from agent.tools.versions import OdooVersion, field_candidates, task_progress_ratio


def test_version_is_parsed_from_version_info_including_saas_builds() -> None:
    assert (
        OdooVersion.from_info(
            {"server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0"}
        ).major
        == 18
    )
    saas = OdooVersion.from_info(
        {"server_version_info": ["saas~17", 2, 0, "final", 0, ""], "server_serie": "saas~17.2"}
    )
    assert (saas.major, saas.minor) == (17, 2)
    assert OdooVersion.from_info({"server_version": "16.0"}).major == 16


def test_task_hours_field_is_planned_hours_up_to_16_and_allocated_hours_after() -> None:
    assert (
        field_candidates("project.task", OdooVersion(16))["allocated_hours"][0] == "planned_hours"
    )
    assert field_candidates("project.task", OdooVersion(17))["allocated_hours"] == (
        "allocated_hours",
    )


def test_task_assignees_field_and_state_depend_on_version() -> None:
    assert field_candidates("project.task", OdooVersion(15))["user_ids"] == ("user_id",)
    assert field_candidates("project.task", OdooVersion(16))["user_ids"] == ("user_ids",)
    assert "state" not in field_candidates("project.task", OdooVersion(16))
    assert "state" in field_candidates("project.task", OdooVersion(17))


def test_helpdesk_candidates_cover_oca_and_enterprise() -> None:
    cands = field_candidates("helpdesk.ticket", OdooVersion(18))
    assert cands["number"] == ("number", "ticket_ref")
    assert cands["closed_date"] == ("closed_date", "close_date")


def test_progress_percentage_becomes_a_ratio_only_up_to_16() -> None:
    assert task_progress_ratio(210.0, OdooVersion(16)) == 2.1
    assert task_progress_ratio(2.1, OdooVersion(18)) == 2.1


def test_odoo_urls_start_at_18() -> None:
    assert OdooVersion(18).uses_odoo_urls and not OdooVersion(17).uses_odoo_urls

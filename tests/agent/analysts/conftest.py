"""Fixtures for the analyst tests (definitions live in `llm_fakes`)."""

from llm_fakes import gateway, project_facts, settings, task_facts, ticket_facts, transport

__all__ = ["gateway", "project_facts", "settings", "task_facts", "ticket_facts", "transport"]

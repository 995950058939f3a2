"""Shared types of the dashboard tests (a module of its own: `conftest` names collide)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from agent.config import Settings
from agent.pipeline import PipelineContext, ScanResult
from demo_odoo.runner import DemoOdoo


@dataclass
class Dashboard:
    url: str
    odoo: DemoOdoo
    ctx: PipelineContext
    scan: ScanResult
    settings: Settings
    app: FastAPI
    api_key: str

"""The sample Grafana dashboard queries only metrics the service exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from agent.ledger import Ledger
from agent.policy import load_policy
from service import metrics
from service.ui.exporter import LedgerCollector

DASHBOARD = Path(__file__).resolve().parents[3] / "examples" / "grafana" / "triage-dashboard.json"


def test_every_metric_in_the_grafana_dashboard_is_exported(tmp_path: Path) -> None:
    panels = json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]
    exprs = [t["expr"] for p in panels for t in p["targets"]]
    used = {
        re.sub(r"_(total|bucket)$", "", name)
        for expr in exprs
        for name in re.findall(r"triage_[a-z_]+", expr)
    }
    exported = {family.name for family in metrics.REGISTRY.collect()}
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    exported |= {family.name for family in LedgerCollector(ledger, load_policy()).collect()}
    assert used and used <= exported, sorted(used - exported)

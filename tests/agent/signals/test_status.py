from __future__ import annotations

import pytest

import agent.signals as signals_pkg
from agent.schemas import Rag, RiskCategory, RiskFinding, Severity
from agent.signals import keys as K
from agent.signals import security


def _finding(severity: str) -> RiskFinding:
    return RiskFinding(
        category=RiskCategory.SCHEDULE, severity=Severity(severity), title="t", explanation="e"
    )


@pytest.mark.parametrize(
    ("severities", "rag"),
    [
        ((), Rag.GREEN),
        (("low",), Rag.GREEN),
        (("low", "medium"), Rag.AMBER),
        (("medium", "high"), Rag.RED),
        (("critical",), Rag.RED),
    ],
)
def test_rag_comes_from_the_worst_finding(severities: tuple[str, ...], rag: Rag) -> None:
    from agent.signals.status import rag_of

    assert rag_of(_finding(s) for s in severities) == rag


def test_every_figure_key_is_documented_in_the_package_table() -> None:
    doc = signals_pkg.__doc__ or ""
    for key, (label, unit) in K.CATALOG.items():
        assert f"| `{key}` | {label} | {unit} |" in doc


def test_without_the_guardrails_scanner_there_are_no_security_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(security, "import_module", missing)
    assert security.default_scan() is None
    assert security.resolve_scan(None) is None

"""Security findings: injection attempts seen in untrusted Odoo text.

The scanner is injected (`InjectionScanner`: text -> (hit, reason)) so signals stay pure
and testable; by default the guardrails scanner is used when it is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module

from agent.facts import UntrustedText
from agent.schemas import RiskCategory, RiskFinding
from agent.signals import keys as K
from agent.signals.classify import Context

InjectionScanner = Callable[[str], tuple[bool, str]]


def default_scan() -> InjectionScanner | None:
    """`agent.guardrails.injection.scan` adapted to (hit, reason), or None if unavailable."""
    try:
        module = import_module("agent.guardrails.injection")
    except ImportError:
        return None
    scan = getattr(module, "scan", None)
    if scan is None:
        return None

    def adapted(text: str) -> tuple[bool, str]:
        result = scan(text)
        summary = getattr(result, "summary", None)
        reason = summary() if callable(summary) else ""
        if not reason:
            rules: Iterable[object] = (
                getattr(result, "rule_ids", None) or getattr(result, "rules", None) or ()
            )
            reason = ", ".join(str(r) for r in rules) or "injection pattern"
        return bool(getattr(result, "hit", False)), str(reason)

    return adapted


def resolve_scan(scan: InjectionScanner | None) -> InjectionScanner | None:
    return scan if scan is not None else default_scan()


def security_findings(
    texts: Iterable[UntrustedText], scan: InjectionScanner | None, ctx: Context
) -> list[RiskFinding]:
    """One finding per record whose untrusted text the scanner flags."""
    if scan is None:
        return []
    hits: dict[tuple[str, int], tuple[UntrustedText, list[str]]] = {}
    for item in texts:
        if not item.text:
            continue
        hit, reason = scan(item.text)
        if hit:
            entry = hits.setdefault(item.source.key, (item, []))
            entry[1].append(f"{item.field}: {reason}")
    findings: list[RiskFinding] = []
    for item, reasons in hits.values():
        label = item.source.display_name or f"{item.source.model} {item.source.id}"
        findings.append(
            ctx.finding(
                RiskCategory.SECURITY,
                ctx.policy.thresholds.security.injection_severity,
                "Possible prompt-injection attempt",
                f'Text in {item.source.model} "{label}" looks like instructions aimed at an '
                f"AI assistant ({'; '.join(reasons)}). It was treated as data only.",
                {K.SECURITY_INJECTION_HITS: float(len(reasons))},
                [item.source],
                "Check who wrote this text and remove it if it is malicious.",
                confidence=0.7,
            )
        )
    return findings

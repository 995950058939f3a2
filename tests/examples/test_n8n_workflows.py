"""Static checks of the importable n8n workflows in `examples/n8n/`.

They run in CI without n8n: a broken file would only show up when a customer imports it.
The node types and versions below were read from n8n 2.8.4's own node descriptions
(`scripts/check_n8n.sh` imports the files into a real n8n).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from agent.config import Settings

WORKFLOW_DIR = Path(__file__).resolve().parents[2] / "examples" / "n8n"
EXPECTED_FILES = {
    "helpdesk-ticket-triage.json",
    "weekly-portfolio-scan.json",
    "recommendation-approval.json",
}

# Core node type -> versions n8n 2.8.4 declares for it (`version` in the node description).
KNOWN_NODE_VERSIONS: dict[str, frozenset[float]] = {
    "n8n-nodes-base.webhook": frozenset({1, 1.1, 2, 2.1}),
    "n8n-nodes-base.manualTrigger": frozenset({1}),
    "n8n-nodes-base.scheduleTrigger": frozenset({1, 1.1, 1.2, 1.3}),
    "n8n-nodes-base.httpRequest": frozenset({1, 2, 3, 4, 4.1, 4.2, 4.3, 4.4}),
    "n8n-nodes-base.set": frozenset({1, 2, 3, 3.1, 3.2, 3.3, 3.4}),
    "n8n-nodes-base.if": frozenset({1, 2, 2.1, 2.2, 2.3}),
    "n8n-nodes-base.switch": frozenset({1, 2, 3, 3.1, 3.2, 3.3, 3.4}),
    "n8n-nodes-base.code": frozenset({1, 2}),
    "n8n-nodes-base.wait": frozenset({1, 1.1}),
    "n8n-nodes-base.noOp": frozenset({1}),
    "n8n-nodes-base.stopAndError": frozenset({1}),
    "n8n-nodes-base.removeDuplicates": frozenset({1, 1.1, 2}),
    "n8n-nodes-base.respondToWebhook": frozenset({1, 1.1, 1.2, 1.3, 1.4, 1.5}),
    "n8n-nodes-base.slack": frozenset({1, 2, 2.1, 2.2, 2.3, 2.4}),
}
# Option values n8n 2.8.4 declares for the parameters these workflows set; a value n8n does
# not know imports fine and then silently does something else (e.g. the default).
KNOWN_PARAMETER_VALUES: dict[tuple[str, str], frozenset[str]] = {
    ("n8n-nodes-base.webhook", "authentication"): frozenset(
        {"none", "basicAuth", "headerAuth", "jwtAuth"}
    ),
    ("n8n-nodes-base.webhook", "responseMode"): frozenset(
        {"onReceived", "lastNode", "responseNode"}
    ),
    ("n8n-nodes-base.removeDuplicates", "operation"): frozenset(
        {
            "removeDuplicateInputItems",
            "removeItemsSeenInPreviousExecutions",
            "clearDeduplicationHistory",
        }
    ),
    ("n8n-nodes-base.wait", "unit"): frozenset({"seconds", "minutes", "hours", "days"}),
    ("n8n-nodes-base.respondToWebhook", "respondWith"): frozenset(
        {
            "allIncomingItems",
            "firstIncomingItem",
            "json",
            "text",
            "noData",
            "binary",
            "redirect",
            "jwt",
        }
    ),
    ("n8n-nodes-base.switch", "mode"): frozenset({"rules", "expression"}),
    ("n8n-nodes-base.httpRequest", "specifyBody"): frozenset({"keypair", "json"}),
}
# Parameters whose n8n default is wrong for these workflows: they must be set explicitly.
REQUIRED_PARAMETERS: dict[str, tuple[str, ...]] = {
    "n8n-nodes-base.wait": ("amount", "unit"),  # the unit defaults to hours
    "n8n-nodes-base.removeDuplicates": ("operation",),  # defaults to within-one-input only
    "n8n-nodes-base.webhook": ("httpMethod", "path", "responseMode"),
}
TRIGGER_TYPES = {
    "n8n-nodes-base.webhook",
    "n8n-nodes-base.manualTrigger",
    "n8n-nodes-base.scheduleTrigger",
}
# Output count of nodes with more than one output (Switch: one per rule + fallback).
FIXED_OUTPUTS = {"n8n-nodes-base.if": 2}

CONFIG_BASE = re.compile(
    r"^=\{\{\s*\$\('(?P<node>Config[^']*)'\)\.first\(\)\.json\.apiBaseUrl\s*\}\}"
)
EXPRESSION = re.compile(r"\{\{.*?\}\}")
SECRET_PATTERNS = {
    "triage API key": re.compile(r"trg_[A-Za-z0-9]+_[A-Za-z0-9_-]{20,}"),
    "bearer token": re.compile(r"Bearer\s+[A-Za-z0-9._~+/-]{12,}", re.IGNORECASE),
    "token in a URL": re.compile(r"[?&](token|api_key|apikey|key)=[^&\s\"{<]+", re.IGNORECASE),
    "slack token": re.compile(r"xox[abpr]-[A-Za-z0-9-]+"),
    "password field": re.compile(r"\"password\"\s*:\s*\"[^\"]+\"", re.IGNORECASE),
    "user:password@ in a URL": re.compile(r"https?://[^/\s\"]+:[^@/\s\"]+@"),
}


def _workflow_paths() -> list[Path]:
    return sorted(WORKFLOW_DIR.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _nodes(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = workflow["nodes"]
    return nodes


def _http_nodes() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in _workflow_paths():
        for node in _nodes(_load(path)):
            if node["type"] == "n8n-nodes-base.httpRequest":
                yield f"{path.name}:{node['name']}", node


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    """The OpenAPI schema of the real app (the routes n8n can call)."""
    from service.api import create_app

    app: FastAPI = create_app(Settings(), configure_logs=False)
    return app.openapi()


def _path_matches(template: str, concrete: str) -> bool:
    pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
    return re.match(pattern, concrete) is not None


def _api_path(url: str) -> tuple[str, str]:
    """(Config node name, path with every expression replaced by a placeholder)."""
    match = CONFIG_BASE.match(url)
    assert match, f"URL must start with the Config node's apiBaseUrl expression: {url!r}"
    rest = url[match.end() :]
    return match.group("node"), EXPRESSION.sub("X", rest).split("?", 1)[0]


def test_examples_hold_the_three_documented_workflows() -> None:
    assert {p.name for p in _workflow_paths()} == EXPECTED_FILES


@pytest.mark.parametrize("path", _workflow_paths(), ids=lambda p: p.name)
def test_workflow_is_importable_json_with_named_unique_nodes(path: Path) -> None:
    workflow = _load(path)
    assert isinstance(workflow.get("name"), str) and workflow["name"]
    assert isinstance(workflow.get("connections"), dict)
    nodes = _nodes(workflow)
    names = [n["name"] for n in nodes]
    ids = [n["id"] for n in nodes]
    assert len(set(names)) == len(names), "node names must be unique (connections use them)"
    assert len(set(ids)) == len(ids), "node ids must be unique"
    for node in nodes:
        position = node["position"]
        assert isinstance(node["parameters"], dict), node["name"]
        assert len(position) == 2 and all(isinstance(v, int | float) for v in position)
    assert any(n["type"] in TRIGGER_TYPES for n in nodes), "a workflow needs a trigger node"


@pytest.mark.parametrize("path", _workflow_paths(), ids=lambda p: p.name)
def test_every_node_is_a_known_core_type_with_a_real_version(path: Path) -> None:
    for node in _nodes(_load(path)):
        versions = KNOWN_NODE_VERSIONS.get(node["type"])
        assert versions is not None, f"{node['name']}: unknown node type {node['type']!r}"
        assert node["typeVersion"] in versions, (
            f"{node['name']}: {node['type']} has no version {node['typeVersion']} "
            f"(n8n 2.8.4 knows {sorted(versions)})"
        )


@pytest.mark.parametrize("path", _workflow_paths(), ids=lambda p: p.name)
def test_node_parameters_use_values_n8n_knows(path: Path) -> None:
    for node in _nodes(_load(path)):
        params = node["parameters"]
        for name in REQUIRED_PARAMETERS.get(node["type"], ()):
            assert name in params, f"{node['name']}: set {name!r} explicitly"
        for (node_type, name), allowed in KNOWN_PARAMETER_VALUES.items():
            if node["type"] == node_type and name in params:
                assert params[name] in allowed, f"{node['name']}: {name}={params[name]!r}"


@pytest.mark.parametrize("path", _workflow_paths(), ids=lambda p: p.name)
def test_connections_join_existing_nodes_through_existing_outputs(path: Path) -> None:
    workflow = _load(path)
    by_name = {n["name"]: n for n in _nodes(workflow)}
    reached: set[str] = set()
    for source, kinds in workflow["connections"].items():
        assert source in by_name, f"connection from unknown node {source!r}"
        outputs = kinds["main"]
        node = by_name[source]
        if node["type"] == "n8n-nodes-base.switch":
            rules = node["parameters"]["rules"]["values"]
            extra = node["parameters"].get("options", {}).get("fallbackOutput") == "extra"
            limit = len(rules) + int(extra)
        else:
            limit = FIXED_OUTPUTS.get(node["type"], 1)
        assert len(outputs) <= limit, (
            f"{source} has {limit} output(s), connections use {len(outputs)}"
        )
        for targets in outputs:
            for target in targets:
                assert target["node"] in by_name, f"{source} -> unknown node {target['node']!r}"
                assert target["type"] == "main" and target["index"] == 0
                reached.add(target["node"])
    for name, node in by_name.items():
        if node["type"] not in TRIGGER_TYPES:
            assert name in reached, f"node {name!r} is never reached"


@pytest.mark.parametrize("path", _workflow_paths(), ids=lambda p: p.name)
def test_webhook_triggers_require_credentials(path: Path) -> None:
    for node in _nodes(_load(path)):
        if node["type"] == "n8n-nodes-base.webhook":
            auth = node["parameters"].get("authentication", "none")
            assert auth in {"basicAuth", "headerAuth"}, f"{node['name']} is open to anyone"
            assert node.get("webhookId"), f"{node['name']} needs a webhookId"
            assert node.get("credentials"), f"{node['name']} names no credential"


def test_every_http_node_calls_an_api_route_that_exists(openapi: dict[str, Any]) -> None:
    paths: dict[str, dict[str, Any]] = openapi["paths"]
    checked = 0
    for where, node in _http_nodes():
        params = node["parameters"]
        _config, path = _api_path(params["url"])
        method = params.get("method", "GET").lower()
        matches = [t for t in paths if _path_matches(t, path) and method in paths[t]]
        assert matches, f"{where}: {method.upper()} {path} is not in the API's OpenAPI schema"
        checked += 1
    assert checked >= 5, "every workflow calls the API; fewer HTTP nodes than expected"


@pytest.mark.parametrize("path", _workflow_paths(), ids=lambda p: p.name)
def test_http_base_url_comes_from_a_config_node_in_the_same_workflow(path: Path) -> None:
    nodes = _nodes(_load(path))
    names = {n["name"] for n in nodes}
    for node in nodes:
        if node["type"] == "n8n-nodes-base.httpRequest":
            config, _ = _api_path(node["parameters"]["url"])
            assert config in names, f"{node['name']} reads apiBaseUrl from missing node {config!r}"


def test_http_nodes_authenticate_with_a_header_auth_credential() -> None:
    for where, node in _http_nodes():
        params = node["parameters"]
        assert params.get("authentication") == "genericCredentialType", where
        assert params.get("genericAuthType") == "httpHeaderAuth", where
        credential = node.get("credentials", {}).get("httpHeaderAuth", {})
        assert credential.get("name"), f"{where}: names no header-auth credential"
        headers = params.get("headerParameters", {}).get("parameters", [])
        inline = [h for h in headers if h.get("name", "").lower() in {"authorization", "x-api-key"}]
        assert not inline, f"{where}: sends the key inline instead of through the credential"


@pytest.mark.parametrize("path", _workflow_paths(), ids=lambda p: p.name)
def test_workflow_files_hold_no_secrets(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [label for label, pattern in SECRET_PATTERNS.items() if pattern.search(text)]
    assert not found, f"{path.name} looks like it contains: {', '.join(found)}"
    for node in _nodes(_load(path)):
        for credential in node.get("credentials", {}).values():
            assert set(credential) <= {"id", "name"}, f"{node['name']}: inline credential data"


def test_secret_scan_catches_an_inline_key() -> None:
    """The scan above must not be a test that cannot fail."""
    leaked = '{"url": "http://x/v1/scan", "value": "Bearer trg_ab12_' + "x" * 30 + '"}'
    assert SECRET_PATTERNS["triage API key"].search(leaked)
    assert SECRET_PATTERNS["bearer token"].search(leaked)
    assert SECRET_PATTERNS["token in a URL"].search("http://h/v1/webhooks/odoo?token=s3cr3t")
    assert not SECRET_PATTERNS["token in a URL"].search("?token=<TRIAGE_WEBHOOK_TOKEN>")


def test_path_matching_respects_templates() -> None:
    assert _path_matches("/v1/tickets/{ticket_id}/triage", "/v1/tickets/X/triage")
    assert not _path_matches("/v1/tickets/{ticket_id}/triage", "/v1/tickets/X/summary")
    assert not _path_matches("/v1/jobs/{job_id}", "/v1/jobs/X/extra")

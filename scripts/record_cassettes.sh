#!/usr/bin/env bash
# Re-record the LLM cassettes in tests/cassettes/ against a real endpoint.
#
# CI replays cassettes only (record mode `none` when CI=true). To re-record:
#
#   Local llama.cpp (default; starts scripts/llm_server.sh on a free loopback port):
#     scripts/record_cassettes.sh
#   Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio...):
#     TRIAGE_RECORD_BASE_URL=http://127.0.0.1:11434/v1 TRIAGE_RECORD_MODEL=llama3.2 \
#       TRIAGE_RECORD_API_KEY=... scripts/record_cassettes.sh
#     (OpenAI: TRIAGE_RECORD_BASE_URL=https://api.openai.com/v1 TRIAGE_RECORD_MODEL=gpt-4o-mini)
#   TRIAGE_RECORD_OUTPUT_STRATEGY: `json_object` (default; llama-cpp-python's server only
#     knows {"type": "json_object", "schema": ...}) or `provider` (OpenAI json_schema with
#     strict: true: OpenAI, Azure, vLLM, Ollama) or `tool` (a forced output tool).
#   Azure OpenAI: set AZURE_OPENAI_ENDPOINT, OPENAI_API_VERSION and TRIAGE_RECORD_MODEL
#     (the deployment name) and TRIAGE_RECORD_API_KEY, then run this script.
#
# Secrets never reach the cassettes: auth headers are replaced and JSON bodies scrubbed
# (tests/agent/analysts/vcr_config.py); test_cassettes_hold_no_secret checks it.
# The endpoint's host is rewritten to http://llm.test, so cassettes replay anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER_PID=""
cleanup() { [ -n "${SERVER_PID}" ] && kill "${SERVER_PID}" 2>/dev/null || true; }
trap cleanup EXIT
if [ -z "${TRIAGE_RECORD_BASE_URL:-}" ] && [ -z "${AZURE_OPENAI_ENDPOINT:-}" ]; then
  PORT="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  scripts/llm_server.sh "${PORT}" > /tmp/triage-llm-server.log 2>&1 &
  SERVER_PID=$!
  export TRIAGE_RECORD_BASE_URL="http://127.0.0.1:${PORT}/v1"
  export TRIAGE_RECORD_MODEL="${TRIAGE_RECORD_MODEL:-gemma-3-270m}"
  for _ in $(seq 1 120); do
    curl -fsS "${TRIAGE_RECORD_BASE_URL}/models" >/dev/null 2>&1 && break
    kill -0 "${SERVER_PID}" || { cat /tmp/triage-llm-server.log; exit 1; }
    sleep 1
  done
fi
export TRIAGE_RECORD_API_KEY="${TRIAGE_RECORD_API_KEY:-sk-test-RECORDING-SECRET}"
rm -f tests/cassettes/llm_*.yaml
CI= TRIAGE_VCR_RECORD_MODE=all python -m pytest tests/agent/analysts/test_llm_cassettes.py -q -p no:cacheprovider "$@"
python -m pytest tests/agent/analysts/test_llm_cassettes.py -q -p no:cacheprovider  # replay check

#!/usr/bin/env bash
# Check examples/n8n/*.json in a real n8n (NOT run in CI: n8n is a 2.3 GB install).
#
#   scripts/check_n8n.sh          import every workflow into a throw-away n8n
#   scripts/check_n8n.sh --run    also execute the ticket-triage workflow against a demo
#                                 Odoo and the API started here on free loopback ports
#
# n8n 2.8.4 is the newest release that runs on Node 20; its install needs the npm override
# for xlsx (the original package is fetched from outside the registry). The install goes to
# $N8N_CHECK_DIR (default /tmp/n8n-check), outside the repository; it is reused next time.
# The Slack nodes are disabled in the executed copy: no traffic leaves this machine.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
N8N_DIR=${N8N_CHECK_DIR:-/tmp/n8n-check}
N8N_VERSION=2.8.4
RUN=0
[[ ${1:-} == "--run" ]] && RUN=1

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port, seconds: until something accepts connections on 127.0.0.1:port
  local deadline=$((SECONDS + $2))
  until python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1" 2>/dev/null; do
    if ((SECONDS > deadline)); then echo "error: $1 did not answer within $2 s" >&2; return 1; fi
    sleep 0.5
  done
}

if [[ ! -x "$N8N_DIR/node_modules/.bin/n8n" ]]; then
  echo "installing n8n@$N8N_VERSION into $N8N_DIR (about 5 minutes, 2.3 GB)"
  mkdir -p "$N8N_DIR"
  cat >"$N8N_DIR/package.json" <<EOF
{
  "name": "n8n-check",
  "private": true,
  "version": "0.0.0",
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "xlsx": "npm:@e965/xlsx@0.20.2" }
}
EOF
  (cd "$N8N_DIR" && nice -n 10 npm install --no-audit --no-fund)
fi

WORK=$(mktemp -d /tmp/n8n-check-run.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

export N8N_USER_FOLDER="$WORK/n8n"
export N8N_ENCRYPTION_KEY
N8N_ENCRYPTION_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
export N8N_RUNNERS_BROKER_PORT
N8N_RUNNERS_BROKER_PORT=$(free_port)
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_TEMPLATES_ENABLED=false N8N_PERSONALIZATION_ENABLED=false
export N8N_LOG_LEVEL=${N8N_LOG_LEVEL:-info}  # list and execute print through the logger
n8n() { nice -n 10 "$N8N_DIR/node_modules/.bin/n8n" "$@"; }

echo "n8n $(n8n --version) in $N8N_USER_FOLDER"
for file in "$REPO"/examples/n8n/*.json; do
  echo "import $(basename "$file")"
  n8n import:workflow --input="$file"
done
n8n list:workflow

((RUN)) || exit 0

# ---- execute the ticket-triage workflow against the demo Odoo and the API ----------------
ODOO_PORT=$(free_port)
API_PORT=$(free_port)
export ODOO_URL="http://127.0.0.1:$ODOO_PORT" ODOO_DB=demo ODOO_LOGIN=triage ODOO_PASSWORD=triage
export TRIAGE_LEDGER_URL="sqlite:///$WORK/ledger.sqlite3" TRIAGE_QUEUE_URL="sqlite:///$WORK/queue.sqlite3"
export TRIAGE_CHROMA_PATH="$WORK/chroma" TRIAGE_PUBLIC_URL="http://127.0.0.1:$API_PORT"

triage demo-odoo --port "$ODOO_PORT" >"$WORK/odoo.log" 2>&1 &
PIDS+=($!)
wait_port "$ODOO_PORT" 60 || { cat "$WORK/odoo.log"; exit 1; }
triage serve --port "$API_PORT" >"$WORK/api.log" 2>&1 &
PIDS+=($!)
wait_port "$API_PORT" 60 || { cat "$WORK/api.log"; exit 1; }
API_KEY=$(triage keys create --name n8n-check --scopes read,publish 2>/dev/null)

TICKET_ID=$(python3 - <<'EOF'
import json, os, urllib.request
body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
    "service": "object", "method": "execute_kw",
    "args": ["demo", 2, "admin", "helpdesk.ticket", "search", [[]], {"limit": 1, "order": "id"}]}}
req = urllib.request.Request(os.environ["ODOO_URL"] + "/jsonrpc", json.dumps(body).encode(),
                             {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=10))["result"][0])
EOF
)

python3 - "$WORK" "$API_KEY" <<'EOF'
import json, sys
work, key = sys.argv[1], sys.argv[2]
creds = [{"id": "triageApiKey", "name": "Triage API key", "type": "httpHeaderAuth",
          "data": {"name": "Authorization", "value": f"Bearer {key}"}}]
with open(f"{work}/credentials.json", "w") as fh:
    json.dump(creds, fh)
EOF
n8n import:credentials --input="$WORK/credentials.json"

python3 - "$REPO" "$WORK" "$API_PORT" "$TICKET_ID" <<'EOF'
import json, sys
repo, work, port, ticket = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
wf = json.load(open(f"{repo}/examples/n8n/helpdesk-ticket-triage.json"))
wf["id"] = "triageCheckRun01"
wf["name"] += " (check run)"
for node in wf["nodes"]:
    if node["name"] == "Config":
        for item in node["parameters"]["assignments"]["assignments"]:
            if item["name"] == "apiBaseUrl":
                item["value"] = f"http://127.0.0.1:{port}"
    if node["name"] == "Sample Odoo event":
        node["parameters"]["jsCode"] = node["parameters"]["jsCode"].replace("_id: 1,", f"_id: {ticket},")
    if node["type"] == "n8n-nodes-base.slack":
        node["disabled"] = True  # no traffic to Slack from here
json.dump(wf, open(f"{work}/ticket-run.json", "w"))
EOF
n8n import:workflow --input="$WORK/ticket-run.json"

echo "execute the ticket-triage workflow on ticket $TICKET_ID via http://127.0.0.1:$API_PORT"
n8n execute --id=triageCheckRun01 --rawOutput >"$WORK/execution.json"
python3 - "$WORK/execution.json" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
data = json.loads(text[text.index("{"):])
runs = data["data"]["resultData"]["runData"]
print("nodes run:", ", ".join(runs))
triage = runs["Triage ticket"][0]["data"]["main"][0][0]["json"]
rec = triage["recommendation"]
print(f"triage: status={triage['status']} analyst={triage['analyst']} recommendation #{rec['id']} "
      f"category={rec['output']['category']} priority={rec['output']['suggested_priority']} "
      f"sla={rec['output']['sla_status']}")
routed = [n for n in runs if n.startswith("Notify")]
print("routed to:", ", ".join(routed) or "(no notification: unchanged)")
EOF

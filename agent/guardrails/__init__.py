"""Guardrails around the LLM (OWASP Top 10 for LLM apps 2025: LLM01, LLM05, LLM06).

Pure code, no network. Import the module you need (they have different import costs):

- `readonly`: the tool allowlist the LLM agent's middleware enforces;
- `injection`: scored prompt-injection detector (a hit becomes a `security` finding);
- `spotlight`: fencing + datamarking of untrusted text, and the system notice;
- `pii`: redaction with stable placeholders, and restoration for rendering;
- `budget`: offline tiktoken counting, prompt trimming and cost estimates;
- `html`: sanitiser for the chatter HTML we post;
- `grounding`: refs, numbers, metrics and findings of an output vs what code computed.
"""

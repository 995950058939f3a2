"""Prompt templates as versioned files: the version is stored with every recommendation.

Each file is named `<job>.v<N>.md` and starts with a `version: <job>.v<N>` header line, so a
prompt change is a new file (or a bumped header) and outputs can be traced to the exact text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_HEADER = re.compile(r"^version:\s*(?P<version>\S+)\s*$")


class PromptNotFound(LookupError):
    """No prompt file for a job: add `agent/prompts/<job>.v1.md` with a `version:` header."""


class PromptMalformed(ValueError):
    """A prompt file lacks its `version:` first line, e.g. `version: summarize_project.v1`."""


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    text: str


def _candidates(name: str) -> list[str]:
    files = [p.name for p in resources.files(__package__).iterdir() if p.name.endswith(".md")]
    pattern = re.compile(rf"^{re.escape(name)}\.v(\d+)\.md$")
    found = [(int(m.group(1)), f) for f in files if (m := pattern.match(f))]
    return [f for _, f in sorted(found)]


@lru_cache(maxsize=32)
def load_prompt(name: str) -> Prompt:
    """Return the newest version of the prompt for `name` (a job name or `system`)."""
    files = _candidates(name)
    if not files:
        raise PromptNotFound(f"no prompt file for {name!r}: add agent/prompts/{name}.v1.md")
    raw = resources.files(__package__).joinpath(files[-1]).read_text(encoding="utf-8")
    first, _, body = raw.partition("\n")
    header = _HEADER.match(first)
    if header is None:
        raise PromptMalformed(f"{files[-1]}: first line must be 'version: {name}.vN'")
    return Prompt(name=name, version=header.group("version"), text=body.strip() + "\n")

from __future__ import annotations

import pytest

from agent.policy import Policy, load_policy


@pytest.fixture
def policy() -> Policy:
    return load_policy()

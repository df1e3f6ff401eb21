from __future__ import annotations

import pytest

from healthlint.engine import Engine
from healthlint.ruleset import load_ruleset


@pytest.fixture(scope="session")
def builtin_ruleset():
    return load_ruleset()


@pytest.fixture(scope="session")
def engine(builtin_ruleset):
    return Engine(builtin_ruleset)

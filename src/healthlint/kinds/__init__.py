"""The closed set of rule kinds. Adding a kind: one module and one entry here.

Each module defines OPTIONS (its rule-file keys), MESSAGE_FIELDS (names its
message template may use) and compile(rule) -> Check; see kinds/base.py.
"""
from __future__ import annotations

from types import ModuleType

from . import pattern, require, substitution

REGISTRY: dict[str, ModuleType] = {
    "pattern": pattern,
    "substitution": substitution,
    "require": require,
}

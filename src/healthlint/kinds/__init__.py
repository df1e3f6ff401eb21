"""The closed set of rule kinds. Adding a kind: one module and one entry here.

Each module defines OPTIONS (its rule-file keys), MESSAGE_FIELDS (names its
message template may use) and compile(rule) -> Check; see kinds/base.py.
Modules are imported when a rule of their kind is loaded, not before.
"""
from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = {
    "pattern": "pattern",  # phrases and regexes, exceptions, `unless`
    "substitution": "substitution",  # term -> preferred form, with a fix
    "require": "require",  # a trigger needs a statement somewhere in the document
    "repetition": "repetition",  # keyword stuffing: pasted search phrases
    "acronym": "acronym",  # abbreviation definitions and their misuse
    "structure": "structure",  # headings: empty sections, duplicates, skipped levels
    "readability": "readability",  # grade level per paragraph, long sentences
    "consistency": "consistency",  # one term spelled several ways
    "spelling": "spelling",  # close misspellings of medical terms
}


class _Registry(dict):
    def __missing__(self, name: str) -> ModuleType:
        if name not in _MODULES:
            raise KeyError(name)
        module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
        self[name] = module
        return module

    def __contains__(self, name) -> bool:
        return name in _MODULES

    def __iter__(self):
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


REGISTRY: dict[str, ModuleType] = _Registry()

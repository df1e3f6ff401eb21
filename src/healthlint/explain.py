"""`healthlint explain`: a rule's documentation, from the rule file itself.

The headings follow ruff's: what it does, why it matters, the authority,
fix safety, examples; then the kind's options with their values.
"""
from __future__ import annotations

import textwrap

from .kinds import REGISTRY
from .model import Rule

_FIX_SAFETY = {
    "safe": "safe: `--fix` applies it; the meaning of the text does not change.",
    "unsafe": "unsafe: applied only with `--unsafe-fixes`; read the result.",
    "suggestion": "suggestion only: never applied automatically, because it would change what the text says.",
}


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(" ".join(text.split()), width=88, initial_indent=indent, subsequent_indent=indent)


def explain_rule(rule: Rule) -> str:
    out = [f"{rule.id}  ({rule.category}, {rule.severity}, kind: {rule.kind}, scope: {', '.join(rule.scope)})", ""]
    if rule.opt_in:
        out += ["Opt-in: runs only when selected by its id (--select " + rule.id + ", or `select:` in the configuration).", ""]
    out += ["What it flags", _wrap(rule.description), ""]
    out += ["Why it matters", _wrap(rule.rationale), ""]
    out += ["Authority"] + [f"  - {ref.title}" + (f" <{ref.url}>" if ref.url else "") for ref in rule.references]
    out += ["", "Fix"]
    if rule.fix_applicability:
        out.append(_wrap(_FIX_SAFETY[rule.fix_applicability]))
        if rule.fix_suggestion:
            out.append(_wrap("Suggestion: " + rule.fix_suggestion))
    else:
        out.append("  none: rewrite the passage by hand.")
    kind = REGISTRY[rule.kind]
    doc = (kind.__doc__ or "").strip()
    out += ["", f"Kind `{rule.kind}`"] + ([_wrap(doc)] if doc else [])
    for name, option in kind.OPTIONS.items():
        value = rule.option(name)
        shown = _show(value)
        out.append(f"  {name}: {shown}" + (f"  ({option.help})" if option.help else ""))
    out += ["", "Examples that it flags"] + [f"  ✗ {_one_line(e.text)}" for e in rule.bad_examples]
    out += ["", "Examples that pass"] + [f"  ✓ {_one_line(e.text)}" for e in rule.good_examples]
    out += ["", f"Defined in {rule.path}"]
    return "\n".join(out)


def _one_line(text: str) -> str:
    return text.strip().replace("\n", " ⏎ ")


_SHOWN = 16  # items of a list or mapping option shown before "… (N in all)"


def _show(value) -> str:
    """An option value in one line: lists and maps shortened, term sets by their patterns."""
    from .kinds.base import Terms

    if value is None:
        return "(not set)"
    if isinstance(value, Terms):
        return _show(value.patterns)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Terms):
        return f"{_show(value[0])} (within: {value[1]})"  # `unless` and `when`: terms and a window
    if isinstance(value, tuple) and value and all(isinstance(item, tuple) and len(item) == 2 for item in value):
        shown = ", ".join(f"{key} → {item}" for key, item in value[:_SHOWN])
        return shown + (f", … ({len(value)} in all)" if len(value) > _SHOWN else "")
    if isinstance(value, (tuple, list)):
        shown = "; ".join(str(item) for item in value[:_SHOWN])
        return shown + (f"; … ({len(value)} in all)" if len(value) > _SHOWN else "")
    return str(value)

"""Loading rule files: strict validation, then compilation into Checks.

A rule file is one YAML mapping; its keys are the common keys below plus the
options of its kind (kinds/<kind>.py, OPTIONS). Anything unknown, missing or
malformed stops the run with the file, the line and the key.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import string
from dataclasses import dataclass, replace
from pathlib import Path

import regex

from . import pattern_cache, yamlsafe
from .kinds import REGISTRY
from .cache import builtin_rules_folder, cache_home, code_fingerprint, read_plain, write_quietly
from .kinds.base import TRUSTED_PATTERNS, Check, OptionError, Terms, check_regex
from .model import BLOCK_KINDS, CATEGORIES, FIX_APPLICABILITIES, SEVERITIES, Example, Reference, Rule
from .yamlsafe import Located, YamlError

REQUIRED_KEYS = ("id", "category", "severity", "message", "description", "rationale", "references", "kind", "examples")
OPTIONAL_KEYS = ("scope", "exceptions", "fix", "opt_in")
SCOPES = ("document", "sentence") + BLOCK_KINDS
ID_PATTERN = pattern_cache.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class RuleError(YamlError):
    """A rule file that cannot be used."""


@dataclass(frozen=True)
class RuleSet:
    """The rules of a run and their compiled checks, in the same order."""

    rules: tuple[Rule, ...]
    checks: tuple[Check, ...]

    def by_id(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def selected(self, select=(), ignore=()) -> "RuleSet":
        """Rules picked by id or category, less `ignore`; with no `select`, every
        rule but the opt-in ones, which run only when `select` names their id."""
        def named(rule: Rule, names) -> bool:
            return rule.id in names or rule.category in names

        def picked(rule: Rule) -> bool:
            if rule.opt_in:
                return rule.id in select
            return not select or named(rule, select)

        keep = [index for index, rule in enumerate(self.rules) if picked(rule) and not named(rule, ignore)]
        return RuleSet(tuple(self.rules[i] for i in keep), tuple(self.checks[i] for i in keep))


def builtin_rules_dir() -> Path:
    return Path(builtin_rules_folder())


def rule_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise RuleError(str(folder), 1, "no such folder of rules")
    return sorted(path for path in folder.rglob("*") if path.suffix in (".yaml", ".yml") and path.is_file())


def load_ruleset(extra_dirs=(), include_builtin: bool = True) -> RuleSet:
    folders = ([builtin_rules_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    pack = _pack_path(folders)
    rules = _read_pack(pack)
    if rules is not None:
        # Validated by this very code when the pack was written: the patterns
        # are known to compile, and are compiled when first used.
        token = TRUSTED_PATTERNS.set(True)
        try:
            return RuleSet(rules, tuple(compile_rule(rule) for rule in rules))
        finally:
            TRUSTED_PATTERNS.reset(token)
    ruleset = _load_rule_files(folders)
    _write_pack(pack, ruleset.rules)
    return ruleset


def _load_rule_files(folders: list[Path]) -> RuleSet:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for folder in folders:
        for path in rule_files(folder):
            rule = load_rule_file(path)
            if rule.id in seen and not _overrides(seen[rule.id], str(path)):
                raise RuleError(str(path), 1, f"rule id {rule.id!r} is already defined in {seen[rule.id]}", "id")
            seen[rule.id] = str(path)
            rules = [r for r in rules if r.id != rule.id] + [rule]
    return RuleSet(tuple(rules), tuple(compile_rule(rule) for rule in rules))


# ---- the compiled rule pack ----------------------------------------------------------------------------------------
#
# Reading and validating the YAML of the built-in pack is most of a one-file
# run's start-up. The rules it gives are kept in the user's cache folder, as
# plain data (marshal: reading it back runs no code), in a file named by the
# digest of this code and of every rule file's path and bytes: any change to
# either is another file, and a file that does not read back as rules is
# ignored and rewritten.

_PACK_VERSION = 2  # 2: containers without records are kept as they are
_RECORDS = {"Rule": Rule, "Reference": Reference, "Example": Example, "Terms": Terms}  # their fields, in order
_RECORD_TAG = "\0healthlint-record"
_PLAIN = frozenset((str, int, float, bool, type(None), bytes))  # kept in a pack as they are


def _pack_path(folders: list[Path]) -> str:
    from .cache import rules_fingerprint

    digest = hashlib.sha256(f"{_PACK_VERSION}\0{code_fingerprint()}\0{rules_fingerprint(folders)}".encode())
    return os.path.join(cache_home(), "packs", digest.hexdigest()[:40] + ".marshal")


def _read_pack(path: str) -> tuple[Rule, ...] | None:
    try:
        version, data = read_plain(path)
        if version != _PACK_VERSION:
            return None
        rules = tuple(_from_plain(item) for item in data)
    except (ValueError, TypeError, KeyError):  # missing (None), or not a pack of rules
        return None
    return rules if all(type(rule) is Rule for rule in rules) else None


def _write_pack(path: str, rules: tuple[Rule, ...]) -> None:
    import marshal

    try:
        data = marshal.dumps((_PACK_VERSION, tuple(_to_plain(rule) for rule in rules)))
    except (ValueError, TypeError):
        return  # an option value marshal cannot hold as it is: no pack, the files are read each time
    write_quietly(path, data)


def _to_plain(value):
    """The value as marshal can hold it. A record, and a container that holds one
    at any depth, becomes a tagged dict; every other container is kept as it is,
    so that reading the pack back walks only the few containers that hold
    records, not the thousands of phrases in the rules' options."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    name = kind.__name__
    if _RECORDS.get(name) is kind:
        names = kind._fields if issubclass(kind, tuple) else [field.name for field in dataclasses.fields(value)]
        return {_RECORD_TAG: name, "fields": tuple(_to_plain(getattr(value, field)) for field in names)}
    if kind in (tuple, list, frozenset):
        items = [_to_plain(item) for item in value]
        if not any(_tagged(item) for item in items):
            return kind(items)
        return {_RECORD_TAG: kind.__name__, "items": tuple(items)}
    if kind is dict:
        if _RECORD_TAG in value:
            raise ValueError("a key that marks records")
        pairs = [(_to_plain(key), _to_plain(item)) for key, item in value.items()]
        if not any(_tagged(key) or _tagged(item) for key, item in pairs):
            return dict(pairs)
        return {_RECORD_TAG: "dict", "items": tuple(pairs)}
    raise TypeError(f"cannot keep a {name} in the rule pack")


def _tagged(plain) -> bool:
    return type(plain) is dict and _RECORD_TAG in plain


_CONTAINERS = {"tuple": tuple, "list": list, "frozenset": frozenset, "dict": dict}


def _from_plain(value):
    if type(value) is not dict or _RECORD_TAG not in value:
        return value  # most of a pack: texts, numbers, flags and containers of them, as marshal gave them
    name = value[_RECORD_TAG]
    if name in _CONTAINERS:
        items = value["items"]
        if name == "dict":
            return {_from_plain(key): _from_plain(item) for key, item in items}
        return _CONTAINERS[name]([_from_plain(item) for item in items])
    return _RECORDS[name](*[_from_plain(item) for item in value["fields"]])


def _overrides(earlier: str, later: str) -> bool:
    """A user's folder may replace a built-in rule of the same id."""
    return Path(earlier).is_relative_to(builtin_rules_dir()) and not Path(later).is_relative_to(builtin_rules_dir())


def load_rule_file(path) -> Rule:
    path = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(path, 1, f"cannot read the rule file: {error}") from None
    try:
        data = yamlsafe.load(text, path)
    except YamlError as error:
        raise RuleError(error.path, error.line, error.detail, error.key) from None
    marker = _validation_marker(raw)
    token = TRUSTED_PATTERNS.set(os.path.exists(marker))
    try:
        rule = parse_rule(data, path)
    finally:
        TRUSTED_PATTERNS.reset(token)
    if not os.path.exists(marker):
        write_quietly(marker, b"")
    return rule


def _validation_marker(raw: bytes) -> str:
    """A file whose presence says: this code validated a rule file of these
    bytes, every regex in it included. Validation is deterministic, so the
    next run need not compile every pattern again to know they compile."""
    digest = hashlib.sha256(code_fingerprint().encode() + b"\0" + raw).hexdigest()
    return os.path.join(cache_home(), "validated", digest[:40])


def parse_rule(data, path: str) -> Rule:
    if not isinstance(data, Located):
        raise RuleError(path, getattr(data, "line", 1), "a rule file must hold one mapping")
    line = data.line_of

    def fail(key: str, message: str, at: int | None = None):
        raise RuleError(path, at or line(key), message, key)

    for key in REQUIRED_KEYS:
        if key not in data:
            fail(key, "is missing", data.line)
    kind_name = data["kind"]
    if kind_name not in REGISTRY:
        fail("kind", f"unknown kind {kind_name!r}; the kinds are {', '.join(REGISTRY)}")
    kind = REGISTRY[kind_name]
    for key in data:
        if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS and key not in kind.OPTIONS:
            fail(key, f"unknown key for a rule of kind {kind_name!r}")

    rule_id = data["id"]
    if not isinstance(rule_id, str) or not ID_PATTERN.match(rule_id):
        fail("id", "must be lower-case words joined by hyphens, such as 'absolute-safety'")
    stem = Path(path).stem
    if stem != rule_id:
        fail("id", f"must match the file name ({stem!r})")
    if data["category"] not in CATEGORIES:
        fail("category", f"must be one of {', '.join(CATEGORIES)}")
    if data["severity"] not in SEVERITIES:
        fail("severity", f"must be one of {', '.join(SEVERITIES)}")
    for key in ("message", "description", "rationale"):
        if not isinstance(data[key], str) or not data[key].strip():
            fail(key, "must be non-empty text")
    _check_template(data["message"], kind.MESSAGE_FIELDS, lambda m: fail("message", m))

    references = _references(data["references"], path, line("references"))
    scope = data.get("scope", ["sentence"])
    if isinstance(scope, str):
        scope = [scope]
    if not isinstance(scope, list) or not scope or any(s not in SCOPES for s in scope):
        fail("scope", f"must be one or more of {', '.join(SCOPES)}")

    exceptions = data.get("exceptions", [])
    if isinstance(exceptions, str):
        exceptions = [exceptions]
    if not isinstance(exceptions, list):
        fail("exceptions", "must be a list of regexes")
    for pattern in exceptions:
        try:
            check_regex(str(pattern))
        except OptionError as error:
            fail("exceptions", str(error))

    applicability, replacement, suggestion = _fix(data.get("fix"), path, line("fix"), kind.MESSAGE_FIELDS)

    options = []
    for name, option in kind.OPTIONS.items():
        if name not in data:
            if option.required:
                fail(name, f"is required for a rule of kind {kind_name!r}", data.line)
            options.append((name, option.default))
            continue
        try:
            options.append((name, option.check(data[name])))
        except OptionError as error:
            key = f"{name}.{error.key}" if error.key else name
            fail(key, str(error), line(name))

    opt_in = data.get("opt_in", False)
    if not isinstance(opt_in, bool):
        fail("opt_in", "must be true or false")
    bad, good = _examples(data["examples"], path, line("examples"))
    rule = Rule(
        id=rule_id,
        category=data["category"],
        severity=data["severity"],
        message=data["message"].strip(),
        description=data["description"].strip(),
        rationale=data["rationale"].strip(),
        references=references,
        scope=tuple(scope),
        kind=kind_name,
        options=tuple(options),
        exceptions=tuple(str(e) for e in exceptions),
        fix_applicability=applicability,
        fix_replacement=replacement,
        fix_suggestion=suggestion,
        bad_examples=bad,
        good_examples=good,
        path=path,
        opt_in=opt_in,
    )
    try:
        compile_rule(rule)
    except OptionError as error:
        fail(error.key or "kind", str(error))
    except regex.error as error:
        fail("kind", f"a pattern does not compile: {error}")
    return rule


# Loading a rule compiles it once to validate it; the rule set then reuses
# that Check instead of compiling every pattern a second time (compiling the
# pack's regexes is most of the start-up of a one-file run). Keyed by identity,
# holding the rule so that its id cannot be reused.
_COMPILED: dict[int, tuple[Rule, Check]] = {}


def compile_rule(rule: Rule) -> Check:
    known = _COMPILED.get(id(rule))
    if known is not None and known[0] is rule:
        return known[1]
    check = REGISTRY[rule.kind].compile(rule)
    if len(_COMPILED) > 10_000:
        _COMPILED.clear()
    _COMPILED[id(rule)] = (rule, check)
    return check


def with_options(rule: Rule, **overrides) -> Rule:
    """A copy of `rule` with some kind options replaced (validated by the kind)."""
    kind = REGISTRY[rule.kind]
    options = dict(rule.options)
    for name, value in overrides.items():
        if name not in kind.OPTIONS:
            raise OptionError(f"unknown option for a rule of kind {rule.kind!r}", key=name)
        try:
            options[name] = kind.OPTIONS[name].check(value)
        except OptionError as error:
            raise OptionError(str(error), key=f"{name}.{error.key}" if error.key else name) from None
    return replace(rule, options=tuple(options.items()))


def _check_template(template: str, allowed, fail) -> None:
    """Only plain {field} names: no attribute or index ({match.__class__}), no
    conversion and no format spec ({match:>999999999} would fill the memory)."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
                  if name is not None]
    except ValueError as error:
        fail(f"is not a valid template: {error}")
    for name, spec, conversion in fields:
        if name not in allowed:
            fail(f"uses {{{name}}}; it may use {', '.join('{' + a + '}' for a in allowed)}")
        if spec or conversion:
            fail(f"{{{name}}} must be written plain, without a format spec or conversion")


def _references(value, path: str, at: int) -> tuple[Reference, ...]:
    if not isinstance(value, list) or not value:
        raise RuleError(path, at, "must list at least one authority (title and url)", "references")
    references = []
    for item, item_line in zip(value, value.item_lines):
        if isinstance(item, str):
            references.append(Reference(item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            raise RuleError(path, item_line, "each reference needs a 'title'", "references")
        unknown = set(item) - {"title", "url"}
        if unknown:
            raise RuleError(path, item_line, "unknown key", f"references.{sorted(unknown)[0]}")
        references.append(Reference(item["title"], str(item.get("url", ""))))
    return tuple(references)


def _fix(value, path: str, at: int, fields) -> tuple[str | None, str | None, str | None]:
    if value is None:
        return None, None, None
    if not isinstance(value, dict):
        raise RuleError(path, at, "must be a mapping with 'applicability' and a 'replacement' or 'suggestion'", "fix")
    unknown = set(value) - {"applicability", "replacement", "suggestion"}
    if unknown:
        raise RuleError(path, value.line_of(sorted(unknown)[0]), "unknown key", f"fix.{sorted(unknown)[0]}")
    applicability = value.get("applicability")
    if applicability not in FIX_APPLICABILITIES:
        raise RuleError(path, value.line_of("applicability"), f"must be one of {', '.join(FIX_APPLICABILITIES)}",
                        "fix.applicability")
    replacement = value.get("replacement")
    suggestion = value.get("suggestion")
    if replacement is not None and not isinstance(replacement, str):
        raise RuleError(path, value.line_of("replacement"), "must be text", "fix.replacement")
    if suggestion is not None and not isinstance(suggestion, str):
        raise RuleError(path, value.line_of("suggestion"), "must be text", "fix.suggestion")
    for key, template in (("replacement", replacement), ("suggestion", suggestion)):
        if template is not None:
            def fail(message, key=key):
                raise RuleError(path, value.line_of(key), message, f"fix.{key}")
            _check_template(template, fields, fail)
    return applicability, replacement, suggestion


def _examples(value, path: str, at: int) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    if not isinstance(value, dict):
        raise RuleError(path, at, "must be a mapping with 'bad' and 'good' lists", "examples")
    unknown = set(value) - {"bad", "good"}
    if unknown:
        raise RuleError(path, value.line_of(sorted(unknown)[0]), "unknown key", f"examples.{sorted(unknown)[0]}")
    result = []
    for group in ("bad", "good"):
        items = value.get(group)
        if not isinstance(items, list) or len(items) < 2:
            raise RuleError(path, value.line_of(group), "needs at least two examples", f"examples.{group}")
        result.append(tuple(_example(item, item_line, path, group) for item, item_line in zip(items, items.item_lines)))
    return result[0], result[1]


def _example(item, item_line: int, path: str, group: str) -> Example:
    if isinstance(item, str):
        return Example(item)
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise RuleError(path, item_line, "an example is text or a mapping with 'text'", f"examples.{group}")
    allowed = {"text", "format"} | ({"positions", "fixed"} if group == "bad" else set())
    unknown = set(item) - allowed
    if unknown:
        key = sorted(unknown)[0]
        raise RuleError(path, item.line_of(key), "unknown key", f"examples.{group}.{key}")
    positions = []
    for position in item.get("positions", []) or []:
        if not (isinstance(position, list) and len(position) == 4 and all(isinstance(n, int) for n in position)):
            raise RuleError(path, item.line_of("positions"),
                            "each position is [line, column, end_line, end_column]", f"examples.{group}.positions")
        positions.append(tuple(position))
    fmt = item.get("format", "text")
    if fmt not in ("text", "markdown", "html"):
        raise RuleError(path, item.line_of("format"), "must be text, markdown or html", f"examples.{group}.format")
    fixed = item.get("fixed")
    return Example(item["text"], tuple(positions), fixed, fmt)


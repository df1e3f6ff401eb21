"""Project configuration: `.healthlint.yaml` or `[tool.healthlint]` in pyproject.toml.

Found by walking up from the linted path (the first folder that has either
file wins; `.healthlint.yaml` before pyproject.toml), or named with
`--config`. Every key is checked: an unknown key or a bad value stops the run
with the file, the line and the key. Command-line options override it.

    rules: [house-rules/]            # extra folders of rule files, relative to the file
    select: [safety-claim, evidence] # rules or categories; empty means all
    ignore: [readability]
    severity: {hype: info, absolute-safety: error}   # per rule or category
    options:                         # per rule: the kind's options
      stuffed-phrase: {keyphrases: {"kratom capsules": "3%"}}
    include: ["content/**/*.md"]     # globs, relative to the file's folder
    exclude: ["content/archive/**"]
    fail-on: warning
    overrides:                       # per-path settings, applied in order
      - files: ["legal/**"]
        ignore: [disclaimer]
"""
from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsafe
from .model import CATEGORIES, SEVERITIES
from .yamlsafe import Located, LocatedList, YamlError

CONFIG_FILE = ".healthlint.yaml"
PYPROJECT = "pyproject.toml"
_PER_PATH_KEYS = ("select", "ignore", "severity", "options")
_TOP_KEYS = ("rules", "include", "exclude", "fail-on", "overrides") + _PER_PATH_KEYS


class ConfigError(YamlError):
    """A configuration file that cannot be used."""


@dataclass(frozen=True)
class RuleSettings:
    """What decides which rules run on a file, and how."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # (rule id or category, severity)
    options: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()  # (rule id, ((option, value), ...))

    def merged(self, other: "RuleSettings") -> "RuleSettings":
        """`other` on top of self: its select replaces, its ignore adds, its mappings win per key."""
        options = dict(self.options)
        for rule_id, values in other.options:
            options[rule_id] = tuple({**dict(options.get(rule_id, ())), **dict(values)}.items())
        return RuleSettings(
            select=other.select or self.select,
            ignore=self.ignore + other.ignore,
            severity=tuple({**dict(self.severity), **dict(other.severity)}.items()),
            options=tuple(options.items()),
        )


@dataclass(frozen=True)
class Override:
    """Settings for the files that match some globs."""

    files: tuple[str, ...]
    settings: RuleSettings


@dataclass(frozen=True)
class Config:
    """A configuration file, read and validated (or the defaults, without one)."""

    path: str | None = None  # None: no configuration file
    root: str = "."  # the folder globs and rule folders are relative to
    rule_dirs: tuple[str, ...] = ()
    settings: RuleSettings = field(default_factory=RuleSettings)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: str | None = None
    overrides: tuple[Override, ...] = ()
    data: Located | None = field(default=None, compare=False, repr=False)  # for error lines

    def line_of(self, *keys: str) -> int:
        """The line of a nested key (e.g. "options", rule id), as near as it is known."""
        node, line = self.data, 1
        for key in keys:
            if not isinstance(node, Located) or key not in node:
                break
            line, node = node.line_of(key), node[key]
        return line

    def settings_for(self, path: str) -> RuleSettings:
        settings = self.settings
        if not self.overrides:
            return settings
        relative = self._relative(path)
        for override in self.overrides:
            if any(_glob_match(relative, pattern) for pattern in override.files):
                settings = settings.merged(override.settings)
        return settings

    def wants(self, path: str) -> bool:
        """Whether a file found by walking a folder is linted (include/exclude)."""
        relative = self._relative(path)
        if self.include and not any(_glob_match(relative, pattern) for pattern in self.include):
            return False
        return not any(_glob_match(relative, pattern) for pattern in self.exclude)

    def _relative(self, path: str) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:
            return Path(path).as_posix()


def _glob_match(relative: str, pattern: str) -> bool:
    """Globs as in .gitignore-style tools: `**` crosses folders, `*` does not."""
    pattern = pattern.lstrip("/")
    if "/" not in pattern:  # a bare name matches at any depth
        return fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], pattern)
    return _match_parts(relative.split("/"), pattern.split("/"))


def _match_parts(parts: list[str], pattern: list[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_match_parts(parts[index:], pattern[1:]) for index in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _match_parts(parts[1:], pattern[1:])


def find_config(start: str) -> str | None:
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_FILE).is_file():
            return str(candidate / CONFIG_FILE)
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_section(pyproject):
            return str(pyproject)
    return None


def _has_tool_section(pyproject: Path) -> bool:
    try:
        return "[tool.healthlint" in pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def load_config(path: str | None) -> Config:
    if path is None:
        return Config()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, 1, f"cannot read the configuration: {error}") from None
    if os.path.basename(path) == PYPROJECT:
        data = _from_pyproject(text, path)
    else:
        try:
            data = yamlsafe.load(text, path)
        except YamlError as error:
            raise ConfigError(error.path, error.line, error.detail, error.key) from None
        if data is None:
            data = Located()
    return parse_config(data, path)


def _from_pyproject(text: str, path: str) -> Located:
    """[tool.healthlint] as a Located mapping; TOML keys are located by the line they start on."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _line_from_message(str(error))
        raise ConfigError(path, line, f"not valid TOML: {error}") from None
    section = document.get("tool", {}).get("healthlint", {})
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("[tool.healthlint")), 0)
    return _locate(section, lines, start)


def _line_from_message(message: str) -> int:
    import re

    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 1


def _locate(value, lines: list[str], start: int):
    """Turn parsed TOML into Located data, finding each key's line below `start`."""
    if isinstance(value, dict):
        located = Located()
        located.line, located.key_lines = start + 1, {}
        for key, item in value.items():
            line = next((i for i in range(start, len(lines)) if _defines(lines[i], key)), start)
            located[key] = _locate(item, lines, line)
            located.key_lines[key] = line + 1
        return located
    if isinstance(value, list):
        located_list = LocatedList(_locate(item, lines, start) for item in value)
        located_list.line, located_list.item_lines = start + 1, [start + 1] * len(value)
        return located_list
    return value


def _defines(line: str, key: str) -> bool:
    stripped = line.strip()
    return stripped.startswith((f"{key} ", f"{key}=", f'"{key}"', f"[tool.healthlint.{key}]",
                                f'[tool.healthlint."{key}"]', f"{key}."))


def parse_config(data, path: str) -> Config:
    if not isinstance(data, Located):
        raise ConfigError(path, getattr(data, "line", 1), "the configuration must be a mapping")
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(path, data.line_of(key), f"unknown key; the keys are {', '.join(_TOP_KEYS)}", key)
    root = os.path.dirname(os.path.abspath(path))
    rule_dirs = tuple(os.path.join(root, d) for d in _names(data, "rules", path))
    for folder, name in zip(rule_dirs, _names(data, "rules", path)):
        if not os.path.isdir(folder):
            raise ConfigError(path, data.line_of("rules"), f"no such folder of rules: {name}", "rules")
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise ConfigError(path, data.line_of("fail-on"), f"must be one of {', '.join(SEVERITIES)}", "fail-on")
    overrides = []
    raw_overrides = data.get("overrides", [])
    if not isinstance(raw_overrides, list):
        raise ConfigError(path, data.line_of("overrides"), "must be a list of {files: [...], ...}", "overrides")
    for item in raw_overrides:
        if not isinstance(item, Located) or "files" not in item:
            raise ConfigError(path, getattr(item, "line", data.line_of("overrides")),
                              "each override needs 'files' (a list of globs)", "overrides")
        for key in item:
            if key != "files" and key not in _PER_PATH_KEYS:
                raise ConfigError(path, item.line_of(key), "unknown key in an override", f"overrides.{key}")
        overrides.append(Override(_names(item, "files", path), _rule_settings(item, path)))
    return Config(
        path=path,
        root=root,
        rule_dirs=rule_dirs,
        settings=_rule_settings(data, path),
        include=_names(data, "include", path),
        exclude=_names(data, "exclude", path),
        fail_on=fail_on,
        overrides=tuple(overrides),
        data=data,
    )


def _names(data: Located, key: str, path: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(path, data.line_of(key), "must be a list of names", key)
    return tuple(value)


def _rule_settings(data: Located, path: str) -> RuleSettings:
    severity = data.get("severity", Located())
    if not isinstance(severity, Located):
        raise ConfigError(path, data.line_of("severity"), "must map rule ids or categories to a severity",
                          "severity")
    for name, value in severity.items():
        if value not in SEVERITIES:
            raise ConfigError(path, severity.line_of(name), f"must be one of {', '.join(SEVERITIES)}",
                              f"severity.{name}")
    options = data.get("options", Located())
    if not isinstance(options, Located) or not all(isinstance(v, Located) for v in options.values()):
        raise ConfigError(path, data.line_of("options"), "must map rule ids to {option: value}", "options")
    return RuleSettings(
        select=_names(data, "select", path),
        ignore=_names(data, "ignore", path),
        severity=tuple(severity.items()),
        options=tuple((rule_id, tuple(values.items())) for rule_id, values in options.items()),
    )


def configured_ruleset(ruleset, settings: RuleSettings, config: Config):
    """The rule set with the settings applied: severities, options, then select and ignore."""
    from dataclasses import replace

    from .kinds.base import OptionError
    from .ruleset import RuleSet, compile_rule, with_options

    path = config.path or "<command line>"
    known = {rule.id for rule in ruleset.rules} | set(CATEGORIES)
    for key, names in (("select", settings.select), ("ignore", settings.ignore),
                       ("severity", [name for name, _ in settings.severity]),
                       ("options", [name for name, _ in settings.options])):
        for name in names:
            if name not in known:
                raise ConfigError(path, config.line_of(key, name), f"no rule or category named {name!r}", key)
    severity = dict(settings.severity)
    options = dict(settings.options)
    rules, checks = [], []
    for rule, check in zip(ruleset.rules, ruleset.checks):
        changed = rule
        wanted = severity.get(rule.id, severity.get(rule.category))
        if wanted and wanted != rule.severity:
            changed = replace(changed, severity=wanted)
        if rule.id in options:
            try:
                changed = with_options(changed, **dict(options[rule.id]))
            except OptionError as error:
                key = f"options.{rule.id}.{error.key}" if error.key else f"options.{rule.id}"
                raise ConfigError(path, config.line_of("options", rule.id, error.key or ""), str(error), key) from None
        try:
            checks.append(check if changed is rule else compile_rule(changed))
        except OptionError as error:
            raise ConfigError(path, config.line_of("options", rule.id), str(error), f"options.{rule.id}") from None
        rules.append(changed)
    return RuleSet(tuple(rules), tuple(checks)).selected(settings.select, settings.ignore)

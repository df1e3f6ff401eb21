"""Safe YAML loading that remembers where every key stood.

Rule and configuration files are read with PyYAML's safe composer only, and
only the standard scalar, sequence and mapping tags are accepted, so a file can
never construct an object or run code. Mappings come back as `Located` dicts
that know the line of each key, so that a validation error can name the file,
the line and the key.
"""
from __future__ import annotations

import yaml

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class YamlError(Exception):
    """A problem in a YAML file, located at a file, line and (optionally) key."""

    def __init__(self, path: str, line: int, message: str, key: str | None = None):
        self.path, self.line, self.key, self.detail = path, line, key, message
        where = f"{path}:{line}"
        what = f"key '{key}': " if key else ""
        super().__init__(f"{where}: {what}{message}")


class Located(dict):
    """A mapping that also holds the 1-based line of itself and of each key."""

    line: int = 1
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    line: int = 1
    item_lines: list


def load(text: str, path: str):
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(path, line, f"not valid YAML: {problem}") from None
    if node is None:
        return None
    return _convert(node, path)


def _convert(node, path: str):
    line = node.start_mark.line + 1
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
        raise YamlError(path, line, f"the tag {node.tag!r} is not allowed: only plain YAML data is read")
    if isinstance(node, yaml.MappingNode):
        result = Located()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(path, key_node.start_mark.line + 1, "merge keys ('<<') are not supported")
            key = _convert(key_node, path)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError(path, key_node.start_mark.line + 1, "mapping keys must be plain scalars")
            key = str(key)
            if key in result:
                raise YamlError(path, key_node.start_mark.line + 1, "duplicate key", key)
            result[key] = _convert(value_node, path)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = LocatedList(_convert(item, path) for item in node.value)
        result.line = line
        result.item_lines = [item.start_mark.line + 1 for item in node.value]
        return result
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value  # dates stay text: nothing here computes with them
    if node.tag not in _SCALAR_TAGS:
        raise YamlError(path, line, f"the tag {node.tag!r} is not allowed: only plain YAML data is read")
    return yaml.constructor.SafeConstructor().construct_object(node)

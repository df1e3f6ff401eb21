"""Safe YAML loading that remembers where every key stood.

Rule and configuration files are read with PyYAML's safe composer only, and
only the standard scalar, sequence and mapping tags are accepted, so a file can
never construct an object or run code. Mappings come back as `Located` dicts
that know the line of each key, so that a validation error can name the file,
the line and the key.
"""
from __future__ import annotations

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


# Far more than any rule or configuration needs, far less than an alias bomb
# ("billion laughs") expands to, or than Python's recursion allows.
MAX_VALUES = 100_000
MAX_DEPTH = 100


def load(text: str, path: str):
    # Imported here: a run that takes its rules from the compiled pack and has
    # no configuration file reads no YAML, and importing PyYAML costs ~10 ms.
    import yaml

    # libyaml's composer when PyYAML was built with it: the same nodes and
    # marks, several times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(path, line, f"not valid YAML: {problem}") from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise YamlError(path, 1, f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    if node is None:
        return None
    return _Converter(path, yaml).convert(node, 0)


class _Converter:
    """Plain data from a node graph, refusing tags, alias loops and alias bombs."""

    def __init__(self, path: str, yaml):
        self.path = path
        self.yaml = yaml
        self.values = 0
        self.open: set[int] = set()  # collections being converted: an alias to one is a loop

    def convert(self, node, depth: int):
        yaml, path, line = self.yaml, self.path, node.start_mark.line + 1
        self.values += 1
        if self.values > MAX_VALUES:
            raise YamlError(path, line, f"more than {MAX_VALUES} values once aliases are expanded")
        if depth > MAX_DEPTH:
            raise YamlError(path, line, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if node.tag not in _COLLECTION_TAGS:
                raise YamlError(path, line, f"the tag {node.tag!r} is not allowed: only plain YAML data is read")
            if id(node) in self.open:
                raise YamlError(path, line, "an alias refers to a value that contains it")
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, depth, line)
                result = LocatedList(self.convert(item, depth + 1) for item in node.value)
                result.line = line
                result.item_lines = [item.start_mark.line + 1 for item in node.value]
                return result
            finally:
                self.open.discard(id(node))
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay text: nothing here computes with them
        if node.tag not in _SCALAR_TAGS:
            raise YamlError(path, line, f"the tag {node.tag!r} is not allowed: only plain YAML data is read")
        try:
            return yaml.constructor.SafeConstructor().construct_object(node)
        except (ValueError, OverflowError) as error:  # an integer of 100,000 digits
            raise YamlError(path, line, f"not a usable value: {str(error)[:80]}") from None

    def _mapping(self, node, depth: int, line: int) -> Located:
        path = self.path
        result = Located()
        result.line, result.key_lines = line, {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(path, key_node.start_mark.line + 1, "merge keys ('<<') are not supported")
            key = self.convert(key_node, depth + 1)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlError(path, key_node.start_mark.line + 1, "mapping keys must be plain scalars")
            key = str(key)
            if key in result:
                raise YamlError(path, key_node.start_mark.line + 1, "duplicate key", key)
            result[key] = self.convert(value_node, depth + 1)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

"""Parsing JSON and YAML documents into plain JSON data, with errors that name file and line.

YAML is read with a strict loader tuned for JSON-compatible data (as the Overlay Specification
recommends): mapping keys are always strings (`200:` stays `"200"`), only `true`/`false` are
booleans, dates stay strings, and a duplicated key is an error rather than a silent overwrite.
Anchors and aliases are allowed, but the document they expand to is bounded
(`MAX_EXPANDED_NODES`): an alias bomb, where each level repeats the one before, is refused
before anything is built, instead of filling memory later when the data is copied.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from generator.errors import BadInputError

__all__ = [
    "MAX_EXPANDED_NODES",
    "JsonValue",
    "canonical_json",
    "copy_json",
    "escape_token",
    "json_pointer",
    "parse_document",
    "parse_json",
    "parse_yaml",
    "unescape_token",
]

JsonValue = Any
"""A value made only of dict, list, str, int, float, bool and None."""

MAX_EXPANDED_NODES = 1_000_000
"""The most nodes a YAML document may have once its aliases are expanded (the pinned spec,
as JSON, has ~60,000 values; an overlay a few hundred)."""


def _expanded_size(root: yaml.Node, source: str) -> int:
    """How many nodes the graph under `root` has with every alias written out; refuses loops.

    Iterative and memoized per node, so it costs one visit per distinct node however large the
    expansion is, and stops as soon as the bound is passed.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if not children_done:
            if key in open_nodes:
                raise BadInputError(
                    f"{source}: a YAML alias refers to itself; JSON cannot hold it."
                )
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(key)
        size = 1 + sum(sizes[id(child)] for child in children)
        if size > MAX_EXPANDED_NODES:
            mark = node.start_mark
            raise BadInputError(
                f"{source}:{mark.line + 1}:{mark.column + 1}: YAML anchors and aliases here "
                f"expand to more than {MAX_EXPANDED_NODES:,} values (an alias bomb?); refusing "
                f"to load the document. Write repeated parts out or repeat them fewer times."
            )
        sizes[key] = size
    return sizes[id(root)]


class _JsonCompatibleResolver(yaml.resolver.Resolver):
    """YAML 1.2-like implicit typing: no yes/no booleans, no timestamps, no sexagesimals."""


# A copy, never the base class's dict: mutating that would change PyYAML for the whole process.
_JsonCompatibleResolver.yaml_implicit_resolvers = {
    first_char: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first_char, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_JsonCompatibleResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _StrictConstruction(yaml.constructor.SafeConstructor):
    """Safe construction that rejects duplicate keys and stringifies scalar keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found a non-scalar key, which JSON cannot represent",
                    key_node.start_mark,
                )
            key = str(key_node.value)
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


_StrictConstruction.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:map", _StrictConstruction.construct_yaml_map
)


class _PureStrictLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _StrictConstruction,
    _JsonCompatibleResolver,
):
    """The strict loader over PyYAML's pure-Python parser."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _StrictConstruction.__init__(self)
        _JsonCompatibleResolver.__init__(self)


_StrictLoader: Any = _PureStrictLoader
try:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml: the pure-Python parser gives the same data
    pass
else:

    class _FastStrictLoader(CParser, _StrictConstruction, _JsonCompatibleResolver):
        """The same strict loader over libyaml's parser (several times faster, same results)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _StrictConstruction.__init__(self)
            _JsonCompatibleResolver.__init__(self)

    _StrictLoader = _FastStrictLoader


def copy_json(value: JsonValue) -> JsonValue:
    """A deep copy of JSON data (dicts, lists, scalars), much faster than `copy.deepcopy`."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def parse_yaml(text: str, source: str) -> JsonValue:
    """Parse YAML text into JSON data; `source` names the file in error messages."""
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _expanded_size(node, source)
            return _refuse_lone_surrogates(text, loader.construct_document(node), source)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = error.problem or error.context or "invalid YAML"
        raise BadInputError(f"{where}: malformed YAML: {problem}.") from None
    except yaml.YAMLError as error:
        raise BadInputError(f"{source}: malformed YAML: {error}.") from None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_lone_surrogates(text: str, value: JsonValue, source: str) -> JsonValue:
    """`value`, unless an escape in `text` decoded to half a UTF-16 pair, which no UTF-8 file
    (or generated module) can hold; checked only when the text has such an escape."""
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise BadInputError(
                f"{source}: holds a lone UTF-16 surrogate escape "
                f"({error.object[error.start : error.end]!r}), which is not a character; "
                f"fix the escape in the document."
            ) from None
    return value


def parse_json(text: str, source: str) -> JsonValue:
    """Parse JSON text; `source` names the file in error messages."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInputError(
            f"{source}:{error.lineno}:{error.colno}: malformed JSON: {error.msg}."
        ) from None
    return _refuse_lone_surrogates(text, value, source)


def parse_document(data: bytes, source: str) -> JsonValue:
    """Parse a JSON or YAML document, chosen by the file name, from raw bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInputError(f"{source}: not UTF-8 text (byte {error.start}).") from None
    if source.endswith(".json"):
        return parse_json(text, source)
    return parse_yaml(text, source)


def canonical_json(value: JsonValue) -> bytes:
    """Serialize JSON data independently of key order, for hashing and comparison."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def escape_token(token: str | int) -> str:
    """One reference token of an RFC 6901 JSON Pointer (`~` → `~0`, `/` → `~1`)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """The name an escaped JSON Pointer token stands for."""
    return token.replace("~1", "/").replace("~0", "~")


def json_pointer(*tokens: str | int) -> str:
    """The JSON Pointer made of `tokens` (names and indices from the root), each escaped."""
    return "".join(f"/{escape_token(token)}" for token in tokens)

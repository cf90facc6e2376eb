"""Hypothesis strategies that produce wire JSON for any schema of the patched spec.

The payloads are what a server could send: required fields always, optional ones sometimes,
unknown extra fields, unknown union variants and enum values, emoji/CJK/combining text, huge
integers and deep nesting inside free-form objects. They are canonical JSON (int64 strings have
no leading zeros), so a round-trip must reproduce them exactly.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

PIECES = [*"abcXYZ019 _-.:/\n\"'\\", "é", "ß", "漢", "字", "😀", "👍🏽", "e\u0301", "\u200d", "ä"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
"""Short strings mixing ASCII, escapes, CJK, emoji (with skin tones), combining marks and ZWJ."""
KEYS = st.text(alphabet=st.sampled_from(list("abcdefxyz_")), min_size=3, max_size=8).map(
    lambda key: f"x_{key}"
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    TEXT,
)
FREE_JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(KEYS, children, max_size=3)
    ),
    max_leaves=12,
)


class SchemaJson:
    """Builds strategies for schemas of one (normalized) spec."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = spec["components"]["schemas"]

    def for_name(self, name: str, depth: int = 0) -> st.SearchStrategy[Any]:
        return self.for_schema(self.schemas[name], depth)

    def for_schema(self, schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
        if not isinstance(schema, dict):
            return FREE_JSON
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return st.deferred(lambda: self.for_name(name, depth + 1))
        options = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(options, list):
            branches = [self.for_schema(option, depth + 1) for option in options]
            if "discriminator" in schema:
                tag = schema["discriminator"]["propertyName"]
                branches.append(self._unknown_variant(tag, schema["discriminator"]["mapping"]))
            return st.one_of(branches)
        if isinstance(schema.get("enum"), list):
            values = [value for value in schema["enum"]]
            if len(values) == 1:
                return st.just(values[0])
            aliases = set(schema.get("x-wire-aliases") or {})
            unknown = st.text(alphabet=st.sampled_from(list("qrstuvw_")), min_size=4, max_size=10)
            return st.one_of(st.sampled_from(values), unknown.filter(lambda v: v not in aliases))
        kind = schema.get("type")
        if kind == "string":
            if schema.get("format") == "int64":
                return st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str)
            return TEXT
        if kind == "integer":
            return st.integers(min_value=-(2**40), max_value=2**40)
        if kind == "number":
            return st.floats(allow_nan=False, allow_infinity=False, width=64)
        if kind == "boolean":
            return st.booleans()
        if kind == "array":
            size = 0 if depth > 6 else 3
            return st.lists(self.for_schema(schema.get("items"), depth + 1), max_size=size)
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth)
        return FREE_JSON

    def _unknown_variant(self, tag: str, mapping: dict[str, str]) -> st.SearchStrategy[Any]:
        unknown_tags = st.text(alphabet=st.sampled_from(list("klmnop_")), min_size=4, max_size=9)
        return st.builds(
            lambda value, extra: {tag: value, **extra},
            unknown_tags.filter(lambda value: value not in mapping),
            st.dictionaries(KEYS, FREE_JSON, max_size=3),
        )

    def _object(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        properties: dict[str, Any] = schema.get("properties") or {}
        required = [name for name in schema.get("required") or [] if name in properties]
        optional = [name for name in sorted(properties) if name not in required]
        extra = schema.get("additionalProperties")
        if not properties:
            if isinstance(extra, dict) and extra and set(extra) != {"description"}:
                return st.dictionaries(KEYS, self.for_schema(extra, depth + 1), max_size=3)
            return st.dictionaries(KEYS, FREE_JSON, max_size=3)
        fixed = {name: self.for_schema(properties[name], depth + 1) for name in required}
        chosen = (
            st.just([])
            if depth > 5
            else st.lists(st.sampled_from(optional), unique=True)
            if optional
            else st.just([])
        )

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            value = {name: draw(strategy) for name, strategy in fixed.items()}
            for name in draw(chosen):
                value[name] = draw(self.for_schema(properties[name], depth + 1))
            for key, item in draw(st.dictionaries(KEYS, FREE_JSON, max_size=2)).items():
                value.setdefault(key, item)
            return value

        return build()

"""The table of every operation of the current target, from the generator's intermediate model.

Tests that call each operation through the generated client (the loopback wire test, the Prism
contract test) iterate this table; it is built from the same IR the client was generated from,
so the generated package itself carries no table used only by tests.
"""

from __future__ import annotations

from functools import cache

from generator.ir.api import build_api
from generator.ir.model import Operation, Parameter
from tests.generated.conftest import patched_target

__all__ = ["OPERATIONS", "path_parameters", "query_parameters", "request_schema"]


@cache
def _table() -> dict[str, Operation]:
    api = build_api(patched_target("current"), "2026-05-20")
    return {f"{op.resource_path}.{op.method_name}": op for op in api.operations}


OPERATIONS = _table()
"""`"resource.method"` → the operation, for every operation of the current target."""


def path_parameters(operation: Operation) -> tuple[Parameter, ...]:
    """The parameters substituted into the path template."""
    return tuple(p for p in operation.parameters if p.location == "path")


def query_parameters(operation: Operation) -> tuple[Parameter, ...]:
    """The parameters sent in the query string."""
    return tuple(p for p in operation.parameters if p.location == "query")


def request_schema(operation: Operation) -> str | None:
    """The one request schema of an operation (None without a body)."""
    return operation.request_schemas[0] if operation.request_schemas else None

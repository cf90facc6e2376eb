"""The intermediate model of the API: what the templates render, computed entirely in Python.

Everything here is a frozen dataclass built by `build.py` and sorted deterministically, so the
rendered output depends on the spec's content, never on its key order. Names are already Python
names; types are already Python type expressions.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Api", "Operation", "Parameter"]


@dataclass(frozen=True)
class Parameter:
    """A path, query or header parameter of one operation."""

    wire_name: str
    python_name: str
    location: str
    required: bool
    type_hint: str
    description: str


@dataclass(frozen=True)
class Operation:
    """One HTTP operation, placed in a resource group and given a method name."""

    operation_id: str
    resource: tuple[str, ...]
    method_name: str
    http_method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    request_schema: str | None
    response_schema: str | None
    streams: bool

    @property
    def resource_path(self) -> str:
        """The dotted attribute path from the client, e.g. `environments.files`."""
        return ".".join(self.resource)


@dataclass(frozen=True)
class Api:
    """The whole API as the client generator sees it."""

    title: str
    spec_version: str
    openapi_version: str
    base_url: str
    api_revision: str | None
    operations: tuple[Operation, ...]
    schema_names: tuple[str, ...]

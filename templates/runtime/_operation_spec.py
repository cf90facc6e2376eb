"""The description of one API operation, as the generated operation table records it.

The table in `_operations.py` lists every operation of the API with its HTTP method, path
template and parameters, so tooling and the resource modules can look operations up by name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OperationSpec", "ParameterSpec"]


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """A path, query or header parameter: its Python name and its name on the wire."""

    python_name: str
    wire_name: str
    location: str
    required: bool


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """One operation: where it lives on the client and how it goes on the wire."""

    operation_id: str
    resource: str
    method_name: str
    http_method: str
    path: str
    parameters: tuple[ParameterSpec, ...]
    request_schema: str | None
    response_schema: str | None
    streams: bool

    def path_parameters(self) -> tuple[ParameterSpec, ...]:
        """The parameters substituted into the path template."""
        return tuple(p for p in self.parameters if p.location == "path")

    def query_parameters(self) -> tuple[ParameterSpec, ...]:
        """The parameters sent in the query string."""
        return tuple(p for p in self.parameters if p.location == "query")

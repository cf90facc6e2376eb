"""What the upstream spec says about routes and requests, read without the generator.

The wire tests and the upstream contract check take their expectations from here, not from the
IR the client was generated from, so a mistake in an overlay (or in the IR) shows up as a
difference instead of being copied into the expectation. Every way the current target departs
from the upstream document on the wire is listed below with the overlay action and the fact
behind it; `tests/contract/test_upstream_contract.py` checks that the list and the overlays
agree, in both directions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.load.config import load_project_config
from generator.load.documents import parse_document
from generator.load.fetch import Fetcher
from generator.pipeline import read_inputs
from tests.conftest import PROJECT_ROOT

__all__ = [
    "ADDED_ROUTES",
    "INTENDED_DIFFERENCES",
    "Difference",
    "Route",
    "expected_route",
    "match_route",
    "overlay_actions",
    "upstream_routes",
    "upstream_spec",
]

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Route:
    """One upstream (or overlay-added) operation: its id, HTTP method and path template."""

    operation_id: str
    method: str
    path: str


@dataclass(frozen=True)
class Difference:
    """One intended way the target departs from the upstream spec on the wire."""

    overlay: str
    target: str
    fact: str


@cache
def upstream_spec() -> dict[str, Any]:
    """The current target's pinned spec exactly as Google publishes it (no overlays)."""
    config = load_project_config(PROJECT_ROOT)
    inputs = read_inputs(config, config.target("current"), Fetcher(PROJECT_ROOT, download=None))
    spec = json.loads(inputs.spec_bytes)
    assert isinstance(spec, dict)
    return spec


@cache
def overlay_actions() -> tuple[tuple[str, dict[str, Any]], ...]:
    """Every action of the current target's overlay files, as (file, action), in file order."""
    found = []
    for path in sorted((PROJECT_ROOT / "overlays" / "current").glob("*.yaml")):
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        document = parse_document(path.read_bytes(), relative)
        assert isinstance(document, dict)
        for action in document.get("actions") or []:
            found.append((relative, action))
    return tuple(found)


BINDINGS_SHAPES = "overlays/current/55-bindings-shapes.yaml"
TRANSPORT = "overlays/current/00-transport.yaml"
REQUIRED_FIELDS = "overlays/current/10-required-fields.yaml"

ADDED_ROUTES: dict[Route, Difference] = {
    Route(
        "CreateInteractionAuthToken",
        "POST",
        "/{api_version}/interactions/{interactionsId}/auth_tokens",
    ): Difference(BINDINGS_SHAPES, "$.paths", "W93"),
    Route(
        "DeleteInteractionAuthToken",
        "DELETE",
        "/{api_version}/interactions/{interactionsId}/auth_tokens/{auth_tokensId}",
    ): Difference(BINDINGS_SHAPES, "$.paths", "W93"),
}
"""Routes the overlays add to the upstream document (written out here, not read from them)."""


def upstream_routes() -> dict[str, Route]:
    """operationId → route, for every operation of the upstream document."""
    routes = {}
    for path, item in upstream_spec()["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                routes[operation["operationId"]] = Route(
                    operation["operationId"], method.upper(), path
                )
    return routes


def expected_route(operation_id: str) -> Route:
    """Where an operation must go: the upstream route, or one the overlays add (listed above)."""
    routes = upstream_routes()
    if operation_id in routes:
        return routes[operation_id]
    added = [route for route in ADDED_ROUTES if route.operation_id == operation_id]
    assert added, f"{operation_id} is neither upstream nor a listed overlay addition"
    return added[0]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template.replace("{api_version}", "v1beta"))
    regex = "".join(
        ("(?:.+)" if part == "{path}" else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(f"^{regex}$")


def match_route(method: str, path: str) -> Route | None:
    """The upstream or listed route a request with this method and (encoded) path hits."""
    candidates = [*upstream_routes().values(), *ADDED_ROUTES]
    hits = [r for r in candidates if r.method == method and _pattern(r.path).match(path)]
    # a literal segment beats a parameter (`/files/{path}` vs `/{id}`): the longest template
    return max(hits, key=lambda route: len(route.path), default=None)


REMOVED_FROM_ROUTES: dict[tuple[str, str], str] = {
    # `get()` sends no `stream` query flag: `alt=sse` selects streaming, and the flag failed
    # during a rollout (a request without it validates upstream too, so no difference is seen)
    (
        TRANSPORT,
        "$.paths['/{api_version}/interactions/{interactionsId}'].get.parameters"
        "[?@.name == 'stream']",
    ): "W94",
}
"""Each part of an upstream route an overlay removes: (overlay file, target) → the fact."""

INTENDED_DIFFERENCES: dict[tuple[str, ...], Difference] = {
    # authentication: upstream declares a Speakeasy `http`/`custom` scheme no tool can read
    ("header", "x-goog-api-key", "not declared by the upstream security scheme"): Difference(
        TRANSPORT, "$.components.securitySchemes", "W02"
    ),
    ("header", "api-revision", "not declared upstream"): Difference(TRANSPORT, "$", "W01"),
    # streaming: `alt=sse` selects SSE framing; the spec's flags alone do not
    ("query", "CreateInteraction", "alt"): Difference(
        TRANSPORT, "$.paths['/{api_version}/interactions'].post", "W03"
    ),
    ("query", "getInteractionById", "alt"): Difference(
        TRANSPORT, "$.paths['/{api_version}/interactions/{interactionsId}'].get", "W03"
    ),
    # cancel carries the empty object, which upstream does not declare
    ("body", "cancelInteractionById", "no request body declared upstream"): Difference(
        TRANSPORT, "$.paths['/{api_version}/interactions/{interactionsId}/cancel'].post", "W03"
    ),
    # upstream requires `steps` (not even a property) of a model interaction: a create sends none
    (
        "body",
        "CreateInteraction",
        "(root): no member of the union fits (AgentInteraction: 'agent' is a required property; "
        "ModelInteraction: 'steps' is a required property)",
    ): Difference(REQUIRED_FIELDS, "$.components.schemas.ModelInteraction.required", "W22"),
    # two endpoints the bindings call and the upstream document lacks
    **{
        ("route", route.method, route.path): difference
        for route, difference in ADDED_ROUTES.items()
    },
}
"""Each intended difference between our requests and the upstream spec → the overlay action
(file and target) and the fact behind it."""

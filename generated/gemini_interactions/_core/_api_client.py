# Copied from runtime/_core/_api_client.py by interactions-codegen; edit it there.
"""The clients' request cycle: body → model → rules → HTTP → typed result.

The generated resource methods describe one call (`Call`: method, path template, parameters,
body fields, the body and response schemas) and hand it to `SyncAPIClient.call` or
`AsyncAPIClient.call` (`_sync_api_client` is rewritten from `_async_api_client`), which

1. validate the body through its model (aliases normalized, flattened fields nested, unknown
   fields and values kept) and serialize it by wire name,
2. check the request rules of its schema (`rules.check_request`) before anything is sent,
3. send it with retries (see `_client_base`), and
4. parse the response into its model.

Models are imported on first use, so constructing a client stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from ._client_base import (
    ClientCore,
    PathParameter,
    RequestOptions,
    logger,
)
from ._errors import APIResponseValidationError, GeminiError, RequestValidationError
from ._limits import Deadline, nesting_error
from ._registry import features, generated
from ._request_checks import explain, given_models, request_problems, without_nulls
from ._retry import ResumePolicy
from ._values import Value

if TYPE_CHECKING:  # httpx loads with the first request
    import httpx

__all__ = ["Call", "StreamSpec", "parse_response"]


class Call(Value):
    """One operation call, as a generated method describes it."""

    __slots__ = (
        "absent_grace",
        "body",
        "body_schemas",
        "generates",
        "headers",
        "method",
        "omit",
        "path_parameters",
        "query",
        "response_schema",
        "structured",
        "template",
    )

    def __init__(
        self,
        method: str,
        template: str,
        path_parameters: tuple[PathParameter, ...] = (),
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        body_schemas: tuple[tuple[str, tuple[str, ...]], ...] = (),
        response_schema: str | None = None,
        generates: bool = False,
        structured: tuple[str, ...] = (),
        omit: tuple[str, ...] = (),
        absent_grace: float = 0.0,
    ) -> None:
        self.method = method
        self.template = template
        self.path_parameters = path_parameters
        self.query: Mapping[str, Any] = {} if query is None else query
        self.headers: Mapping[str, Any] = {} if headers is None else headers
        self.body = body
        self.body_schemas = body_schemas
        self.response_schema = response_schema
        self.generates = generates
        """A call that generates (`interactions.create`): its default read timeout is long."""
        self.structured = structured
        """Body fields that may hold a type to parse the answer into (structured output)."""
        self.omit = omit
        """Body fields checked like the others but not sent (a continuation hop's `input`,
        W98)."""
        self.absent_grace = absent_grace
        """Seconds during which a 403/404 answer is retried (`x-absent-grace`, fact W78)."""

    def changed(
        self,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        omit: tuple[str, ...] | None = None,
    ) -> Call:
        """This call with another query, body or omitted body fields (`omit`: checked, not sent);
        what is None stays as it is."""
        return Call(
            self.method,
            self.template,
            self.path_parameters,
            self.query if query is None else query,
            self.headers,
            self.body if body is None else body,
            self.body_schemas,
            self.response_schema,
            self.generates,
            self.structured,
            self.omit if omit is None else omit,
            self.absent_grace,
        )


class StreamSpec(Value):
    """How an operation streams (`x-streaming`) and how its stream resumes.

    `query` / `body` are added to the call to ask for SSE; the stream re-reads the interaction
    with `resume_template` (its id in `resume_path_parameter`), streaming again with
    `resume_query` plus `resume_parameter=<last event id>`.
    """

    __slots__ = (
        "body",
        "event_schema",
        "final_schema",
        "query",
        "resume_parameter",
        "resume_path_parameter",
        "resume_query",
        "resume_template",
    )

    def __init__(
        self,
        event_schema: str,
        final_schema: str,
        query: Mapping[str, Any],
        body: Mapping[str, Any],
        resume_template: str,
        resume_path_parameter: str,
        resume_query: Mapping[str, Any],
        resume_parameter: str,
    ) -> None:
        self.event_schema = event_schema
        self.final_schema = final_schema
        self.query = query
        self.body = body
        self.resume_template = resume_template
        self.resume_path_parameter = resume_path_parameter
        self.resume_query = resume_query
        self.resume_parameter = resume_parameter


def _stream_call(call: Call, spec: StreamSpec) -> Call:
    """`call` with its stream parameters, which only a streaming call sends: a plain `get` with
    `stream=false` in its query failed for hours during a rollout (fact W94)."""
    body = {**call.body, **spec.body} if call.body is not None and spec.body else call.body
    return call.changed(query={**call.query, **spec.query}, body=body)


def _status_call(spec: StreamSpec, interaction_id: str) -> Call:
    return Call(
        "GET",
        spec.resume_template,
        (PathParameter(spec.resume_path_parameter, interaction_id),),
        response_schema=None,
    )


def _resume_call(spec: StreamSpec, interaction_id: str, last_event_id: str | None) -> Call:
    query = {**spec.resume_query, spec.resume_parameter: last_event_id}
    return Call(
        "GET",
        spec.resume_template,
        (PathParameter(spec.resume_path_parameter, interaction_id),),
        query,
    )


def _resumed(spec: StreamSpec) -> StreamSpec:
    """The spec of a call that is already a resume call (nothing more to add)."""
    return StreamSpec(
        spec.event_schema,
        spec.final_schema,
        {},
        {},
        spec.resume_template,
        spec.resume_path_parameter,
        spec.resume_query,
        spec.resume_parameter,
    )


def _path_value(call: Call, name: str) -> str | None:
    return next((p.value for p in call.path_parameters if p.name == name), None)


@cache
def _types_module(package: str) -> Any:
    return generated(package, "types")


@cache
def _rules_module(package: str) -> Any:
    return generated(package, "rules")  # looked up once: import_module costs on every call


def _complete(package: str, name: str) -> None:
    """Complete the model `name` (or the models a union or alias `name` holds) after the models
    it needs, as its group's module lists them (`_BUILD_NEEDS`), each once: pydantic then
    generates every schema once, and only those of the models a call can meet. Deferred models
    completed one root at a time would generate the sub-models the roots share once per root
    (the request and the answer of `create` share 121 of their 125 models)."""
    group = _types_module(package)._HOMES.get(name)
    if group is None:
        return
    module = generated(package, f"_models.{group}")
    definition = getattr(module, name)
    if getattr(definition, "__pydantic_complete__", False):
        return
    for needed in module._BUILD_NEEDS.get(name, ()):
        _complete(package, needed)
    if isinstance(definition, type) and hasattr(definition, "model_rebuild"):
        definition.model_rebuild()


@cache
def _adapter(package: str, name: str) -> Any:
    from pydantic import TypeAdapter  # first call: a client is usable without it

    annotation = getattr(_types_module(package), name)
    # a model's own (deferred) schema first: the adapter then reuses it, and the model's
    # serializer (`to_dict`) comes with it, instead of each building the same schema again
    _complete(package, name)
    return TypeAdapter(annotation)


_parse_wire_json: Callable[..., Any] | None = None
"""`_tolerant.parse_wire_json`, imported with the first answer (it loads pydantic: a client is
usable without it), then kept here: a function-level import on every answer costs ~0.5 µs."""


def _load_parse_wire_json() -> Callable[..., Any]:
    global _parse_wire_json
    from ._tolerant import parse_wire_json

    _parse_wire_json = parse_wire_json
    return parse_wire_json


def parse_response(package: str, schema: str, response: httpx.Response) -> Any:
    """A successful answer's body as `schema`: never a bare pydantic or JSON error.

    A body that is not JSON raises `APIResponseValidationError` (status, content type, the first
    bytes, request id); JSON that breaks the schema is kept whole (see `_tolerant`). An empty body
    stands for `{}` only where the schema has no fields (`Empty`).
    """
    content = response.content
    annotation = getattr(_types_module(package), schema)
    if not content or content.isspace():  # (isspace stops at the first other byte: no copy)
        if getattr(annotation, "model_fields", None) == {}:
            content = b"{}"
        else:
            raise APIResponseValidationError(response, "the body is empty")
    parse_wire_json = _parse_wire_json or _load_parse_wire_json()

    def what() -> str:  # named only when the answer does not fit
        return f"the {schema} answer of {response.request.method} {response.request.url.path}"

    try:
        return parse_wire_json(_adapter(package, schema), annotation, content, what)
    except RecursionError:
        raise nesting_error(response.request, what()) from None
    except ValueError as error:  # json.loads: not JSON at all
        if "recursion limit" in str(error):  # pydantic's parser refuses deep nesting
            raise nesting_error(response.request, what()) from None
        raise APIResponseValidationError(response, f"invalid JSON: {error}") from None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    """A successful answer's JSON object, or `APIResponseValidationError`."""
    try:
        body = json.loads(response.content)
    except RecursionError:
        raise nesting_error(response.request, "the answer") from None
    except ValueError as error:
        raise APIResponseValidationError(response, f"invalid JSON: {error}") from None
    if not isinstance(body, dict):
        raise APIResponseValidationError(response, "the JSON is not an object")
    return body


def _wire_parser(package: str, schema: str, what: Callable[[Any], str]) -> Callable[[Any], Any]:
    """A parser of payloads the server sent as `schema` (see `_tolerant.parse_wire`)."""
    from ._tolerant import wire_parser

    return wire_parser(_adapter(package, schema), getattr(_types_module(package), schema), what)


def _deadline(options: RequestOptions | None, clock: Callable[[], float]) -> Deadline | None:
    """The total deadline of a call whose `timeout=` is a number (see `_limits.Deadline`)."""
    timeout = options.timeout if options is not None else None
    if isinstance(timeout, int | float) and not isinstance(timeout, bool):
        return Deadline(clock() + timeout, float(timeout), clock)
    return None


def _follow_up_options(options: RequestOptions | None) -> RequestOptions | None:
    """The options a stream's own follow-up requests (resumes, status reads) keep: the call's
    extra headers and timeout (query and body fields belong to the first request only)."""
    if options is None:
        return None
    return RequestOptions(extra_headers=options.extra_headers, timeout=options.timeout)


def _event_what(payload: Any) -> str:
    kind = payload.get("event_type") if isinstance(payload, dict) else None
    return f"a {kind or 'stream'} event"


def _final_what(payload: Any) -> str:
    return "the interaction accumulated from a stream"


def _warn_empty_signatures(body: Mapping[str, Any]) -> None:
    """Log a warning for replayed steps whose signature is empty (fact W82).

    Thought steps never warn: a normal answer's thought carries `"signature": ""` (W89, live),
    so every stateless replay of one would warn, while W82's failure is reported and was fixed
    server-side. An empty signature on any other step (a `function_call` carries a real one
    today, S8) still warns.
    """
    steps = body.get("input")
    if not isinstance(steps, list):
        return
    for index, step in enumerate(steps):
        if (
            isinstance(step, Mapping)
            and step.get("signature") == ""
            and step.get("type") != "thought"
        ):
            logger.warning(
                "input[%d] (a %s step) is replayed with an empty signature; the API has rejected "
                "the next turn in this case before",
                index,
                step.get("type", "unknown"),
            )


def _validate_body(
    package: str, schemas: tuple[tuple[str, tuple[str, ...]], ...], body: Mapping[str, Any]
) -> tuple[str, Any]:
    """The body as the first schema that has all its required fields and accepts it.

    A union body (`ModelInteraction | AgentInteraction`, tagged credential configs) is told apart
    by which required fields were given and, among tagged members, by the tag's value. Every
    refusal is a `RequestValidationError` naming the parameter: a required one that is missing
    (for the member the given fields point at), a value of the wrong shape, or a key that no
    field has (with the closest known name).
    """
    body = without_nulls(body)
    candidates = [name for name, required in schemas if _has_all(body, required)]
    if not candidates:
        raise _missing(schemas, body)
    first_error: Exception | None = None
    for name in candidates:
        try:
            model = _adapter(package, name).validator.validate_python(body)
        except RequestValidationError as error:  # a model the caller built refused its keys
            first_error = first_error or error
            continue
        except ValueError as error:  # pydantic's ValidationError (pydantic loads lazily)
            first_error = first_error or explain(error, name, body)
            continue
        untagged, unknown = request_problems(model, given_models(body))
        if untagged:  # W103, W104: no kind of the schema has that shape
            problems = tuple(problem for _, problem in untagged)
            raise RequestValidationError(
                "; ".join(problems), path=untagged[0][0], problems=problems
            )
        if unknown:
            problems = tuple(problem for _, problem in unknown)
            raise RequestValidationError(
                "; ".join(problems) + ". To send such a key as written anyway, use the "
                "model's with_extra(...) or the call's extra_body.",
                path=unknown[0][0],
                problems=problems,
            )
        return name, model
    assert first_error is not None
    raise first_error


def _has_all(body: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    """Whether every key of `keys` is set in `body` (a loop: `all()` of a generator costs
    a frame per key on every call)."""
    for key in keys:  # noqa: SIM110 (see the docstring)
        if body.get(key) is None:
            return False
    return True


def _article(name: str) -> str:
    return "an" if name[:1] in "AEIOU" else "a"


def _missing(
    schemas: tuple[tuple[str, tuple[str, ...]], ...], body: Mapping[str, Any]
) -> RequestValidationError:
    """The error for a body that has the required fields of no member."""

    def given(required: tuple[str, ...]) -> int:
        return sum(body.get(key) is not None for key in required)

    name, required = max(schemas, key=lambda item: given(item[1]))  # the first best match
    missing = [key for key in required if body.get(key) is None]
    others = [
        f"{_article(other)} {other} needs {', '.join(f'`{key}`' for key in keys)} instead"
        for other, keys in schemas
        if other != name and keys
    ]
    alternatives = f" ({'; '.join(others)})" if others else ""
    needs = ", ".join(f"`{key}`" for key in required)
    message = (
        f"`{missing[0]}` is required: {_article(name)} {name} needs {needs}{alternatives}"
        if len(missing) == 1
        else f"{', '.join(f'`{key}`' for key in missing)} are required: {_article(name)} {name} "
        f"needs {needs}{alternatives}"
    )
    return RequestValidationError(message, path=missing[0])


class _CallPreparation:
    """What both clients do before and after the HTTP exchange."""

    _package: str
    _core: ClientCore
    resume_policy: ResumePolicy = ResumePolicy()
    """How streams resume after a dropped connection (attempts, backoff, early-404 grace)."""

    def _prepare(
        self, call: Call, options: RequestOptions | None, *, streaming: bool = False
    ) -> httpx.Request:
        body: Any = None
        if call.body is not None:
            given = {key: value for key, value in call.body.items() if value is not None}
            hooks = features()
            for name in call.structured:  # a type to parse into travels as its JSON schema
                if hooks.is_output_type(given.get(name)):
                    given[name] = hooks.to_wire(given[name])
            if call.body_schemas:
                schema, model = _validate_body(self._package, call.body_schemas, given)
                body = model.to_dict()
                _rules_module(self._package).check_request(schema, body)
                hooks.check_body(schema, body)  # W105, lib/_builtin_continuation.py
                _warn_empty_signatures(body)
                for name in call.omit:
                    body.pop(name, None)
            else:
                body = given
        return self._core.build_request(
            call.method,
            call.template,
            path_parameters=call.path_parameters,
            query=call.query,
            body=body,
            headers=call.headers,
            options=options,
            timeout_kind="stream" if streaming else "generation" if call.generates else "default",
            body_is_json=bool(call.body_schemas),  # a validated body: the model's to_dict()
        )

    def _parse(self, call: Call, response: httpx.Response) -> Any:
        if call.response_schema is None:
            return None
        result = parse_response(self._package, call.response_schema, response)
        hooks = features()
        return hooks.attach(result, hooks.target_of(call.structured, call.body))

    def _final_parser(self, call: Call, spec: StreamSpec) -> Callable[[Any], Any]:
        parse = _wire_parser(self._package, spec.final_schema, _final_what)
        hooks = features()
        target = hooks.target_of(call.structured, call.body)
        return parse if target is None else lambda payload: hooks.attach(parse(payload), target)


def _start_request(
    client: _CallPreparation, start: Call, size: int, kind: str, options: RequestOptions | None
) -> httpx.Request:
    headers = {
        **start.headers,
        "x-goog-upload-protocol": "resumable",
        "x-goog-upload-command": "start",
        "x-goog-upload-header-content-length": str(size),
        "x-goog-upload-header-content-type": kind,
    }
    return client._prepare(
        Call(start.method, start.template, start.path_parameters, start.query, headers), options
    )


class _UploadSession(Value):
    __slots__ = ("core", "timeout", "url")

    def __init__(self, core: ClientCore, url: str, timeout: Any) -> None:
        self.core = core
        self.url = url
        self.timeout = timeout

    @classmethod
    def from_response(
        cls, core: ClientCore, request: httpx.Request, response: httpx.Response
    ) -> _UploadSession:
        import httpx

        url = response.headers.get("x-goog-upload-url")
        if not url:
            raise GeminiError(
                f"the upload session answer carried no X-Goog-Upload-URL header "
                f"({request.method} {request.url.copy_with(username=None, password=None)})"
            )
        try:
            absolute = str(request.url.join(url))
        except httpx.InvalidURL:
            raise GeminiError(f"the upload session URL is not a URL: {url[:200]!r}") from None
        if httpx.URL(absolute).scheme not in ("http", "https"):
            raise GeminiError(f"the upload session URL is not http(s): {url[:200]!r}")
        return cls(core, absolute, request.extensions.get("timeout"))

    def finish(self, payload: bytes) -> httpx.Request:
        """The request that sends `payload`. The key goes with it only when the session URL is
        on the configured origin (same scheme, host and port): an upload URL is a capability of
        its own, and another origin never gets the key."""
        import httpx

        headers = {
            "user-agent": self.core.user_agent,
            "x-goog-upload-command": "upload, finalize",
            "x-goog-upload-offset": "0",
            "content-type": "application/octet-stream",
        }
        if self.core.same_origin(self.url):
            headers.update(self.core.auth_headers())
        else:
            logger.debug("the upload session URL is on another origin: sent without the key")
        extensions = {"timeout": self.timeout} if self.timeout else {}
        return httpx.Request(
            "POST", self.url, headers=headers, content=payload, extensions=extensions
        )

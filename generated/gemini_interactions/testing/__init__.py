# Copied from runtime/testing/__init__.py by interactions-codegen; edit it there.
"""A fake Interactions API that behaves like the wire, for tests: in-process or over HTTP.

    fake = FakeGemini()
    fake.reply("Hello!")                           # what the model answers next
    client = fake.client()                         # a Client whose transport is the fake
    assert client.interactions.create(model="gemini-3.7-flash", input="hi").text()

    with fake.serve() as base_url:                 # the same fake as a server on 127.0.0.1
        ...

What it models (each from the facts the overlays cite): requests are checked as the API checks
them (`_wire`: unknown or camelCase keys, lists sent as objects, dead fields, the live request
rules; `_refusals`: the other live refusing facts, and the fake's fidelity list that
`generated/FAKE.md` lays out; every refusal names its facts in the error body); interactions are
stored and can be read back, chained with `previous_interaction_id` (a scripted function call is
only answered when this request declares the function — tools are not inherited, W20 — and
otherwise the request fails with a 400 naming `tools`, so a scripting mistake is loud), run in
the background on a clock the test advances (`advance()`; clients of `serve()` see it follow real
time, and a client re-reading an unfinished interaction on a clock nobody moves is told so),
cancel, and stream the event lifecycle of W87 with event ids a stream resumes after
(`last_event_id`); `store: false` gives empty ids and no event ids (W86). A
completed background interaction delivers a signed Standard Webhooks event to `on_webhook`
callbacks. Faults are queued: `fail()` (429 with `Retry-After`, 5xx), `cut_stream()`,
`refuse_mid_stream()` (a bare JSON line, W77), `delay()`, `mutate()` (a body that breaks the
schema), `early_not_found()` (W78), `refuse_stream_query()` (W94). `requests` records
everything that arrived.

Long answers come in hops (W98, `_fake_continuation`): `reply_in_hops()` scripts the hops,
`limit_output()` cuts every answer by an output budget per hop. A hop ends `requires_continuation`
with a `continuation_token`, streams carry checkpoint tokens on status updates, and a hop is
accepted only as W98 describes (the token's issuer as `previous_interaction_id` and no `input`,
or with `store: false` the original `input`); any other hop is refused naming the token.

Live sessions (W109, `testing._live`): `live` scripts WebSocket sessions and `live.serve()` serves
them on 127.0.0.1 (needs the `live` extra).

This module imports only the standard library and httpx; `import gemini_interactions` does not
load it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from ._continuation import Continuations, with_checkpoints
from ._events import DONE_FRAME, encode_event, function_call, image, stream_events, text
from ._events import cite as cite
from ._live import FakeLive

if TYPE_CHECKING:  # the clients load with the first `client()`, so the fake imports no pydantic
    from ..client import AsyncClient, Client
from ._events import thought as thought
from ._refusals import check_create
from ._schema import ROUTES
from ._wire import RefusalError, check_body, error_body

__all__ = [
    "WEBHOOK_SECRET",
    "FakeGemini",
    "FakeResponse",
    "RecordedRequest",
    "cite",
    "function_call",
    "image",
    "text",
    "thought",
]

_UPLOAD_PATH = "fake-upload-session"
_REQUEST_ID_HEADER = "x-goog-request-id"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"gemini-interactions-fake-secret").decode()
"""The secret the fake signs webhook deliveries with (pass your own to `FakeGemini`)."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    operation: str | None


@dataclass
class FakeResponse:
    """An answer: status, headers and body chunks; `cut` ends the body abruptly after them."""

    status: int
    headers: dict[str, str]
    chunks: list[bytes]
    cut: bool = False
    delay: float = 0.0
    dropped: bool = False
    """No answer at all: the connection closes after the request was read."""


@dataclass
class _Answer:
    steps: list[dict[str, Any]]
    status: str | None
    usage: dict[str, Any] | None
    duration: float
    hops: list[list[dict[str, Any]]] | None = None


@dataclass
class _Fault:
    dropped: bool = False
    status: int | None = None
    retry_after: float | None = None
    message: str = ""
    cut_after_events: int | None = None
    cut_after_bytes: int | None = None
    abrupt: bool = True
    refusal_after_events: int | None = None
    delay: float = 0.0
    mutate: Callable[[dict[str, Any]], Any] | None = None
    streams_only: bool = False
    raw: list[bytes] | None = None


@dataclass
class _Stored:
    interaction: dict[str, Any]
    request: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    finish_at: float | None = None
    final: dict[str, Any] | None = None
    visible_at: float = 0.0
    polled_at: float | None = None
    """The fake time of the last read that found it unfinished."""


class FakeGemini:
    """The fake API. All state is in memory; every method is safe to call from any thread."""

    def __init__(self, *, webhook_secret: str = WEBHOOK_SECRET, require_api_key: bool = True):
        self.webhook_secret = webhook_secret
        self.require_api_key = require_api_key
        self.requests: list[RecordedRequest] = []
        self.interactions: dict[str, _Stored] = {}
        self.auth_tokens: dict[str, str] = {}  # token hex → interaction id
        self.now = 0.0
        self.sleeps: list[float] = []
        self._answers: deque[_Answer] = deque()
        self._faults: deque[_Fault] = deque()
        self._webhooks: list[Callable[[dict[str, str], bytes], None]] = []
        self._ids = itertools.count(1)
        self._request_ids = itertools.count(0xFA4E0001)
        self._lock = threading.RLock()
        self._not_found_for = 0.0
        self.continuations = Continuations()
        self._refuse_stream_query = False
        self._real_mark = time.monotonic()
        self._caller = threading.local()  # whether the request being answered is on the clock
        self.live = FakeLive()
        """Live sessions over a real WebSocket (`testing._live`): script them, then
        `live.serve()`."""

    # -- scripting ------------------------------------------------------------------------------
    def reply(
        self,
        *steps: str | dict[str, Any],
        status: str | None = None,
        usage: dict[str, Any] | None = None,
        duration: float = 5.0,
    ) -> FakeGemini:
        """Queue the next answer: steps (a string is a text step), its status, how long a
        background run takes on the fake clock. Without a queued answer the fake echoes."""
        built = [text(step) if isinstance(step, str) else step for step in steps]
        with self._lock:
            self._answers.append(_Answer(built, status, usage, duration))
        return self

    def reply_in_hops(
        self, *hops: str | dict[str, Any] | Sequence[str | dict[str, Any]]
    ) -> FakeGemini:
        """Queue the next answer in hops (W98): each argument is one hop's steps (a string is a
        text step). Every hop but the last ends `requires_continuation` with a token."""
        built = [
            [text(hop) if isinstance(hop, str) else hop]
            if isinstance(hop, str | dict)
            else [text(step) if isinstance(step, str) else step for step in hop]
            for hop in hops
        ]
        flat = [step for hop in built for step in hop]
        with self._lock:
            self._answers.append(_Answer(flat, None, None, 5.0, hops=built))
        return self

    def limit_output(self, characters: int | None) -> FakeGemini:
        """Cut every later answer into hops of at most `characters` characters of text (W98's
        decode limit per request); None answers whole again. Background answers are not cut."""
        if characters is not None and characters < 1:
            raise ValueError("limit_output takes a positive number of characters, or None")
        self.continuations.budget = characters
        return self

    def reply_raw_stream(self, body: bytes, *, chunk_size: int = 65536) -> FakeGemini:
        """Serve exactly `body` (SSE bytes) to the next streaming request, in `chunk_size` pieces
        (for benchmarks and framing tests; nothing is checked or stored)."""
        chunks = [body[start : start + chunk_size] for start in range(0, len(body), chunk_size)]
        with self._lock:
            self._faults.append(_Fault(raw=chunks, streams_only=True))
        return self

    def fail(
        self, status: int, *, times: int = 1, retry_after: float | None = None, message: str = ""
    ) -> FakeGemini:
        """Answer the next `times` requests with `status` (and `Retry-After`, if given)."""
        with self._lock:
            for _ in range(times):
                self._faults.append(_Fault(status=status, retry_after=retry_after, message=message))
        return self

    def drop_connection(self, *, times: int = 1) -> FakeGemini:
        """Read the next `times` requests and close the connection without answering: the
        request may have been processed, so a client must not send a `create` again."""
        with self._lock:
            self._faults.extend(_Fault(dropped=True) for _ in range(times))
        return self

    def cut_stream(
        self,
        after_events: int | None = None,
        *,
        after_bytes: int | None = None,
        abrupt: bool = True,
    ) -> FakeGemini:
        """End the next stream after `after_events` events, or after `after_bytes` bytes of its
        body (anywhere, inside an event or a UTF-8 character too): abruptly (a dropped
        connection) or cleanly (the body simply ends)."""
        if (after_events is None) == (after_bytes is None):
            raise ValueError("cut_stream takes after_events or after_bytes (one of them)")
        with self._lock:
            self._faults.append(
                _Fault(
                    cut_after_events=after_events,
                    cut_after_bytes=after_bytes,
                    abrupt=abrupt,
                    streams_only=True,
                )
            )
        return self

    def refuse_mid_stream(self, after_events: int, message: str = "Request blocked.") -> FakeGemini:
        """Send a bare JSON error line after `after_events` events of the next stream (W77)."""
        with self._lock:
            self._faults.append(
                _Fault(refusal_after_events=after_events, message=message, streams_only=True)
            )
        return self

    def delay(self, seconds: float) -> FakeGemini:
        """Answer the next request after `seconds` of real time."""
        with self._lock:
            self._faults.append(_Fault(delay=seconds))
        return self

    def mutate(self, change: Callable[[dict[str, Any]], Any]) -> FakeGemini:
        """Pass the next JSON answer through `change` (to send a body that breaks the schema)."""
        with self._lock:
            self._faults.append(_Fault(mutate=change))
        return self

    def early_not_found(self, seconds: float = 3.0) -> FakeGemini:
        """A fresh background interaction answers 404 for `seconds` of fake time (W78)."""
        self._not_found_for = seconds
        return self

    def refuse_stream_query(self) -> FakeGemini:
        """Refuse a `stream` query parameter on a plain read from now on, as a backend rollout
        did for hours (W94, reported; without this the fake ignores it, as the API ignores
        unknown query parameters, W09)."""
        self._refuse_stream_query = True
        return self

    def advance(self, seconds: float) -> None:
        """Move the fake clock: background interactions whose time has come complete."""
        with self._lock:
            self.now += seconds
            for stored in self.interactions.values():
                self._settle(stored)

    def on_webhook(self, callback: Callable[[dict[str, str], bytes], None]) -> FakeGemini:
        """Call `callback(headers, body)` with every signed webhook delivery."""
        self._webhooks.append(callback)
        return self

    # -- ways in --------------------------------------------------------------------------------
    def transport(self, *, on_clock: bool = True) -> Any:
        """An httpx transport (sync and async) that answers from this fake. Its clients are on
        the fake's clock (they sleep with `sleep` or move it with `advance()`); a client that
        sleeps in real time passes `on_clock=False` and sees background work progress in real
        time, as every client of `serve()` does."""
        from ._transport import FakeTransport

        return FakeTransport(self, on_clock=on_clock)

    def sleep(self, seconds: float) -> None:
        """What the fake's clients sleep with: the fake's clock moves on, no time passes (each
        wait is recorded in `sleeps`: a retry's backoff, `Retry-After`, `wait()`'s polls)."""
        with self._lock:
            self.sleeps.append(seconds)
        self.advance(seconds)

    async def async_sleep(self, seconds: float) -> None:
        """`sleep` for an `AsyncClient`."""
        self.sleep(seconds)

    def client(self, **options: Any) -> Client:
        """A `Client` over this fake (`api_key="test"` unless given), on the fake's clock."""
        import httpx

        from .._core._sync_transport import SyncTransport
        from ..client import Client

        options.setdefault("api_key", "test")
        transport = SyncTransport(
            httpx.Client(transport=self.transport()), sleep=self.sleep, clock=self._clock
        )
        return Client(transport=transport, **options)

    def async_client(self, **options: Any) -> AsyncClient:
        """An `AsyncClient` over this fake, on the fake's clock."""
        import httpx

        from .._core._async_transport import AsyncTransport
        from ..client import AsyncClient

        options.setdefault("api_key", "test")
        transport = AsyncTransport(
            httpx.AsyncClient(transport=self.transport()), sleep=self.async_sleep, clock=self._clock
        )
        return AsyncClient(transport=transport, **options)

    def _clock(self) -> float:
        return self.now

    def serve(self) -> Any:
        """`with fake.serve() as base_url:` the fake as an HTTP server on 127.0.0.1."""
        from ._server import serve

        return serve(self)

    # -- answering ------------------------------------------------------------------------------
    def handle(
        self, method: str, url: str, headers: dict[str, str], body: bytes, *, on_clock: bool = False
    ) -> FakeResponse:
        """Answer one request (what both ways in call); every answer carries its request id in
        `x-goog-request-id`, as the API's do (W95). A request from a client that is not on the
        fake's clock (`on_clock=False`: over `serve()` or a bare `transport()`) first lets the
        real time since the last such request pass on the fake clock, so such a client sees
        background work progress in real time."""
        if not on_clock:
            self._follow_real_time()
        self._caller.on_clock = on_clock
        answer = self._handle(method, url, headers, body)
        with self._lock:
            request_id = f"{next(self._request_ids):016x}"
        answer.headers = {**answer.headers, _REQUEST_ID_HEADER: request_id}
        return answer

    def _follow_real_time(self) -> None:
        with self._lock:
            mark = time.monotonic()
            elapsed, self._real_mark = mark - self._real_mark, mark
        if elapsed > 0:
            self.advance(elapsed)

    def _handle(self, method: str, url: str, headers: dict[str, str], body: bytes) -> FakeResponse:
        parts = urlsplit(url)
        path = parts.path
        query = dict(parse_qsl(parts.query))
        lowered = {key.lower(): value for key, value in headers.items()}
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = body.decode("utf-8", errors="replace")
        operation, parameters, schemas = self._route(method, path)
        if path.startswith(f"/{_UPLOAD_PATH}/"):  # the second step of a resumable upload
            with self._lock:
                self.requests.append(RecordedRequest(method, path, query, lowered, None, "upload"))
            return _json(200, {"name": path.rsplit("/", 1)[-1], "size_bytes": str(len(body))})
        with self._lock:
            self.requests.append(RecordedRequest(method, path, query, lowered, payload, operation))
            fault = self._next_fault(streaming="alt" in query)
        if fault is not None and fault.dropped:
            return FakeResponse(0, {}, [], dropped=True)
        if fault is not None and fault.status is not None:
            return self._fault_answer(fault)
        if fault is not None and fault.raw is not None:
            return FakeResponse(200, {"content-type": "text/event-stream"}, fault.raw)
        try:
            origin = f"{parts.scheme}://{parts.netloc}"
            answer = self._answer(
                operation, parameters, schemas, query, lowered, payload, fault, origin
            )
        except RefusalError as refusal:
            answer = _json(
                refusal.status, error_body(refusal.status, refusal.message, refusal.facts)
            )
        if fault is not None:
            answer.delay = fault.delay
            if fault.mutate is not None and answer.status < 300 and answer.chunks:
                changed = fault.mutate(json.loads(b"".join(answer.chunks)))
                answer.chunks = [json.dumps(changed).encode()]
        return answer

    def _next_fault(self, *, streaming: bool) -> _Fault | None:
        if not self._faults:
            return None
        if self._faults[0].streams_only and not streaming:
            return None
        return self._faults.popleft()

    @staticmethod
    def _fault_answer(fault: _Fault) -> FakeResponse:
        status = fault.status or 500
        message = fault.message or {429: "Resource has been exhausted."}.get(
            status, "The service is currently unavailable."
        )
        response = _json(status, error_body(status, message))
        if fault.retry_after is not None:
            response.headers["retry-after"] = f"{fault.retry_after:g}"
        response.delay = fault.delay
        return response

    def _route(self, method: str, path: str) -> tuple[str | None, dict[str, str], tuple[str, ...]]:
        for key, route_method, pattern, schemas in ROUTES:
            match = pattern.match(path)
            if match and route_method == method:
                return key, match.groupdict(), schemas
        return None, {}, ()

    def _answer(
        self,
        operation: str | None,
        parameters: dict[str, str],
        schemas: tuple[str, ...],
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
        fault: _Fault | None,
        origin: str,
    ) -> FakeResponse:
        if operation is None:
            raise RefusalError(404, "The requested URL was not found on this server.")
        if self.require_api_key and not headers.get("x-goog-api-key"):
            raise RefusalError(401, "API key not valid. Please pass a valid API key.", ("W02",))
        if operation == "interactions.create":
            return self._create(body, schemas, query, fault)
        identifier = parameters.get("interactionsId", "")
        if operation == "interactions.get":
            return self._get(identifier, query, fault)
        if operation == "interactions.cancel":
            return self._cancel(identifier)
        if operation == "interactions.auth_tokens.create":
            return self._create_auth_token(identifier, body)
        if operation == "interactions.auth_tokens.delete":
            return self._delete_auth_token(identifier, parameters.get("auth_tokensId", ""))
        if operation == "interactions.delete":
            with self._lock:
                self._stored(identifier)
                del self.interactions[identifier]
            return _json(200, {})
        if operation.endswith(".list"):
            return _json(200, {})  # the API's empty list is an empty object (W63)
        if operation.endswith(".upload"):
            # the session is on the host that was asked: the server's own, over HTTP
            session = f"{origin}/{_UPLOAD_PATH}/{next(self._ids)}"
            return FakeResponse(200, {"x-goog-upload-url": session}, [b""])
        raise RefusalError(501, f"the fake does not model {operation} yet.")

    # -- interactions ---------------------------------------------------------------------------
    def _stored(self, identifier: str) -> _Stored:
        stored = self.interactions.get(identifier)
        if stored is None:  # a store=false interaction has the empty id and is never kept (W07)
            raise RefusalError(
                404, f"Interaction '{identifier}' was not found.", () if identifier else ("W07",)
            )
        return stored

    def _create(
        self, body: Any, schemas: tuple[str, ...], query: dict[str, str], fault: _Fault | None
    ) -> FakeResponse:
        from .._core._rules import violations
        from ..rules import REQUEST_RULES

        with self._lock:  # a continuation hop (W98): checked as sent, then its input rebuilt
            point = self.continuations.resume(body) if isinstance(body, dict) else None
        if point is not None:
            body = {**body, "input": point.answer.input}
        schema, request = check_body(body, schemas)
        for rule, problem in violations(REQUEST_RULES.get(schema, ()), request):
            if rule.severity == "error":
                raise RefusalError(400, f"{rule.error} ({problem})", rule.facts)
        check_create(request)
        previous = request.get("previous_interaction_id")
        with self._lock:
            if previous is not None:
                self._stored(str(previous))
            if point is None:
                answer = self._answers.popleft() if self._answers else _echo(request)
            else:
                answer = _Answer([], None, None, 5.0)
            store = request.get("store") is not False
            identifier = f"v1_fake{next(self._ids):04d}" if store else ""
            hop = (
                self.continuations.start(answer.steps, answer.hops, request, identifier)
                if point is None
                else self.continuations.resumed(point, identifier)
            )
        if hop is not None:
            answer = _Answer(hop.steps, hop.status, answer.usage or hop.usage, answer.duration)
        declared = {
            tool.get("name")
            for tool in request.get("tools") or []
            if isinstance(tool, dict) and tool.get("type") == "function"
        }
        steps = answer.steps
        undeclared = [
            str(step.get("name"))
            for step in steps
            if step.get("type") == "function_call" and step.get("name") not in declared
        ]
        if undeclared:  # the model cannot call what this request does not declare (W20)
            raise RefusalError(
                400,
                f"FakeGemini: the scripted function_call {', '.join(map(repr, undeclared))} "
                f"names a function this request does not declare in 'tools' (it declares "
                f"{sorted(name for name in declared if isinstance(name, str)) or 'none'}); tools "
                "are not inherited through previous_interaction_id, so send them with the "
                "request or script another answer.",
                ("W20",),
            )
        calls = any(step.get("type") == "function_call" for step in steps)
        status = answer.status or ("requires_action" if calls else "completed")
        final = {
            "id": identifier,
            "object": "interaction",
            "status": status,
            **{key: request[key] for key in ("model", "agent") if key in request},
            "created": _timestamp(self.now),
            "updated": _timestamp(self.now + answer.duration),
            "steps": steps,
            "usage": answer.usage or {"total_input_tokens": 1, "total_output_tokens": len(steps)},
        }
        if status == "incomplete" and not steps:
            del final["steps"]  # an incomplete answer with nothing produced has no steps (W88)
        if previous is not None:
            final["previous_interaction_id"] = previous
        if hop is not None and hop.token is not None:
            final["continuation_token"] = hop.token
        streaming = query.get("alt") == "sse" and request.get("stream") is True
        stored = _Stored(dict(final), request, visible_at=self.now + self._not_found_for)
        if request.get("background"):
            stored.interaction = {**final, "status": "in_progress", "steps": []}
            stored.interaction.pop("usage")
            stored.final, stored.finish_at = final, self.now + answer.duration
        stored.events = self._events(final, hop.checkpoints if hop is not None else {})
        if store:
            with self._lock:
                self.interactions[identifier] = stored
        if not request.get("background"):
            self._deliver("interaction." + status, final, request)
        if streaming:
            return self._stream(stored.events, 0, fault)
        return _json(200, stored.interaction)

    def _events(
        self, final: dict[str, Any], checkpoints: dict[int, str] | None = None
    ) -> list[dict[str, Any]]:
        events = with_checkpoints(stream_events(final), final["id"], checkpoints or {})
        if final["id"]:
            for number, event in enumerate(events):
                event["event_id"] = f"evt_{number:06d}"
        return events

    def _settle(self, stored: _Stored) -> None:
        if (
            stored.final is not None
            and stored.finish_at is not None
            and self.now >= stored.finish_at
        ):
            stored.interaction, stored.final = stored.final, None
            self._deliver(
                "interaction." + stored.interaction["status"], stored.interaction, stored.request
            )

    def _get(self, identifier: str, query: dict[str, str], fault: _Fault | None) -> FakeResponse:
        # unknown query parameters are ignored (W09, live); refusing `stream` was a rollout's
        # fault (W94, reported), so the fake does it only when a test asks for it
        if self._refuse_stream_query and "stream" in query and query.get("alt") != "sse":
            raise RefusalError(
                400,
                'Invalid JSON payload received. Unknown name "stream": Cannot bind query '
                "parameter.",
                ("W94",),
            )
        with self._lock:
            stored = self._stored(identifier)
            if self.now < stored.visible_at:
                raise RefusalError(404, f"Interaction '{identifier}' was not found.", ("W78",))
            self._settle(stored)
            current = dict(stored.interaction)
            unfinished = stored.final is not None and query.get("alt") != "sse"
            on_clock = getattr(self._caller, "on_clock", True)
            if unfinished and on_clock and stored.polled_at == self.now:
                raise RefusalError(400, _STALLED.format(identifier=identifier))
            stored.polled_at = self.now if unfinished else None
        if query.get("alt") == "sse":
            if current["status"] == "in_progress":
                raise RefusalError(409, "The interaction is still running; poll it instead.")
            after = query.get("last_event_id")
            events = stored.events
            start = next((i + 1 for i, e in enumerate(events) if e.get("event_id") == after), 0)
            return self._stream(events, start, fault)
        return _json(200, current)

    def _cancel(self, identifier: str) -> FakeResponse:
        with self._lock:
            stored = self._stored(identifier)
            if self.now < stored.visible_at:  # cancel too has answered 404 early (W78)
                raise RefusalError(404, "Method not found.", ("W78",))
            self._settle(stored)
            if stored.interaction["status"] != "in_progress":
                raise RefusalError(
                    400, "Only an interaction in progress can be cancelled.", ("W28",)
                )
            stored.final = None
            stored.interaction = {**stored.interaction, "status": "cancelled"}
            current = dict(stored.interaction)
        self._deliver("interaction.cancelled", current, stored.request)
        return _json(200, current)

    def _create_auth_token(self, identifier: str, body: Any) -> FakeResponse:
        # shapes from google-genai 3.6.1 (W93): never observed on the wire
        with self._lock:
            self._stored(identifier)
            token = f"{next(self._ids):032x}"
            self.auth_tokens[token] = identifier
        expires = (body or {}).get("expire_time") or _timestamp(self.now + 1800)
        return _json(200, {"auth_token": f"auth_tokens/{token}", "expires_at": expires})

    def _delete_auth_token(self, identifier: str, token: str) -> FakeResponse:
        with self._lock:
            if self.auth_tokens.get(token) != identifier:
                raise RefusalError(404, f"Auth token '{token}' was not found.")
            del self.auth_tokens[token]
        return _json(200, {})

    def _stream(
        self, events: list[dict[str, Any]], start: int, fault: _Fault | None
    ) -> FakeResponse:
        frames = [encode_event(event) for event in events[start:]]
        cut = False
        if fault is not None and fault.cut_after_events is not None:
            frames, cut = frames[: fault.cut_after_events], fault.abrupt
        elif fault is not None and fault.cut_after_bytes is not None:
            kept, size = [], 0
            for frame in frames:
                if size + len(frame) >= fault.cut_after_bytes:
                    kept.append(frame[: fault.cut_after_bytes - size])
                    break
                kept.append(frame)
                size += len(frame)
            frames, cut = [frame for frame in kept if frame], fault.abrupt
        elif fault is not None and fault.refusal_after_events is not None:
            refusal = json.dumps(error_body(400, fault.message, ("W77",))).encode() + b"\n"
            frames = [*frames[: fault.refusal_after_events], refusal]
        else:
            frames.append(DONE_FRAME)
        return FakeResponse(200, {"content-type": "text/event-stream"}, frames, cut=cut)

    # -- webhooks -------------------------------------------------------------------------------
    def _deliver(
        self, event_type: str, interaction: dict[str, Any], request: dict[str, Any]
    ) -> None:
        if not self._webhooks or not interaction.get("id"):
            return
        body = json.dumps(
            {
                "type": event_type,
                "data": {"interaction_id": interaction["id"], "status": interaction["status"]},
            },
            separators=(",", ":"),
        ).encode()
        message_id = f"msg_{interaction['id']}_{event_type}"
        timestamp = str(int(time.time()))
        key = base64.b64decode(self.webhook_secret.removeprefix("whsec_"))
        mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
        headers = {
            "webhook-id": message_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": "v1," + base64.b64encode(mac).decode(),
            "content-type": "application/json",
        }
        for callback in list(self._webhooks):
            callback(dict(headers), body)


_STALLED = (
    "FakeGemini: interaction '{identifier}' is read again while it runs, but the fake's clock "
    "has not moved since the last read, so it never finishes: this client waits on a clock "
    "nobody moves. Use fake.client() or fake.async_client() (their waits move the fake's "
    "clock), call fake.advance(seconds) between reads, or build the transport with "
    "fake.transport(on_clock=False) so a client that sleeps in real time sees real time."
)


def _json(status: int, payload: Any) -> FakeResponse:
    return FakeResponse(
        status,
        {"content-type": "application/json"},
        [json.dumps(payload, ensure_ascii=False).encode()],
    )


def _timestamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_790_000_000 + seconds))


def _echo(request: dict[str, Any]) -> _Answer:
    """The default answer: a deterministic text that quotes the input."""
    given = request.get("input")
    if isinstance(given, list):  # legacy {role, content} turns are answered 200 and ignored (W103)
        given = [item for item in given if not (isinstance(item, dict) and "role" in item)]
    words = given if isinstance(given, str) else json.dumps(given, sort_keys=True)[:200]
    return _Answer([text(f"Fake answer to: {words}")], None, None, 5.0)

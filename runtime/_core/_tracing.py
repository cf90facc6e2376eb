"""OpenTelemetry spans for the clients' calls, following the GenAI semantic conventions.

Loaded only when the application has imported OpenTelemetry (the clients check
`opentelemetry.trace` in `sys.modules` once, when they are built): without it nothing here is
imported and a call pays one attribute test. A span is made only when a tracer provider is
configured (the API's default proxy provider counts as none).

Each call is one CLIENT span: `{gen_ai.operation.name} {model or agent}` for a generation
(`generate_content` with a model, `invoke_agent` with an agent, `create_agent`), else
`{METHOD} {path template}`. Attributes: `gen_ai.provider.name` (`gcp.gemini`),
`gen_ai.operation.name`, `gen_ai.request.model` / `gen_ai.agent.name`, the request's
generation settings, `gen_ai.response.id`, `gen_ai.response.model`,
`gen_ai.response.finish_reasons` (the interaction's status), `gen_ai.usage.input_tokens` /
`output_tokens`, `gen_ai.conversation.id` (the previous interaction), `server.address` /
`server.port`, and `error.type` with an ERROR status when the call fails. A retry of the request
is a `retry` event on the span, a stream's resume a `resume` event; a stream's span ends when
the stream ends (read to its end, failed or closed). A continuation hop is a call of its own,
marked `gemini.continuation_hop`.

The prompt, the answer and the key are never recorded, unless the application opts in to
content with `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` (read at each call):
then `gen_ai.input.messages`, `gen_ai.system_instructions` and `gen_ai.output.messages`
hold the request's `input`, `system_instruction` and the answer's steps as JSON. The key is never
recorded: it travels in a header, and no header is read here.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncGenerator, Generator, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ._api_client import Call

__all__ = ["CONTENT_ENV", "PROVIDER", "CallSpan", "Tracing", "retried", "tracing_for"]

CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
"""The OpenTelemetry GenAI instrumentations' switch for recording prompt and answer content."""

PROVIDER = "gcp.gemini"
_SCOPE = "gemini_interactions"
_SETTINGS = {
    "temperature": "gen_ai.request.temperature",
    "top_p": "gen_ai.request.top_p",
    "top_k": "gen_ai.request.top_k",
    "max_output_tokens": "gen_ai.request.max_tokens",
    "seed": "gen_ai.request.seed",
    "stop_sequences": "gen_ai.request.stop_sequences",
}
"""`generation_config` keys and the attributes they are recorded as."""


def _field(value: Any, name: str) -> Any:
    """`name` of a parsed model or of a wire dict."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def _json(value: Any) -> str:
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    elif isinstance(value, list | tuple):
        value = [item.to_dict() if hasattr(item, "to_dict") else item for item in value]
    return json.dumps(value, ensure_ascii=False, default=str)


class CallSpan:
    """One call's span: what the call sent, then its answer or its failure."""

    def __init__(self, span: Any, content: bool) -> None:
        self.span = span
        self.content = content

    def event(self, name: str, **attributes: Any) -> None:
        """Record a retry, a resume or another step of the call as a span event."""
        self.span.add_event(name, {k: v for k, v in attributes.items() if v is not None})

    def answered(self, result: Any) -> Any:
        """Record the answer (a parsed model, a wire dict or a raw response) and return it."""
        span = self.span
        if not span.is_recording() or result is None:
            return result
        response_id = _field(result, "id")
        if isinstance(response_id, str) and response_id:
            span.set_attribute("gen_ai.response.id", response_id)
        model = _field(result, "model")
        if isinstance(model, str) and model:
            span.set_attribute("gen_ai.response.model", model)
        status = _field(result, "status")
        if isinstance(status, str) and status:
            span.set_attribute("gen_ai.response.finish_reasons", (status,))
        usage = _field(result, "usage")
        for key, attribute in (
            ("total_input_tokens", "gen_ai.usage.input_tokens"),
            ("total_output_tokens", "gen_ai.usage.output_tokens"),
        ):
            count = _field(usage, key) if usage is not None else None
            if isinstance(count, int) and not isinstance(count, bool):
                span.set_attribute(attribute, count)
        if self.content:
            steps = _field(result, "steps")
            if steps is not None:
                span.set_attribute("gen_ai.output.messages", _json(steps))
        return result

    def failed(self, error: BaseException) -> None:
        """Record a failure: `error.type` (the HTTP status or the exception's class)."""
        from opentelemetry import trace

        status = getattr(error, "status_code", None)
        kind = str(status) if isinstance(status, int) else type(error).__name__
        self.span.set_attribute("error.type", kind)
        self.span.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))

    def end(self) -> None:
        """End the span (once)."""
        self.span.end()

    @contextmanager
    def current(self) -> Iterator[CallSpan]:
        """Make this span the current one (the transport's retries land on it), not ending it."""
        from opentelemetry.trace import use_span

        with use_span(self.span, end_on_exit=False, record_exception=False):
            yield self


class Tracing:
    """A client's tracer and content switch; `call_span` opens one call's span."""

    def __init__(self, tracer: Any, base_url: str, content: bool) -> None:
        self.tracer = tracer
        self.content = content
        url = urlsplit(base_url)
        self.server = url.hostname or ""
        self.port = url.port or (443 if url.scheme == "https" else 80)

    def open(self, call: Call) -> CallSpan:
        """Start `call`'s span (not made current; see `current`)."""
        from opentelemetry import trace

        body: Mapping[str, Any] = call.body or {}
        attributes: dict[str, Any] = {
            "gen_ai.provider.name": PROVIDER,
            "server.address": self.server,
            "server.port": self.port,
        }
        model, agent = body.get("model"), body.get("agent")
        posted = call.method == "POST"
        if posted and call.template.endswith("/interactions") and (model or agent):
            operation = "invoke_agent" if agent and not model else "generate_content"
            target = model or agent
            if model:
                attributes["gen_ai.request.model"] = str(model)
            if agent:
                attributes["gen_ai.agent.name"] = str(agent)
            name = f"{operation} {target}"
        elif posted and call.template.endswith("/agents"):
            operation, name = "create_agent", "create_agent"
        else:
            operation = f"{call.method} {call.template}"
            name = operation
        attributes["gen_ai.operation.name"] = operation
        previous = body.get("previous_interaction_id")
        if isinstance(previous, str) and previous:
            attributes["gen_ai.conversation.id"] = previous
        if body.get("continuation_token"):
            attributes["gemini.continuation_hop"] = True
        config: Any = body.get("generation_config")
        if hasattr(config, "to_dict"):
            config = config.to_dict()
        if isinstance(config, Mapping):
            for key, attribute in _SETTINGS.items():
                value = config.get(key)
                if isinstance(value, int | float | str) and not isinstance(value, bool):
                    attributes[attribute] = value
                elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                    attributes[attribute] = tuple(value)
        if self.content:
            if body.get("input") is not None:
                attributes["gen_ai.input.messages"] = _json(body["input"])
            if body.get("system_instruction") is not None:
                attributes["gen_ai.system_instructions"] = _json(body["system_instruction"])
        span = self.tracer.start_span(name, kind=trace.SpanKind.CLIENT, attributes=attributes)
        return CallSpan(span, self.content)

    @contextmanager
    def call_span(self, call: Call) -> Iterator[CallSpan]:
        """A call's span for the duration of the `with` block: failed on an error, then ended."""
        span = self.open(call)
        try:
            with span.current():
                yield span
        except BaseException as error:
            span.failed(error)
            raise
        finally:
            span.end()


def retried(delay: float) -> None:
    """The transport's retry hook: a `retry` event on the current span."""
    from opentelemetry.trace import get_current_span

    span = get_current_span()
    if span.is_recording():
        span.add_event("retry", {"retry.delay_s": round(delay, 3)})


def tracing_for(base_url: str) -> Tracing | None:
    """The client's tracing, or None when no tracer provider is configured (checked per call,
    so a provider configured after the client was built is used)."""
    from opentelemetry import trace

    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider):
        return None
    content = os.environ.get(CONTENT_ENV, "").strip().lower() in ("1", "true", "yes")
    last = _LAST[0]
    if last is not None and last[0] is provider and last[1:3] == (base_url, content):
        return last[3]
    tracing = Tracing(trace.get_tracer(_SCOPE), base_url, content)
    _LAST[0] = (provider, base_url, content, tracing)  # a new provider or switch replaces it
    return tracing


_LAST: list[tuple[Any, str, bool, Tracing] | None] = [None]


def _sync_traced_events(
    events: Generator[Any, None, None], span: CallSpan, state: Any
) -> Generator[Any, None, None]:
    """A stream's events; the span ends when the stream does (read, failed or closed)."""
    try:
        yield from events
    except Exception as error:
        span.failed(error)
        raise
    finally:
        events.close()
        span.answered(_stream_result(state))
        span.end()


async def _async_traced_events(
    events: AsyncGenerator[Any, None], span: CallSpan, state: Any
) -> AsyncGenerator[Any, None]:
    """`_sync_traced_events` for an `AsyncStream`."""
    try:
        async for event in events:
            yield event
    except Exception as error:
        span.failed(error)
        raise
    finally:
        await events.aclose()
        span.answered(_stream_result(state))
        span.end()


def _stream_result(state: Any) -> Any:
    """What a stream accumulated (id, status, usage, steps), for its span."""
    try:
        result = state.accumulator.result()
    except Exception:  # a stream that ended before any event: nothing to record
        return None
    if isinstance(result, dict) and not result.get("id") and state.interaction_id:
        result = {**result, "id": state.interaction_id}
    return result

# Copied from runtime/testing/_events.py by interactions-codegen; edit it there.
"""What the fake answers: steps a test scripts, and the SSE events a stream of them makes.

Steps are wire JSON (`text("hi")` is a `model_output` step); `stream_events` turns a finished
interaction into the event sequence the API sends (fact W87): `interaction.created`, an
`interaction.status_update`, `step.start` / `step.delta` / `step.stop` per step (text in
deltas of up to `chunk` characters, annotations as `text_annotation_delta`, thought summaries
and signatures, function-call arguments as `arguments_delta`), `interaction.completed`, then the
`event: done` / `[DONE]` frame. With `store: false` every id is empty and no event has an
`event_id` (W86).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

__all__ = [
    "DONE_FRAME",
    "cite",
    "encode_event",
    "function_call",
    "image",
    "stream_events",
    "text",
    "thought",
]


def text(value: str, *, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A `model_output` step with one text part."""
    part: dict[str, Any] = {"type": "text", "text": value}
    if annotations:
        part["annotations"] = annotations
    return {"type": "model_output", "content": [part]}


def cite(text_value: str, phrase: str, url: str, title: str | None = None) -> dict[str, Any]:
    """A URL citation of `phrase` in `text_value`, with UTF-8 byte offsets as the API gives."""
    start = text_value.index(phrase)
    begin = len(text_value[:start].encode("utf-8"))
    citation: dict[str, Any] = {
        "type": "url_citation",
        "url": url,
        "start_index": begin,
        "end_index": begin + len(phrase.encode("utf-8")),
    }
    if title is not None:
        citation["title"] = title
    return citation


def thought(summary: str, *, signature: str = "c2lnbmF0dXJl") -> dict[str, Any]:
    """A `thought` step: its summary and the signature a stateless replay sends back."""
    return {
        "type": "thought",
        "signature": signature,
        "summary": [{"type": "text", "text": summary}],
    }


_CALL_NUMBERS = itertools.count(1)


def function_call(
    name: str,
    arguments: dict[str, Any] | None = None,
    *,
    id: str | None = None,
    signature: str | None = "c2lnbmF0dXJl",
) -> dict[str, Any]:
    """A `function_call` step (the interaction then `requires_action`).

    Every call gets its own id (`fc_<name>_<n>`), so two parallel calls of one function are told
    apart by `call_id` as on the wire (W23); it carries a signature as the API's calls do (W17;
    `signature=None` leaves it out)."""
    step: dict[str, Any] = {
        "type": "function_call",
        "id": id or f"fc_{name}_{next(_CALL_NUMBERS)}",
        "name": name,
        "arguments": arguments or {},
    }
    if signature is not None:
        step["signature"] = signature
    return step


def image(data: str, mime_type: str = "image/png") -> dict[str, Any]:
    """A `model_output` step with one base64 image part."""
    return {
        "type": "model_output",
        "content": [{"type": "image", "data": data, "mime_type": mime_type}],
    }


def _chunks(value: str, size: int) -> Iterator[str]:
    for start in range(0, len(value), size):
        yield value[start : start + size]


def _step_events(step: dict[str, Any], chunk: int) -> Iterator[tuple[str, dict[str, Any]]]:
    kind = step.get("type")
    if kind == "model_output":
        yield "step.start", {"step": {"type": "model_output", "content": []}}
        for part in step.get("content") or []:
            if part.get("type") == "text":
                for piece in _chunks(part.get("text", ""), chunk):
                    yield "step.delta", {"delta": {"type": "text", "text": piece}}
                if part.get("annotations"):
                    delta = {"type": "text_annotation_delta", "annotations": part["annotations"]}
                    yield "step.delta", {"delta": delta}
            else:
                yield "step.delta", {"delta": part}
    elif kind == "thought":
        yield "step.start", {"step": {"type": "thought"}}
        for part in step.get("summary") or []:
            yield "step.delta", {"delta": {"type": "thought_summary", "content": part}}
        if step.get("signature"):
            signature = {"type": "thought_signature", "signature": step["signature"]}
            yield "step.delta", {"delta": signature}
    elif kind == "function_call":
        start = {key: value for key, value in step.items() if key != "arguments"}
        yield "step.start", {"step": {**start, "arguments": {}}}
        arguments = json.dumps(step.get("arguments") or {}, separators=(",", ":"))
        for piece in _chunks(arguments, chunk):
            yield "step.delta", {"delta": {"type": "arguments_delta", "arguments": piece}}
    else:
        yield "step.start", {"step": step}
    yield "step.stop", {}


def stream_events(interaction: dict[str, Any], *, chunk: int = 64) -> list[dict[str, Any]]:
    """The events of a stream that ends in `interaction` (ids left to `encode_event`)."""
    identifier = interaction.get("id", "")
    started = {
        key: value for key, value in interaction.items() if key not in ("steps", "usage", "outputs")
    }
    started["status"] = "in_progress"
    events: list[dict[str, Any]] = [
        {"event_type": "interaction.created", "interaction": started},
        {
            "event_type": "interaction.status_update",
            "interaction_id": identifier,
            "status": "in_progress",
        },
    ]
    for index, step in enumerate(interaction.get("steps") or []):
        for event_type, payload in _step_events(step, chunk):
            events.append({"event_type": event_type, "index": index, **payload})
    events.append({"event_type": "interaction.completed", "interaction": interaction})
    return events


def encode_event(event: dict[str, Any]) -> bytes:
    """One SSE frame for `event`; its `event_id`, if any, stays inside the data, as on the wire."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"event: {event['event_type']}\ndata: {data}\n\n".encode()


DONE_FRAME = b"event: done\ndata: [DONE]\n\n"
"""The frame that ends every stream (fact W87)."""

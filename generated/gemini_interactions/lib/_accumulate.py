# Copied from runtime/lib/_accumulate.py by interactions-codegen; edit it there.
"""Rebuilding the complete interaction from a stream of events (plain JSON in, plain JSON out).

`InteractionAccumulator.add(event)` takes each event payload as it arrives; `result()` returns
the interaction as the non-streaming API would have returned it:

- `step.start` opens step `index`; `step.delta` updates it by delta type: text appends to the
  last text block, annotation deltas extend that block's annotations, media deltas concatenate
  base64 into the last block of the same kind, thought summaries append, signatures
  concatenate, `arguments_delta` fragments are buffered and parsed at `step.stop` (facts W74,
  W91: a call starts with `arguments: {}`; JSON cut off by an `incomplete` end is kept raw, as
  `arguments_text`, and the call then has no `arguments`), a thought that starts bare fills
  from its `thought_summary` deltas (W90), and other deltas merge their fields into the step;
- a delta with no `step.start` opens a `model_output` step;
- `interaction.created` / `status_update` / `completed` set the interaction's own fields; when
  `completed` omits `steps` or `usage`, they come from the accumulated steps, then
  `metadata.total_usage`, then the last cumulative `step.stop` usage.

`recovery_events(accumulator, interaction)` is the other direction: given the finished
interaction (read after a stream could not be resumed), the events a reader missed — steps
never started, text and summaries cut short — so that a reader of events sees the whole answer.
"""

from __future__ import annotations

import json
import logging
from typing import Any

__all__ = ["InteractionAccumulator", "recovery_events"]

_logger = logging.getLogger("gemini_interactions")
_MEDIA = frozenset({"image", "audio", "video", "document"})


class InteractionAccumulator:
    """Folds stream events into one interaction (see the module docstring)."""

    def __init__(self) -> None:
        self.interaction: dict[str, Any] = {}
        self.steps: dict[int, dict[str, Any]] = {}
        self._arguments: dict[int, list[str]] = {}
        self._usage: Any = None
        self._total_usage: Any = None
        self._completed: dict[str, Any] | None = None
        # Text and base64 grow by appending; pieces are joined once in `result()` (appending to a
        # str on every delta would be quadratic in the length of the output).
        self._pieces: dict[tuple[int, str], tuple[dict[str, Any], str, list[str]]] = {}
        # The text run being streamed: the step index and the pieces of its last text block.
        # Consecutive text deltas of one step (nearly every event of a stream) append here
        # directly; any other event ends the run, and the next text delta finds its block again.
        self._run_index: int | None = None
        self._run: list[str] = []

    def _append(self, target: dict[str, Any], key: str, text: str) -> None:
        entry = self._pieces.get((id(target), key))
        if entry is None:
            entry = (target, key, [str(target.get(key, ""))])
            self._pieces[(id(target), key)] = entry
        entry[2].append(text)

    def add(self, event: dict[str, Any]) -> None:
        """Fold one event payload into the interaction."""
        kind = event.get("event_type")
        if kind == "step.delta":  # nearly every event: tested first
            delta = event.get("delta")
            index = event.get("index")
            if not isinstance(index, int):
                index = 0
            if (
                index == self._run_index
                and type(delta) is dict
                and delta.get("type") == "text"
                and len(delta) == 2
            ):
                text = delta.get("text", "")
                self._run.append(text if type(text) is str else str(text))
            else:
                self._run_index = None
                self._delta(index, delta)
            if "metadata" in event:
                metadata = event["metadata"]
                if isinstance(metadata, dict) and metadata.get("total_usage") is not None:
                    self._total_usage = metadata["total_usage"]
            return
        self._run_index = None
        if kind in ("interaction.created", "interaction.completed"):
            payload = event.get("interaction")
            if isinstance(payload, dict):
                self.interaction.update(payload)
                if kind == "interaction.completed":
                    self._completed = payload
            metadata = event.get("metadata")
            if isinstance(metadata, dict) and metadata.get("total_usage") is not None:
                self._total_usage = metadata["total_usage"]
        elif kind == "interaction.status_update":
            if event.get("status") is not None:
                self.interaction["status"] = event["status"]
        elif kind == "step.start":
            step = event.get("step")
            self.steps[self._index(event)] = dict(step) if isinstance(step, dict) else {}
        elif kind == "step.stop":
            index = self._index(event)
            self._finish_arguments(index)
            if event.get("usage") is not None:
                self._usage = event["usage"]

    @staticmethod
    def _index(event: dict[str, Any]) -> int:
        index = event.get("index")
        return index if isinstance(index, int) else 0

    def _step(self, index: int) -> dict[str, Any]:
        if index not in self.steps:
            self.steps[index] = {"type": "model_output", "content": []}
        return self.steps[index]

    def _delta(self, index: int, delta: Any) -> None:  # noqa: C901 (one branch per delta type of the stream protocol)
        if not isinstance(delta, dict):
            return
        step = self._step(index)
        kind = delta.get("type")
        if kind == "text":
            block = self._last_block(step, "text")
            self._append(block, "text", str(delta.get("text", "")))
            if len(delta) == 2 and "text" in delta:  # a plain text delta: the run starts here
                self._run_index = index
                self._run = self._pieces[(id(block), "text")][2]
        elif kind == "text_annotation_delta":
            block = self._last_block(step, "text")
            block.setdefault("annotations", []).extend(delta.get("annotations") or [])
        elif kind in _MEDIA:
            block = self._last_block(step, str(kind), new=False)
            for key, value in delta.items():
                if key == "data" and isinstance(value, str):
                    self._append(block, "data", value)
                elif key != "type":
                    block[key] = value
        elif kind == "thought_summary":
            content = delta.get("content")
            summary = step.setdefault("summary", [])
            if (
                isinstance(content, dict)
                and content.get("type") == "text"
                and summary
                and summary[-1].get("type") == "text"
            ):
                self._append(summary[-1], "text", str(content.get("text", "")))
            elif isinstance(content, dict):
                summary.append(dict(content))
        elif kind == "thought_signature":
            # A thought's or a call's signature arrives here, never on its step.start (W102).
            self._append(step, "signature", str(delta.get("signature", "")))
        elif kind == "arguments_delta":
            self._arguments.setdefault(index, []).append(str(delta.get("arguments", "")))
        else:
            for key, value in delta.items():
                if key == "type":
                    step.setdefault("type", value)
                elif isinstance(value, list) and isinstance(step.get(key), list):
                    step[key] = step[key] + value
                else:
                    step[key] = value

    @staticmethod
    def _last_block(step: dict[str, Any], kind: str, new: bool = False) -> dict[str, Any]:
        content = step.setdefault("content", [])
        if (
            content
            and isinstance(content[-1], dict)
            and content[-1].get("type") == kind
            and not new
        ):
            block: dict[str, Any] = content[-1]
            return block
        block = {"type": kind}
        content.append(block)
        return block

    def _finish_arguments(self, index: int) -> None:
        fragments = self._arguments.pop(index, None)
        if fragments is None:
            return
        text = "".join(fragments)
        step = self._step(index)
        try:
            step["arguments"] = json.loads(text) if text.strip() else {}
        except ValueError:
            _logger.warning(
                "step %d: streamed function arguments are not valid JSON; kept raw", index
            )
            # W91: the `arguments: {}` of step.start is not the call's arguments; leaving it
            # would read like a call without arguments
            step.pop("arguments", None)
            step["arguments_text"] = text

    def result(self) -> dict[str, Any]:
        """The interaction as accumulated so far."""
        for index in list(self._arguments):
            self._finish_arguments(index)
        for target, key, parts in self._pieces.values():
            joined = "".join(parts)
            target[key] = joined
            parts[:] = [joined]
        interaction = dict(self.interaction)
        completed = self._completed or {}
        if not completed.get("steps") and self.steps:
            interaction["steps"] = [self.steps[index] for index in sorted(self.steps)]
        if completed.get("usage") is None:
            usage = self._total_usage if self._total_usage is not None else self._usage
            if usage is not None:
                interaction["usage"] = usage
        return interaction


def _block_deltas(block: Any) -> list[dict[str, Any]]:
    """The deltas that stream one content block."""
    if not isinstance(block, dict):
        return []
    if block.get("type") == "text":
        deltas: list[dict[str, Any]] = [{"type": "text", "text": str(block.get("text", ""))}]
        if block.get("annotations"):
            deltas.append({"type": "text_annotation_delta", "annotations": block["annotations"]})
        return deltas
    return [dict(block)]


def _suffix(have: Any, final: Any) -> str:
    """What `final` text adds to `have`, when `have` is a prefix of it."""
    if isinstance(have, str) and isinstance(final, str) and final.startswith(have):
        return final[len(have) :]
    return ""


def _missing_deltas(have: dict[str, Any], final: dict[str, Any]) -> list[dict[str, Any]]:
    """Deltas that complete a partly streamed step `have` into `final`."""
    deltas: list[dict[str, Any]] = []
    for key, wrap in (("content", False), ("summary", True)):
        received: list[Any] = have[key] if isinstance(have.get(key), list) else []
        complete: list[Any] = final[key] if isinstance(final.get(key), list) else []
        for position, block in enumerate(complete):
            if position >= len(received):
                pieces = _block_deltas(block)
            else:
                old = received[position]
                text = _suffix(
                    old.get("text") if isinstance(old, dict) else None,
                    block.get("text") if isinstance(block, dict) else None,
                )
                pieces = [{"type": "text", "text": text}] if text else []
            deltas.extend(
                {"type": "thought_summary", "content": piece} if wrap else piece for piece in pieces
            )
    if isinstance(final.get("signature"), str) and final["signature"] and not have.get("signature"):
        deltas.append({"type": "thought_signature", "signature": final["signature"]})
    return deltas


def _step_start(final: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """How a step's `step.start` looks when its content and summary follow as deltas."""
    if isinstance(final.get("content"), list) or final.get("type") == "thought":
        start = {k: v for k, v in final.items() if k not in ("content", "summary", "signature")}
        if isinstance(final.get("content"), list):
            start["content"] = []
        return start, start
    return dict(final), final


def recovery_events(
    accumulator: InteractionAccumulator, interaction: dict[str, Any]
) -> list[dict[str, Any]]:
    """The events that deliver what a reader missed of the finished `interaction`."""
    accumulator.result()  # join the pieces received so far
    events: list[dict[str, Any]] = []
    steps = interaction.get("steps")
    for index, final in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(final, dict):
            continue
        have = accumulator.steps.get(index)
        if have is None:
            start, have = _step_start(final)
            events.append({"event_type": "step.start", "index": index, "step": start})
        deltas = _missing_deltas(have, final)
        events.extend({"event_type": "step.delta", "index": index, "delta": d} for d in deltas)
        if deltas or index not in accumulator.steps:
            events.append({"event_type": "step.stop", "index": index})
    events.append({"event_type": "interaction.completed", "interaction": interaction})
    return events

"""Rebuilding the complete interaction from a stream of events (plain JSON in, plain JSON out).

`InteractionAccumulator.add(event)` takes each event payload as it arrives; `result()` returns
the interaction as the non-streaming API would have returned it:

- `step.start` opens step `index`; `step.delta` updates it by delta type: text appends to the
  last text block, annotation deltas extend that block's annotations, media deltas concatenate
  base64 into the last block of the same kind, thought summaries append, signatures
  concatenate, `arguments_delta` fragments are buffered and parsed at `step.stop` (kept raw, as
  `arguments_text`, when they are not valid JSON), and other deltas merge their fields into the
  step;
- a delta with no `step.start` opens a `model_output` step;
- `interaction.created` / `status_update` / `completed` set the interaction's own fields; when
  `completed` omits `steps` or `usage`, they come from the accumulated steps, then
  `metadata.total_usage`, then the last cumulative `step.stop` usage.
"""

from __future__ import annotations

import json
import logging
from typing import Any

__all__ = ["InteractionAccumulator"]

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

    def _append(self, target: dict[str, Any], key: str, text: str) -> None:
        entry = self._pieces.get((id(target), key))
        if entry is None:
            entry = (target, key, [str(target.get(key, ""))])
            self._pieces[(id(target), key)] = entry
        entry[2].append(text)

    def add(self, event: dict[str, Any]) -> None:
        """Fold one event payload into the interaction."""
        kind = event.get("event_type")
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
        elif kind == "step.delta":
            self._delta(self._index(event), event.get("delta"))
            metadata = event.get("metadata")
            if isinstance(metadata, dict) and metadata.get("total_usage") is not None:
                self._total_usage = metadata["total_usage"]
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

    def _delta(self, index: int, delta: Any) -> None:
        if not isinstance(delta, dict):
            return
        step = self._step(index)
        kind = delta.get("type")
        if kind == "text":
            block = self._last_block(step, "text")
            self._append(block, "text", str(delta.get("text", "")))
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

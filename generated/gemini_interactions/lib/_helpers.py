# Copied from runtime/lib/_helpers.py by interactions-codegen; edit it there.
"""Convenience accessors mixed into the generated `Interaction` model.

They read the steps the API returned; nothing here changes what is serialized. Steps are
recognized by their wire `type`, so they keep working for steps parsed from any revision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..types import (
        AudioContent,
        FunctionCallStep,
        FunctionResultStep,
        ImageContent,
        ThoughtStep,
    )

__all__ = ["InteractionHelpers"]


def _trailing_text(items: Any) -> str:
    """The trailing run of output text in `items` (steps, or launch-era output blocks; W99)."""
    parts: list[str] = []
    for item in reversed(list(items)):
        kind = getattr(item, "type", None)
        if kind == "user_input":
            break
        if kind == "thought":
            continue
        if kind == "model_output":
            blocks = list(getattr(item, "content", None) or ())
        elif kind == "text":  # the launch era listed content blocks as outputs
            blocks = [item]
        elif parts:
            break
        else:
            continue
        for block in reversed(blocks):
            if getattr(block, "type", None) == "text":
                text = getattr(block, "text", None)
                parts.append(text if isinstance(text, str) else "")
            elif parts:
                return "".join(reversed(parts))
    return "".join(reversed(parts))


_note: Callable[[Any, Any], None] | None = None
"""`_builtin_continuation.note`, imported with the first interaction parsed (every parse calls
it: a function-level import each time would cost more than the note itself)."""


def _load_note() -> Callable[[Any, Any], None]:
    global _note
    from ._builtin_continuation import note

    _note = note
    return note


class InteractionHelpers:
    """Accessors for the steps of an interaction (mixed into `Interaction`)."""

    output_text: Any

    def model_post_init(self, context: Any, /) -> None:
        """Note an interaction with built-in tool calls, to warn before continuing it (W105)."""
        (_note or _load_note())(getattr(self, "id", None), self._items())

    def _items(self) -> Any:
        """The steps, or the launch era's `outputs` (the same blocks before steps existed)."""
        steps = getattr(self, "steps", None)
        return steps if steps is not None else getattr(self, "outputs", None)

    @property
    def parsed(self) -> Any:
        """The answer parsed into the type given as `response_format` (structured output), or
        None when no type was given; `StructuredOutputError` (with the raw `.text`) when the
        answer is not a valid value of it."""
        from ._structured import parse_text

        return parse_text(self, self.text())

    def steps_of(self, step_type: str) -> list[Any]:
        """Every step whose wire `type` is `step_type` (e.g. `"google_search_result"`)."""
        return [step for step in self._items() or () if getattr(step, "type", None) == step_type]

    def text(self) -> str:
        """The answer's text: `output_text` when the API sent it (W96), else the trailing run of
        text in the model's output, the way Google's SDK computes its `output_text` (W99).

        The run is read backwards from the last step: thoughts are skipped; a user turn ends it;
        once text has been found, a function call or result, any other non-output step or a
        non-text block (an image, audio) ends it too, while before any text they are passed
        over. So "Previous turn." + a tool call + "A" + "B" gives "AB", and an answer that ends
        in a function call still gives the text before the call. Text from earlier in the
        interaction is not repeated; read `steps` for all of it. "" when there is none.
        """
        if isinstance(getattr(self, "output_text", None), str):
            return str(self.output_text)
        return _trailing_text(self._items() or ())

    def function_calls(self) -> list[FunctionCallStep]:
        """The function calls the model is waiting on answers for, in order."""
        return self.steps_of("function_call")

    def function_results(self) -> list[FunctionResultStep]:
        """The function results in the interaction."""
        return self.steps_of("function_result")

    def thoughts(self) -> list[ThoughtStep]:
        """The thought steps (summaries and signatures)."""
        return self.steps_of("thought")

    def search_results(self) -> list[Any]:
        """Google Search result steps (their items carry `search_suggestions`)."""
        return self.steps_of("google_search_result")

    def url_context_results(self) -> list[Any]:
        """URL context result steps (each item has `url` and `status`)."""
        return self.steps_of("url_context_result")

    def code_execution_results(self) -> list[Any]:
        """Code execution result steps (`result` text and `is_error`)."""
        return self.steps_of("code_execution_result")

    def _blocks(self, block_type: str) -> list[Any]:
        return [
            block
            for step in self.steps_of("model_output")
            for block in getattr(step, "content", None) or ()
            if getattr(block, "type", None) == block_type
        ]

    def images(self) -> list[ImageContent]:
        """Image outputs; `block.data_bytes()` decodes one."""
        return self._blocks("image")

    def audio(self) -> list[AudioContent]:
        """Audio outputs; `block.data_bytes()` decodes one."""
        return self._blocks("audio")

"""The fake's model of continuation (fact W98): answers in hops, tokens, checkpoints.

An answer can come in hops: scripted (`FakeGemini.reply_in_hops`) or cut by an output budget
per hop (`FakeGemini.limit_output`, in characters of text). Every hop but the last ends with
status `requires_continuation` and a `continuation_token`; inside a hop, a stream carries a
checkpoint token on an `interaction.status_update` after every step but the last. A token names
the point of the answer it continues from and the interaction that issued it.

A hop is accepted exactly as W98 describes, and refused (400, citing W98) otherwise: the token
must be one the fake issued; with `store` on the hop names the issuer as
`previous_interaction_id` and sends no `input`; with `store: false` it resends the original
`input` and names no previous interaction. Background answers are never cut (the server
continues background work itself). Each hop reports its own usage: the same input tokens again
(every hop prefills the input) and its own output.

Standard library only, like the rest of the fake.
"""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import dataclass
from typing import Any

from ._wire import RefusalError

__all__ = ["Continuations", "Hop", "by_budget", "with_checkpoints"]

_FACTS = ("W98",)
_INPUT_TOKENS = 8
"""What every hop reports as input tokens: each hop prefills the whole input again."""


@dataclass(frozen=True)
class _Answer:
    """An answer split into hops, and the request it answers."""

    hops: tuple[tuple[dict[str, Any], ...], ...]
    input: Any
    input_text: str
    store: bool


@dataclass(frozen=True)
class _Point:
    answer: _Answer
    hop: int
    step: int
    issuer: str


@dataclass
class Hop:
    """What one hop delivers: its steps, status, closing token, checkpoints and usage."""

    steps: list[dict[str, Any]]
    status: str | None
    token: str | None
    checkpoints: dict[int, str]
    """Step index → the token issued after that step (streams show it on a status update)."""
    usage: dict[str, Any]


def _characters(step: dict[str, Any]) -> int:
    return sum(
        len(part.get("text", ""))
        for part in step.get("content") or []
        if isinstance(part, dict) and part.get("type") == "text"
    )


def _split_text(step: dict[str, Any], size: int) -> list[dict[str, Any]]:
    """A one-text-part `model_output` step as steps of at most `size` characters."""
    parts = step.get("content") or []
    if (
        step.get("type") != "model_output"
        or len(parts) != 1
        or parts[0].get("type") != "text"
        or parts[0].get("annotations")
    ):
        return [step]
    value = parts[0].get("text", "")
    return [
        {"type": "model_output", "content": [{"type": "text", "text": value[i : i + size]}]}
        for i in range(0, len(value), size)
    ] or [step]


def by_budget(steps: list[dict[str, Any]], budget: int) -> list[list[dict[str, Any]]]:
    """`steps` in hops of at most `budget` characters of text each (other steps cost nothing)."""
    hops: list[list[dict[str, Any]]] = [[]]
    left = budget
    for step in steps:
        for piece in _split_text(step, budget):
            size = _characters(piece)
            if size > left and hops[-1]:
                hops.append([])
                left = budget
            hops[-1].append(piece)
            left -= size
    return hops


class Continuations:
    """The tokens the fake issued and the answers they continue; one per `FakeGemini`."""

    def __init__(self) -> None:
        self.budget: int | None = None
        self._tokens: dict[str, _Point] = {}
        self._numbers = itertools.count(1)

    def _token(self, point: _Point) -> str:
        token = base64.b64encode(f"fake-continuation-{next(self._numbers)}".encode()).decode()
        self._tokens[token] = point
        return token

    def start(
        self,
        steps: list[dict[str, Any]],
        hops: list[list[dict[str, Any]]] | None,
        request: dict[str, Any],
        identifier: str,
    ) -> Hop | None:
        """The first hop of a new answer, or None when it comes whole."""
        if request.get("background"):
            return None
        if hops is None:
            if self.budget is None:
                return None
            hops = by_budget(steps, self.budget)
        if len(hops) < 2:
            return None
        answer = _Answer(
            tuple(tuple(hop) for hop in hops),
            request.get("input"),
            _fingerprint(request.get("input")),
            request.get("store") is not False,
        )
        return self._deliver(_Point(answer, 0, 0, ""), identifier)

    def resume(self, request: dict[str, Any]) -> _Point | None:
        """The point a hop continues from (None when it sends no token); refuses a hop that
        W98 would not accept. The hop's input is the original one (`_Answer.input`): the server
        rebuilds it from the issuer, or the hop resent it."""
        token = request.get("continuation_token")
        if token is None:
            return None
        point = self._tokens.get(str(token))
        if point is None:
            raise RefusalError(400, "Invalid continuation_token.", _FACTS)
        previous = request.get("previous_interaction_id")
        if point.answer.store:
            if previous != point.issuer:
                raise RefusalError(
                    400,
                    f"The continuation_token does not belong to interaction '{previous}': it "
                    f"was issued by '{point.issuer}'.",
                    _FACTS,
                )
            if "input" in request:
                raise RefusalError(
                    400,
                    "A continuation with previous_interaction_id must not send input: the "
                    "context is rebuilt from the stored interaction.",
                    _FACTS,
                )
        else:
            if previous is not None:
                raise RefusalError(
                    400,
                    "A continuation with store=false names no previous_interaction_id.",
                    _FACTS,
                )
            if _fingerprint(request.get("input")) != point.answer.input_text:
                raise RefusalError(
                    400,
                    "The continuation_token does not belong to this input: a continuation with "
                    "store=false resends the original input.",
                    _FACTS,
                )
        return point

    def resumed(self, point: _Point, identifier: str) -> Hop:
        """The hop that continues from `point`."""
        return self._deliver(point, identifier)

    def _deliver(self, point: _Point, identifier: str) -> Hop:
        answer = point.answer
        issuer = identifier if answer.store else ""
        steps = list(answer.hops[point.hop][point.step :])
        checkpoints = {
            index: self._token(_Point(answer, point.hop, point.step + index + 1, issuer))
            for index in range(len(steps) - 1)
        }
        last = point.hop + 1 >= len(answer.hops)
        token = None if last else self._token(_Point(answer, point.hop + 1, 0, issuer))
        output = sum(_characters(step) for step in steps)
        usage = {
            "total_input_tokens": _INPUT_TOKENS,
            "total_output_tokens": output,
            "total_tokens": _INPUT_TOKENS + output,
            "input_tokens_by_modality": [{"modality": "text", "tokens": _INPUT_TOKENS}],
            "output_tokens_by_modality": [{"modality": "text", "tokens": output}],
        }
        status = None if last else "requires_continuation"
        return Hop(steps, status, token, checkpoints, usage)


def _fingerprint(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def with_checkpoints(
    events: list[dict[str, Any]], identifier: str, checkpoints: dict[int, str]
) -> list[dict[str, Any]]:
    """`events` with a checkpoint status update after the `step.stop` of each listed step; the
    token that closes the hop is only on `interaction.completed`."""
    placed: list[dict[str, Any]] = []
    for event in events:
        if event.get("event_type") == "interaction.created":
            started = dict(event.get("interaction") or {})
            started.pop("continuation_token", None)
            event = {**event, "interaction": started}
        placed.append(event)
        index = event.get("index")
        if event.get("event_type") == "step.stop" and index in checkpoints:
            placed.append(
                {
                    "event_type": "interaction.status_update",
                    "interaction_id": identifier,
                    "status": "in_progress",
                    "continuation_token": checkpoints[index],
                }
            )
    return placed

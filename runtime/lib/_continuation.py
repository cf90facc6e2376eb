"""Automatic continuation: what a hop sends, when to take one, and how hops merge (fact W98).

An answer that reaches the API's decode limit per request ends with status
`requires_continuation` and a `continuation_token`. The rest takes another `create`, a hop:

- with `store` on (the default) the hop sends the token, `previous_interaction_id` = the id of
  the interaction that issued the token, and **no** `input` (the server rebuilds the context and
  checks that the token belongs to that interaction);
- with `store: false` it sends the token with the original `input` and names no previous
  interaction;
- every other request field is kept as the caller gave it.

Every hop prefills (and bills) the input again, so the client continues only when the caller
asks (`create(..., automatic_continuation=True)`); otherwise the answer is returned as it came,
with one `ContinuationWarning` saying how to continue. `requires_action` is never continued, and
background work is continued by the server itself (`automatic_continuation=False` with
`background=True` is refused locally). A hop that hands back the token it was sent stops the
loop with `ContinuationError` instead of looping. A per-call `timeout` (in seconds) bounds all
hops together. The merged result is the last hop with every hop's steps in order, usage summed
(integer counters, and the `*_by_modality` lists by modality; `initial_input_tokens` from the
first hop), and `continuation_ids` listing the hops.

Streams: a status update may carry a checkpoint token. A stream that drops mid-hop (and cannot
re-stream by event id, as a `store: false` stream never can, W86) is continued by a new hop from
the last checkpoint, but only when nothing was delivered since that checkpoint (otherwise the
reader would see text twice); reconnects that make no checkpoint progress are capped at
`MAX_RECONNECTS_WITHOUT_PROGRESS`, as Google's SDK caps them.

The loops themselves live in `_async_continuation` (and its rewritten sync twin); this module
holds what both forms share and does no I/O.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._core._errors import GeminiError, RequestValidationError, StreamError
from .._core._values import Value

if TYPE_CHECKING:
    from .._core._api_client import Call
    from .._core._client_base import RequestOptions

__all__ = [
    "MAX_RECONNECTS_WITHOUT_PROGRESS",
    "ContinuationError",
    "ContinuationSpec",
    "ContinuationWarning",
    "merge_hops",
    "merge_usage",
]

MAX_RECONNECTS_WITHOUT_PROGRESS = 3
"""Stream hops started again from the same checkpoint before giving up (Google's SDK: 3)."""

_USAGE_LISTS = {
    "cached_tokens_by_modality": ("modality", "tokens"),
    "input_tokens_by_modality": ("modality", "tokens"),
    "output_tokens_by_modality": ("modality", "tokens"),
    "tool_use_tokens_by_modality": ("modality", "tokens"),
    "grounding_tool_count": ("type", "count"),
}
"""Usage lists merged item by item: the key that names an item, the counter that is summed."""

_REQUEST_FIELDS_OF_THE_TURN = ("previous_interaction_id", "created", "input")
"""Fields of the merged result that describe the caller's turn: taken from the first hop."""

_NOT_CONTENT = frozenset({"interaction.created", "interaction.status_update"})


class ContinuationSpec(Value):
    """Which body fields a hop rewrites and which status asks for one (`x-continuation`)."""

    __slots__ = ("background", "input", "parameter", "previous", "status", "store", "token")

    def __init__(
        self,
        *,
        parameter: str,
        status: str,
        token: str,
        previous: str,
        input: str,
        store: str,
        background: str,
    ) -> None:
        self.parameter = parameter
        self.status = status
        self.token = token
        self.previous = previous
        self.input = input
        self.store = store
        self.background = background


class ContinuationError(GeminiError):
    """Automatic continuation stopped before the answer was complete.

    `partial` is the merged result of the hops that finished (None when none did), and
    `continuation_token` the token to continue from by hand (with `interaction_id` as
    `previous_interaction_id` when the interaction is stored); `continuation_ids` lists the hops
    that ran. The cause (a failed hop, the timeout, a token that did not change) is the message
    and `__cause__`.
    """

    def __init__(
        self,
        message: str,
        *,
        partial: Any = None,
        continuation_token: str | None = None,
        interaction_id: str | None = None,
        continuation_ids: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.partial = partial
        self.continuation_token = continuation_token
        self.interaction_id = interaction_id
        self.continuation_ids = continuation_ids


class ContinuationWarning(UserWarning):
    """An answer stopped with `requires_continuation` and was not continued."""


_HOW_TO_CONTINUE = (
    "The interaction stopped with status 'requires_continuation': the decode limit of one "
    "request was reached, the answer is not finished. Pass automatic_continuation=True to "
    "continue it hop by hop (each hop bills the input again), use background=True (the server "
    "continues on its own), or continue by hand: create(..., continuation_token=<its token>) "
    "with previous_interaction_id=<its id> and no input, or with the original input when "
    "store=False."
)


def _get(value: Any, name: str) -> Any:
    if type(value) is dict:
        return value.get(name)
    if hasattr(value, "__pydantic_fields__"):  # a model: no ABC check (a Python call)
        return getattr(value, name, None)
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _copy(value: Any, updates: dict[str, Any], unset: tuple[str, ...] = ()) -> Any:
    """`value` with `updates`, and without the fields `unset` (so `to_dict()` leaves them out,
    as an answer that never had them would)."""
    if isinstance(value, Mapping):
        return {key: item for key, item in {**value, **updates}.items() if key not in unset}
    copy = value.model_copy(update={**updates, **dict.fromkeys(unset)})
    object.__setattr__(copy, "__pydantic_fields_set__", copy.model_fields_set - set(unset))
    return copy


def _is_set(value: Any, name: str) -> bool:
    if isinstance(value, Mapping):
        return name in value
    return name in (getattr(value, "model_fields_set", None) or ())


class _Plan:
    """One `create` call with automatic continuation: its hops' requests and its deadline."""

    def __init__(
        self,
        call: Call,
        spec: ContinuationSpec,
        options: RequestOptions | None,
        automatic: bool | None,
        clock: Callable[[], float],
    ) -> None:
        body = call.body or {}
        background = body.get(spec.background) is True
        if automatic is False and background:
            raise RequestValidationError(
                f"{spec.parameter}=False cannot be used with background=True: background work is "
                f"continued by the server itself.",
                path=spec.parameter,
            )
        self.call, self.spec, self.options, self.clock = call, spec, options, clock
        self.enabled = automatic is True and not background
        self.warns = not self.enabled and not background
        self.stateful = body.get(spec.store) is not False
        timeout = options.timeout if options is not None else None
        seconds = float(timeout) if isinstance(timeout, int | float) else None
        self.timeout = seconds
        self.deadline = None if seconds is None else clock() + seconds

    def continues(self, answer: Any) -> bool:
        """The answer asks for another hop (and has the token for it)."""
        return _get(answer, "status") == self.spec.status and bool(
            _text(_get(answer, "continuation_token"))
        )

    def warn_if_incomplete(self, answer: Any, *, stacklevel: int = 4) -> None:
        if self.warns and self.continues(answer):
            warnings.warn(_HOW_TO_CONTINUE, ContinuationWarning, stacklevel=stacklevel)

    def first_call(self) -> Call:
        """The call as the caller made it; one that continues a stored interaction by hand (a
        token and `previous_interaction_id`) need not give `input`, as W98's hops send none."""
        spec, call = self.spec, self.call
        body = call.body or {}
        if not (self.stateful and body.get(spec.token) and body.get(spec.previous)):
            return call  # nearly every call: nothing more to import or build
        if body.get(spec.input) is not None:
            return call  # given: sent as given, the API decides
        from .._core._api_client import Call

        filled = {**body, spec.input: ""}  # the body model requires one: checked, never sent
        omit = (*call.omit, spec.input)
        return call.changed(body=filled, omit=omit) if isinstance(call, Call) else call

    def hop_call(self, token: str, owner: str | None) -> Call:
        """The request of a hop continuing from `token`, issued by interaction `owner`."""
        from .._core._api_client import Call

        spec, call = self.spec, self.call
        body = dict(call.body or {})
        body[spec.token] = token
        omit = call.omit
        if self.stateful and owner:
            body[spec.previous] = owner
            if body.get(spec.input) is None:  # continued by hand without one: see first_call
                body[spec.input] = ""
            omit = (*omit, spec.input)  # validated like the original, not sent (W98)
        else:
            body[spec.previous] = None
        return call.changed(body=body, omit=omit) if isinstance(call, Call) else call

    def hop_options(self) -> RequestOptions | None:
        """The options of the next hop: its timeout is what is left of the call's."""
        from .._core._client_base import RequestOptions

        left = self.remaining()
        if left is None:
            return self.options
        return dataclasses.replace(self.options or RequestOptions(), timeout=left)

    def remaining(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - self.clock()

    def check_time(self) -> None:
        left = self.remaining()
        if left is not None and left <= 0:
            raise _OutOfTimeError(f"the call's timeout of {self.timeout:g}s ran out")

    def interrupted(
        self, reason: str, hops: list[Any], token: str | None, owner: str | None
    ) -> ContinuationError:
        """The error for a continuation that stops with `hops` finished."""
        partial = merge_hops(hops) if hops else None
        ids = _hop_ids(hops)
        resume = f"; continue from continuation_token {token!r}" if token else ""
        if token and self.stateful and owner:
            resume += f" with previous_interaction_id {owner!r}"
        return ContinuationError(
            f"automatic continuation stopped after {len(hops)} hop(s): {reason}{resume}. "
            f"`partial` holds the answer so far.",
            partial=partial,
            continuation_token=token,
            interaction_id=owner if self.stateful else None,
            continuation_ids=ids,
        )


class _OutOfTimeError(GeminiError, TimeoutError):
    """The call's timeout ran out between hops."""


def _same_token(token: str) -> str:
    return (
        f"the hop answered with the continuation_token it was sent ({token!r}): continuing "
        f"would repeat it forever"
    )


def _hop_ids(hops: list[Any]) -> tuple[str, ...]:
    ids: list[str] = []
    for hop in hops:
        for earlier in _get(hop, "continuation_ids") or ():
            if isinstance(earlier, str) and earlier and earlier not in ids:
                ids.append(earlier)
        own = _text(_get(hop, "id"))
        if own and own not in ids:
            ids.append(own)
    return tuple(ids)


def merge_hops(hops: list[Any]) -> Any:
    """One result from the hops of a continued answer (see the module docstring)."""
    final = hops[-1]
    if len(hops) == 1:
        return _copy(final, {"continuation_ids": list(_hop_ids(hops))})
    steps: list[Any] = []
    for number, hop in enumerate(hops):
        hop_steps = list(_get(hop, "steps") or [])
        while number and hop_steps and _get(hop_steps[0], "type") == "user_input":
            hop_steps.pop(0)  # a later hop continues the same turn: its input is not new
        steps.extend(hop_steps)
    updates: dict[str, Any] = {"steps": steps, "continuation_ids": list(_hop_ids(hops))}
    for name in _REQUEST_FIELDS_OF_THE_TURN:
        if _is_set(hops[0], name):
            updates[name] = _get(hops[0], name)
    unset = tuple(name for name in _REQUEST_FIELDS_OF_THE_TURN if not _is_set(hops[0], name))
    texts = [_get(hop, "output_text") for hop in hops]
    if any(isinstance(text, str) for text in texts):
        updates["output_text"] = "".join(text for text in texts if isinstance(text, str))
    usages = [usage for usage in (_get(hop, "usage") for hop in hops) if usage is not None]
    if usages:
        updates["usage"] = merge_usage(usages)
    return _copy(final, updates, unset)


def _usage_names(usage: Any) -> list[str]:
    if isinstance(usage, Mapping):
        return [str(name) for name in usage]
    names = list(getattr(type(usage), "model_fields", {}))
    extra = getattr(usage, "__pydantic_extra__", None) or {}
    return names + [name for name in extra if name not in names]


def _merge_items(lists: list[list[Any]], key: str, counter: str) -> list[Any]:
    merged: dict[Any, Any] = {}
    for items in lists:
        for item in items:
            name = _get(item, key)
            if name not in merged:
                merged[name] = item
                continue
            before, more = _get(merged[name], counter), _get(item, counter)
            if _is_int(before) and _is_int(more):
                merged[name] = _copy(merged[name], {counter: before + more})
    return list(merged.values())


def merge_usage(usages: list[Any]) -> Any:
    """Usage summed over hops, whichever fields exist: integer counters add up, the lists of
    `_USAGE_LISTS` add up item by item, `initial_input_tokens` is the first hop's."""
    names: list[str] = []
    for usage in usages:
        names += [name for name in _usage_names(usage) if name not in names]
    updates: dict[str, Any] = {}
    for name in names:
        if name == "initial_input_tokens":
            updates[name] = _get(usages[0], name)
            continue
        present = [value for value in (_get(usage, name) for usage in usages) if value is not None]
        if present and all(_is_int(value) for value in present):
            updates[name] = sum(present)
        elif name in _USAGE_LISTS and present and all(isinstance(v, list) for v in present):
            updates[name] = _merge_items(present, *_USAGE_LISTS[name])
    return _copy(usages[-1], updates)


class _Hop(Value):
    """What one streamed hop showed: its id, status, latest token and output since it."""

    __slots__ = (
        "delivered_since_checkpoint",
        "interaction_id",
        "owner",
        "start_owner",
        "start_token",
        "status",
        "token",
    )

    def __init__(
        self, start_token: str | None, start_owner: str | None, token: str | None, owner: str | None
    ) -> None:
        self.start_token = start_token
        self.start_owner = start_owner
        self.token = token
        self.owner = owner
        self.interaction_id: str | None = None
        self.status: str | None = None
        self.delivered_since_checkpoint = False


class _StreamHops:
    """The state of a streamed `create` across hops; `observe` every event, then `next_hop`."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.hop = _Hop(None, None, None, None)
        self.streams: list[Any] = []
        """The hops' streams, the one being read last."""
        self.finals: list[Any] = []
        self.no_progress = 0

    def start(self, token: str | None, owner: str | None) -> None:
        self.hop = _Hop(token, owner, token, owner)

    def observe(self, event: Any) -> None:
        hop = self.hop
        kind = _get(event, "event_type")
        interaction = _get(event, "interaction")
        identifier = _text(_get(event, "interaction_id")) or _text(_get(interaction, "id"))
        if identifier:
            hop.interaction_id = identifier
        token = None
        if kind == "interaction.status_update":
            token = _text(_get(event, "continuation_token"))
            hop.status = _text(_get(event, "status")) or hop.status
        elif interaction is not None:
            token = _text(_get(interaction, "continuation_token"))
            hop.status = _text(_get(interaction, "status")) or hop.status
        if kind == "interaction.completed" or (token and token != hop.token):
            hop.token, hop.owner = token, hop.interaction_id
            hop.delivered_since_checkpoint = False
        elif kind not in _NOT_CONTENT:
            hop.delivered_since_checkpoint = True

    def next_hop(self, error: Exception | None) -> tuple[str, str | None] | None:
        """The (token, issuer) of the next hop, None when the answer is complete; raises
        `ContinuationError` when the stream cannot go on (see the module docstring)."""
        hop, plan = self.hop, self.plan
        if error is None:
            if hop.status != plan.spec.status or not hop.token:
                return None
            if hop.token == hop.start_token:
                raise self.stop(_same_token(hop.token))
            self.no_progress = 0
            return hop.token, hop.owner
        if not _resumable(error):
            raise self.stop(str(error))
        if not hop.token or hop.delivered_since_checkpoint:
            raise self.stop(f"{error} (and no checkpoint to continue from without repeating text)")
        self.no_progress = self.no_progress + 1 if hop.token == hop.start_token else 0
        if self.no_progress > MAX_RECONNECTS_WITHOUT_PROGRESS:
            raise self.stop(
                f"{error}; {MAX_RECONNECTS_WITHOUT_PROGRESS} new hops from the same checkpoint "
                f"made no progress"
            )
        return hop.token, hop.owner

    def progressed(self) -> bool:
        """Whether any hop finished or handed out a token (else a failure is the hop's own)."""
        return len(self.finals) > 1 or self.hop.token is not None

    def stop(self, reason: str) -> ContinuationError:
        return self.plan.interrupted(reason, self.finals, self.hop.token, self.hop.owner)


def _resumable(error: Exception) -> bool:
    """A failure of a streamed hop that a new hop from a checkpoint may get past: the stream
    ended or dropped (not an `error` event, not a refused request)."""
    from .._core._errors import APIConnectionError

    if isinstance(error, StreamError):
        return error.body is None
    return isinstance(error, APIConnectionError)

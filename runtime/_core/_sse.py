"""An incremental Server-Sent Events decoder that never loses or invents an event.

Bytes go in as they arrive (chunk boundaries anywhere, even inside a multi-byte UTF-8 character
or between `\\r` and `\\n`); complete events come out. It follows the SSE specification — LF,
CRLF or CR line ends, multi-line `data:`, `event:`, `id:`, `retry:`, `:` comments — and adds what
the Gemini API needs:

- `data: [DONE]` is reported as the end of the stream (a stream ends with `event: done` /
  `data: [DONE]`, fact W87); comments are skipped, and the event type inside the JSON is what
  counts, `event:` lines being informational (W04; empty `data:` events are skipped by the
  stream reader);
- an event still unterminated when the body ends (no blank line after its last `data:`) is
  discarded, as the standard's "event stream interpretation" says, and `discarded_partial_event`
  tells the caller, which resumes the stream like any other drop;
- a line that is a bare JSON object or array, with no field name (a refusal sent after HTTP
  200, fact W77), is reported as its own item so the caller can surface it instead of skipping it.

The event being assembled (its lines, comments included) is limited to `max_event_bytes`: past it
`EventTooLargeError` is raised, so an endless line or a flood of comment lines cannot grow the
buffer without bound. Each byte is scanned for line ends once: a large event arriving in many
small chunks costs time linear in its size.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DONE", "BareJsonLine", "EventTooLargeError", "SSEDecoder", "ServerSentEvent"]


class EventTooLargeError(Exception):
    """The event being assembled passed the decoder's `max_event_bytes`."""


class ServerSentEvent(NamedTuple):
    """One dispatched event: its data (lines joined by `\\n`), type, id and retry hint.

    A named tuple, not a dataclass: one is made per event, and a frozen dataclass costs several
    times as much to build (issue 26).
    """

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None


class BareJsonLine(NamedTuple):
    """A line holding a JSON value with no SSE field name."""

    text: str


DONE = ServerSentEvent(data="[DONE]")
"""Yielded once for the `data: [DONE]` sentinel."""

_EVENT_NAMES: dict[bytes, str] = {}
"""`event:` names already decoded, shared by every decoder (bounded: see `_feed_blocks`)."""


class SSEDecoder:
    """Feed bytes with `feed()`, call `flush()` at the end; both return the items they complete."""

    def __init__(self, max_event_bytes: int | None = None) -> None:
        self._buffer = bytearray()
        self._max = max_event_bytes
        self._data_size = 0
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        self._retry: int | None = None
        self._pending_cr = False
        self.discarded_partial_event = False

    def feed(self, chunk: bytes) -> list[ServerSentEvent | BareJsonLine]:
        """Decode `chunk`: every item it completes, in order (a list, not a generator: one is
        made per chunk, and a stream of small events pays for each generator frame)."""
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._pending_cr = False
        start = len(self._buffer)
        # the buffer never holds a CR between calls (lines with one are consumed), so the chunk
        # alone says which path applies, and only the new bytes need scanning
        blocks = b"\r" not in chunk and not self._data and self._event is None
        if start:
            self._buffer += chunk
            if blocks:
                complete = b"\n" in chunk and self._buffer.find(b"\n\n", start - 1) != -1
            else:
                complete = b"\n" in chunk or b"\r" in chunk
            if not complete:
                self._check_size()
                return []
            buffer = bytes(self._buffer)
        else:
            buffer = chunk
        items = self._feed_blocks(buffer) if blocks else self._feed_lines(buffer)
        self._check_size()
        return items

    def _check_size(self) -> None:
        if self._max is not None and len(self._buffer) + self._data_size > self._max:
            raise EventTooLargeError(self._max)

    def _feed_blocks(self, buffer: bytes) -> list[ServerSentEvent | BareJsonLine]:
        """The common case, LF line ends only: split whole events at once, lines only when an
        event has more than one `data:` line or other fields."""
        blocks = buffer.split(b"\n\n")
        self._buffer = bytearray(blocks.pop())  # the unterminated rest, decoded when it completes
        items: list[ServerSentEvent | BareJsonLine] = []
        append = items.append
        make = tuple.__new__  # a named tuple built without its keyword-parsing constructor
        names = _EVENT_NAMES
        for block in blocks:
            # `data: JSON`, or `event: NAME` then `data: JSON`: one line of data, nothing else
            event = None
            start = 6
            if block[:6] == b"data: ":
                simple = b"\n" not in block
            elif block[:7] == b"event: ":
                cut = block.find(b"\n")
                simple = (
                    cut != -1
                    and block[cut + 1 : cut + 7] == b"data: "
                    and block.find(b"\n", cut + 1) == -1
                )
                if simple:
                    raw_name = block[7:cut]
                    event = names.get(raw_name)
                    if event is None:
                        event = raw_name.decode("utf-8", "replace")
                        if len(names) < 64:  # the API's few event names, never a flood
                            names[raw_name] = event
                    start = cut + 7
            else:
                simple = False
            if simple:
                data = block[start:].decode("utf-8", "replace")
                if len(data) < 16 and data.strip() == "[DONE]":
                    append(DONE)
                else:
                    append(make(ServerSentEvent, (data, event, self._id, self._retry)))
                continue
            for raw_line in block.split(b"\n"):
                item = self._line(raw_line.decode("utf-8", errors="replace"))
                if item is not None:
                    append(item)
            item = self._dispatch()
            if item is not None:
                append(item)
        return items

    def _feed_lines(self, buffer: bytes) -> list[ServerSentEvent | BareJsonLine]:
        items: list[ServerSentEvent | BareJsonLine] = []
        position = 0
        while True:
            cut = _line_end(buffer, position)
            if cut is None:
                break
            end, width = cut
            if width == 1 and buffer[end] == 0x0D and end + 1 == len(buffer):
                self._pending_cr = True  # a CR ending a chunk may be half of a CRLF
            line = buffer[position:end].decode("utf-8", errors="replace")
            position = end + width
            item = self._line(line)
            if item is not None:
                items.append(item)
        self._buffer = bytearray(buffer[position:])
        return items

    def flush(self) -> list[ServerSentEvent | BareJsonLine]:
        """End of the body: an unterminated event is discarded (a bare `[DONE]` still counts)."""
        items = self._feed_lines(bytes(self._buffer)) if self._buffer else []  # lines left
        if self._buffer:
            line = self._buffer.decode("utf-8", errors="replace")
            self._buffer = bytearray()
            item = self._line(line)
            if item is not None:
                items.append(item)
        if self._data:
            pending = "\n".join(self._data)
            self._data = []
            self._data_size = 0
            self._event = None
            if pending.strip() == "[DONE]":
                items.append(DONE)
            elif pending.strip():
                self.discarded_partial_event = True
        return items

    def _line(self, line: str) -> ServerSentEvent | BareJsonLine | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        if line[0] in "{[" and not self._data:
            return BareJsonLine(line)
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
            self._data_size += len(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data:
            self._event = None
            return None
        data = "\n".join(self._data)
        event = ServerSentEvent(data=data, event=self._event, id=self._id, retry=self._retry)
        self._data = []
        self._data_size = 0
        self._event = None
        return DONE if data.strip() == "[DONE]" else event


def _line_end(buffer: bytes, start: int) -> tuple[int, int] | None:
    """Where the next line ends at or after `start`, and the width of its line break."""
    lf = buffer.find(b"\n", start)
    cr = buffer.find(b"\r", start, lf if lf != -1 else len(buffer))
    if cr == -1:
        return None if lf == -1 else (lf, 1)
    return (cr, 2) if cr + 1 == lf else (cr, 1)

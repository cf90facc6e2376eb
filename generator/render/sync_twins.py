"""Sync twins of the async runtime modules, rewritten token by token (in the style of unasync).

The runtime keeps one source for code that exists in a sync and an async form: each
`runtime/<room>/_async_<name>.py` is written for asyncio, and `sync_twin` produces the
`_sync_<name>.py` module from it when the package is rendered, as httpcore does with unasync:

- `async` and `await` disappear (`async def` → `def`, `async for` → `for`, `await x` → `x`);
- names map to their sync counterparts (`AsyncStream` → `Stream`, `__anext__` → `__next__`,
  `aclose` → `close`, `httpx.AsyncClient` → `httpx.Client`, `_async_x` → `_sync_x`, ...);
- `Awaitable[T]` becomes `T`, and `AsyncGenerator[T, None]` becomes `Generator[T, None, None]`.

Only tokens change: comments, strings and layout are kept, so the twin reads like its source.
A name the table does not know stays as it is; a test renders every twin and type-checks it.
"""

from __future__ import annotations

import io
import re
import tokenize

from generator.errors import BadInputError

__all__ = ["ASYNC_PREFIX", "SYNC_PREFIX", "is_async_source", "sync_name", "sync_twin", "twin_name"]

ASYNC_PREFIX = "_async_"
SYNC_PREFIX = "_sync_"

_NAMES = {
    "AsyncAPIClient": "SyncAPIClient",
    "AsyncClientBase": "SyncClientBase",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncClient": "Client",
    "AsyncGenerator": "Generator",
    "AsyncIterable": "Iterable",
    "AsyncIterator": "Iterator",
    "AsyncPager": "SyncPager",
    "AsyncStream": "Stream",
    "AsyncTransport": "SyncTransport",
    "StopAsyncIteration": "StopIteration",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "aclose": "close",
    "aiter_bytes": "iter_bytes",
    "aiter_raw": "iter_raw",
    "aread": "read",
    "_asyncio_sleep": "time.sleep",
    "async_wait_until_done": "wait_until_done",
    "AsyncContinuationStream": "ContinuationStream",
    "AsyncConversation": "Conversation",
    "async_continue_call": "continue_call",
    "async_continue_stream": "continue_stream",
    "AsyncLiveConnection": "LiveConnection",
    "AsyncLiveSession": "LiveSession",
    "AsyncWebSocket": "SyncWebSocket",
    "async_live_session": "live_session",
}
"""Async names and their sync counterparts (names starting `_async_` become `_sync_`)."""

_DROPPED = frozenset({"async", "await"})
_UNWRAPPED = frozenset({"Awaitable"})
_IMPORT_DROPPED = frozenset({"Awaitable", "_asyncio_sleep"})
"""Names with no sync counterpart to import (`_asyncio_sleep` becomes `time.sleep`)."""
_WIDENED = {"AsyncGenerator": ", None"}
"""Generic aliases whose sync form takes one more parameter, and the text it gets."""


_QUOTED_NAME = re.compile(r"""^(["'])[A-Za-z_][A-Za-z0-9_]*\1$""")


_STATEMENT_BOUNDARIES = frozenset(
    {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
)


def is_async_source(module: str) -> bool:
    """Whether the runtime file `module` (a path such as `_core/_async_transport.py`) has a sync
    twin."""
    return module.rpartition("/")[2].startswith(ASYNC_PREFIX)


def twin_name(module: str) -> str:
    """`_core/_async_streaming.py` → `_core/_sync_streaming.py` (the folder stays)."""
    folder, slash, name = module.rpartition("/")
    return folder + slash + SYNC_PREFIX + name.removeprefix(ASYNC_PREFIX)


def _rename(name: str) -> str:
    if name in _NAMES:
        return _NAMES[name]
    if name.startswith(ASYNC_PREFIX):
        return SYNC_PREFIX + name[len(ASYNC_PREFIX) :]
    return name


def sync_name(name: str) -> str:
    """The name `name` of an async source takes in its sync twin (`AsyncClientBase` →
    `SyncClientBase`; a name the table does not know stays)."""
    return _rename(name)


def sync_twin(source: str, where: str) -> str:  # noqa: C901 (one token walk, one branch per rewrite rule of the table)
    """The sync module for the async module text `source` (`where` names it in errors)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise BadInputError(
            f"{where}: cannot read as Python for its sync twin ({error})."
        ) from None
    line_starts = [0]
    for line in source.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))

    def offset(position: tuple[int, int]) -> int:
        return line_starts[position[0] - 1] + position[1]

    out: list[str] = []
    cursor = 0
    closers: list[str | None] = []  # per open bracket: text to add before its `]` ("" drops it)
    pending: str | None = None  # what the `[` right after this token opens
    skip_gap = False
    in_import = False
    dropped_import = False  # the previous import name was dropped: drop the comma after it
    last_import_comma: int | None = None
    statement_start = 0  # where the current `from ...` / `import ...` began in `out`
    kept_names = 0
    previous = tokenize.NEWLINE
    for token in tokens:
        opens_statement, previous = previous in _STATEMENT_BOUNDARIES, token.type
        start, end = offset(token.start), offset(token.end)
        out.append("" if skip_gap else source[cursor:start])
        cursor = end
        skip_gap = False
        opens, pending = pending, None
        text = token.string
        if token.type == tokenize.NEWLINE and in_import:
            in_import = False
            if kept_names == 0:  # every name it imported has no sync counterpart
                del out[statement_start:]
                skip_gap = True
                continue
        if in_import:
            if token.type == tokenize.OP and text == "," and dropped_import:
                text, skip_gap, dropped_import = "", True, False
            elif token.type == tokenize.NAME and text in _IMPORT_DROPPED:
                text, skip_gap, dropped_import = "", True, True
            elif token.type == tokenize.NAME:
                text, dropped_import = _rename(text), False
                kept_names += 1
            elif dropped_import and last_import_comma is not None:
                out[last_import_comma] = ""  # `import A, Awaitable` → `import A`
                dropped_import = False
            if token.type == tokenize.OP and text == ",":
                last_import_comma = len(out)
            out.append(text)
            continue
        if token.type == tokenize.NAME and text in ("from", "import") and opens_statement:
            statement_start = len(out) - 1  # from the gap before it: a dropped import leaves none
        if token.type == tokenize.NAME and text == "import":
            in_import, dropped_import, last_import_comma, kept_names = True, False, None, 0
        elif token.type == tokenize.NAME and text in _DROPPED:
            text, skip_gap = "", True
        elif token.type == tokenize.NAME and text in _UNWRAPPED:
            text, pending = "", "unwrap"
        elif token.type == tokenize.NAME:
            pending = _WIDENED.get(text)
            text = _rename(text)
        elif token.type == tokenize.STRING and _QUOTED_NAME.match(text):
            text = text[0] + _rename(text[1:-1]) + text[-1]  # `__all__` entries, `cast("...")`
        elif token.type == tokenize.OP and text == "[":
            if opens == "unwrap":
                text = ""
                closers.append("")
            else:
                closers.append(opens)
        elif token.type == tokenize.OP and text == "]":
            closer = closers.pop() if closers else None
            if closer == "":
                text = ""
            elif closer is not None:
                text = closer + text
        out.append(text)
    out.append(source[cursor:])
    return "".join(out)

# Copied from runtime/lib/conversation.py by interactions-codegen; edit it there.
"""Multi-turn helpers: stateful conversations and the function-calling loop.

`Conversation` chains turns through `previous_interaction_id`. What a follow-up turn sends
again comes from the overlays' inheritance marks, through the generated `rules` module: a field
marked not inherited (or contested) is sent on every turn, a field marked inherited only on the
first, and a field marked `x-function-result-turns: omit` is left out of a turn that only
answers function calls. Today that means model, tools and system instruction on every turn
(S2, W20, W21, W22); in the launch era the system instruction carried over and resending tools
with function results was an error (S2).

Tools are declared, called and answered by `_tools` (`function_tool`, argument conversion,
result shapes). What this module adds is the loop: `conversation.run_tools(functions, input)`
sends a turn, executes every function call the model makes — matched to its result by
`call_id`, in any order (S9, W23), results sent in call order — and sends the results back until
the model stops calling or `max_rounds` rounds of calls were answered. It returns the last
interaction and every execution with its arguments, result and timing.

What the loop guarantees:

- arguments arrive as the annotated types (validated by pydantic against the declared schema);
  invalid arguments, an unknown function name and an exception raised by the function go back to
  the model as error results (`is_error`), never out of the loop;
- tools are unambiguous: two different callables under one name are refused when declared
  (`TypeError` naming both; `function_tool(f, name=...)` renames one), and so is an `async def`
  given to the synchronous `Conversation` (its coroutine would never run);
- `AsyncConversation` runs the calls of one turn concurrently (coroutines on the event loop,
  plain functions in worker threads so they never block it).

The conversation is written once, for asyncio, in `_async_conversation.py`; `Conversation` is its
sync twin (`_sync_conversation.py`), and what the two share without I/O is in `_conversation`.
This module is where they are imported from.
"""

from __future__ import annotations

from ._async_conversation import AsyncConversation
from ._conversation import Execution, ToolRun
from ._sync_conversation import Conversation
from ._tools import function_tool

__all__ = [
    "AsyncConversation",
    "Conversation",
    "Execution",
    "ToolRun",
    "function_tool",
]

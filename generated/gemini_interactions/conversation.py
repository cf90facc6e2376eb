# Copied from runtime/conversation.py by interactions-codegen; edit it there.
"""Multi-turn conversations with local tools: the public import path of `lib/conversation.py`,
where the code and its documentation live."""

from __future__ import annotations

from .lib.conversation import (
    AsyncConversation,
    Conversation,
    Execution,
    ToolRun,
    function_tool,
)

__all__ = [
    "AsyncConversation",
    "Conversation",
    "Execution",
    "ToolRun",
    "function_tool",
]

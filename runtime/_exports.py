"""What the package root (`import gemini_interactions`) serves, and when.

Read by the generator, never copied into the package. Each entry names a module of the package
(relative to its root) and the names of that module's `__all__` the root re-exports; `None`
means the whole `__all__`. A name the module does not list in its `__all__` stops the run.

- `EAGER` modules load with the package: only what building a client needs anyway, so the
  import stays cheap (`python -X importtime -c "import gemini_interactions"`).
- `LAZY` modules load when a program first touches one of their names (the models' base and
  pydantic, streams, rule errors, conversations).
"""

from __future__ import annotations

EAGER: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("_core._errors", None),  # every error class
    ("_core._async_pagination", None),
    ("_core._async_transport", None),
    ("_core._client_base", ("RequestOptions",)),
    ("lib._continuation", ("ContinuationError", "ContinuationWarning")),
    ("_core._limits", ("ResponseLimits",)),
    ("_core._retry", ("ResumePolicy", "RetryPolicy")),
    ("lib._structured", ("StructuredOutputError",)),
    ("_core._sync_pagination", None),
    ("_core._sync_transport", None),
    ("_core._waiting", ("WaitTimeoutError",)),
    ("client", ("AsyncClient", "Client")),
)

LAZY: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("lib._async_live", ("AsyncLiveConnection", "AsyncLiveSession")),
    (
        "lib._live",
        ("LiveConnectionError", "LiveSessionError", "LiveTimeoutError", "LiveUnavailableError"),
    ),
    ("lib._sync_live", ("LiveConnection", "LiveSession")),
    ("_core._async_streaming", None),
    ("_core._base", ("ApiModel", "UnknownVariant", "decode_base64")),
    ("lib._parsed", None),
    ("_core._raw_response", ("RawResponse",)),
    ("_core._rules", ("RequestRuleError", "RequestRuleWarning")),
    ("lib._stored", None),
    ("_core._sync_streaming", None),
    ("conversation", ("AsyncConversation", "Conversation", "function_tool")),
)

# Copied from runtime/webhooks.py by interactions-codegen; edit it there.
"""Verifying and parsing webhook deliveries: the public import path of `lib/webhooks.py`, where
the code and its documentation live."""

from __future__ import annotations

from .lib.webhooks import (
    DEFAULT_JWKS_URL,
    BatchEvent,
    InteractionEvent,
    JwksCache,
    Keys,
    MemoryReplayStore,
    ReplayStore,
    UnknownWebhookEvent,
    VideoEvent,
    WebhookEvent,
    WebhookVerificationError,
    parse_event,
    unwrap,
    verify,
)

__all__ = [
    "DEFAULT_JWKS_URL",
    "BatchEvent",
    "InteractionEvent",
    "JwksCache",
    "Keys",
    "MemoryReplayStore",
    "ReplayStore",
    "UnknownWebhookEvent",
    "VideoEvent",
    "WebhookEvent",
    "WebhookVerificationError",
    "parse_event",
    "unwrap",
    "verify",
]

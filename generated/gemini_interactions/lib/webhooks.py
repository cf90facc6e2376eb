# Copied from runtime/lib/webhooks.py by interactions-codegen; edit it there.
"""Verifying signed webhook deliveries and reading them as typed events.

Two signing schemes reach a webhook endpoint (fact W79):

- **Project webhooks** follow Standard Webhooks: headers `webhook-id`, `webhook-timestamp` and
  `webhook-signature`; each signature is `v1,<base64>` — HMAC-SHA256 of `id.timestamp.body`
  keyed by the base64-decoded `whsec_` secret. During a secret rotation several
  space-separated signatures arrive; any valid one passes.
- **Per-request webhooks** (`webhook_config`) carry `v1a,<base64>` Ed25519 signatures of the
  same message, verified with the keys published at `/.well-known/jwks.json`. Pass the keys
  (a JWKS document or a list of JWKs) or a `JwksCache` that fetches and caches them. Ed25519
  needs the `cryptography` package (the `webhooks` extra); without it only `v1a` fails, with an
  error that says so.

Verification always runs on the raw request body: a body that was parsed and re-serialized is
different bytes and fails. Timestamps outside `tolerance` seconds (default 300) fail too, which
bounds how old a replayed delivery can be but does not stop a replay inside that window: for
that, pass `replay_store=` — something that remembers each verified `webhook-id` for a while
and says whether it was seen before (`MemoryReplayStore` for one process; several processes or
hosts need a shared store, e.g. Redis `SET key 1 NX EX ttl`). Only deliveries whose signature
verified are recorded, so forged requests cannot fill the store.

Verification fails closed: a missing, empty or undecodable secret (`""`, `"whsec_"`), any odd
header (a timestamp that is not a plain number, text that is not ASCII, too many signatures) or
body raises `WebhookVerificationError` saying which check failed — never another exception —
and no message contains the secret. A `JwksCache` refetches the keys after a failed `v1a` check
at most once per `min_refresh` seconds (default 60), so unauthenticated requests cannot drive
outbound fetches.

`unwrap()` verifies and returns the event as an open union: interaction, batch and video events
are typed, any other event name is kept whole as `UnknownWebhookEvent` (event names are an
open set, fact W80).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import httpx

from .._core._errors import GeminiError

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

DEFAULT_JWKS_URL = "https://generativelanguage.googleapis.com/.well-known/jwks.json"

Keys = Sequence[Mapping[str, Any]] | Mapping[str, Any]
"""A JWKS document (`{"keys": [...]}`) or a list of JWKs."""


class WebhookVerificationError(GeminiError):
    """A delivery failed verification; the message says which check failed."""


class ReplayStore(Protocol):
    """Remembers verified deliveries: what `verify(..., replay_store=...)` needs from the caller."""

    def first_seen(self, message_id: str, ttl: float) -> bool:
        """Record `message_id` for `ttl` seconds; True if it was not already recorded.

        Must be atomic (check and record in one step) and shared by every process that
        verifies deliveries for the same endpoint.
        """
        ...


class MemoryReplayStore:
    """A `ReplayStore` in this process's memory: thread-safe, entries expire after their ttl,
    at most `max_entries` kept (the oldest are forgotten first)."""

    def __init__(
        self, *, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._max = max_entries
        self._clock = clock
        self._lock = threading.Lock()

    def first_seen(self, message_id: str, ttl: float) -> bool:
        """Record `message_id` for `ttl` seconds; True if it was not already recorded."""
        now = self._clock()
        with self._lock:
            while self._seen:  # drop expired entries, oldest first
                oldest, expires = next(iter(self._seen.items()))
                if expires > now and len(self._seen) < self._max:
                    break
                del self._seen[oldest]
            seen_until = self._seen.get(message_id)
            if seen_until is not None and seen_until > now:
                return False
            self._seen[message_id] = now + ttl
            self._seen.move_to_end(message_id)
            return True


class JwksCache:
    """The signing keys from a JWKS URL, fetched on first use and refreshed after `ttl` seconds.

    After a failed check the keys are refetched (they may have rotated), but at most once per
    `min_refresh` seconds.
    """

    def __init__(
        self,
        url: str = DEFAULT_JWKS_URL,
        *,
        ttl: float = 3600.0,
        min_refresh: float = 60.0,
        http_client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.ttl = ttl
        self.min_refresh = min_refresh
        self._http = http_client
        self._clock = clock
        self._keys: list[Mapping[str, Any]] | None = None
        self._fetched_at = 0.0

    def may_refresh(self) -> bool:
        """True when the keys were fetched longer than `min_refresh` seconds ago."""
        return self._keys is None or self._clock() - self._fetched_at >= self.min_refresh

    def keys(self, *, refresh: bool = False) -> list[Mapping[str, Any]]:
        """The current keys, fetching them when missing, stale or `refresh` is asked for."""
        if refresh or self._keys is None or self._clock() - self._fetched_at > self.ttl:
            client = self._http or httpx.Client(timeout=10.0)
            try:
                response = client.get(self.url)
                response.raise_for_status()
                self._keys = _key_list(response.json())
            except (httpx.HTTPError, ValueError) as error:
                raise WebhookVerificationError(
                    f"cannot fetch the signing keys from {self.url}: {error}"
                ) from None
            finally:
                if self._http is None:
                    client.close()
            self._fetched_at = self._clock()
        return self._keys


def _key_list(keys: Keys) -> list[Mapping[str, Any]]:
    if isinstance(keys, Mapping):
        listed = keys.get("keys")
        return (
            [key for key in listed if isinstance(key, Mapping)]
            if isinstance(listed, list)
            else [keys]
        )
    return [key for key in keys if isinstance(key, Mapping)]


_MAX_SIGNATURES = 16
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_MALFORMED = (ValueError, TypeError, OverflowError, UnicodeError, RecursionError, AttributeError)


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name:
            if not isinstance(value, str) or not value.isascii():
                raise WebhookVerificationError(f"header {name} is not ASCII text")
            return value
    raise WebhookVerificationError(f"missing header {name}")


def _hmac_key(secret: str) -> bytes:
    if not isinstance(secret, str) or not secret.strip().removeprefix("whsec_"):
        raise WebhookVerificationError(
            "the webhook secret is empty: pass the whsec_... secret the webhook was created with "
            "(an empty secret would accept forged deliveries)"
        )
    key = _b64decode(secret.strip().removeprefix("whsec_"))
    if not key:
        raise WebhookVerificationError("the webhook secret decodes to no bytes")
    return key


def _b64decode(value: str) -> bytes:
    padded = value + "=" * (-len(value) % 4)
    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("a signature or key is not valid base64") from None


def _decodable(signatures: list[str]) -> list[bytes]:
    """The signatures that decode; an undecodable entry is skipped, not fatal (Standard Webhooks
    says to try each signature of the header)."""
    decoded = []
    for signature in signatures:
        try:
            decoded.append(_b64decode(signature))
        except WebhookVerificationError:
            continue
    return decoded


def _hmac_ok(secret: str, message: bytes, signatures: list[str]) -> bool:
    key = _hmac_key(secret)
    expected = hmac.new(key, message, hashlib.sha256).digest()
    return any(hmac.compare_digest(expected, signature) for signature in _decodable(signatures))


def _ed25519_ok(
    keys: list[Mapping[str, Any]], key_id: str | None, message: bytes, signatures: list[str]
) -> bool:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        raise WebhookVerificationError(
            "v1a (Ed25519) signatures need the `cryptography` package: install the "
            "`webhooks` extra (pip install cryptography)"
        ) from None
    candidates = [key for key in keys if key.get("kty") == "OKP" and key.get("crv") == "Ed25519"]
    if key_id is not None:
        candidates = [key for key in candidates if key.get("kid") == key_id]
        if not candidates:
            raise WebhookVerificationError(f"unknown key id {key_id!r}")
    for key in candidates:
        try:
            public = Ed25519PublicKey.from_public_bytes(_b64decode(str(key.get("x", ""))))
        except (ValueError, WebhookVerificationError):  # a malformed key matches nothing
            continue
        for signature in _decodable(signatures):
            try:
                public.verify(signature, message)
                return True
            except InvalidSignature:
                continue
    return False


def verify(
    payload: bytes,
    headers: Mapping[str, str],
    secret_or_keys: str | Keys | JwksCache,
    *,
    tolerance: float = 300.0,
    now: float | None = None,
    replay_store: ReplayStore | None = None,
) -> None:
    """Check a delivery's signature and timestamp; raise `WebhookVerificationError` if it fails.

    `secret_or_keys` is the project webhook's `whsec_` secret (for `v1` signatures), or the
    signing keys / a `JwksCache` (for `v1a` signatures of per-request webhooks). With a
    `replay_store`, a delivery whose `webhook-id` was already verified within twice the
    tolerance is refused as a replay (see the module docstring for what the store must do).
    """
    try:
        message_id = _verify_signature(payload, headers, secret_or_keys, tolerance, now)
    except _MALFORMED as error:
        raise WebhookVerificationError(
            f"malformed delivery ({type(error).__name__}): it is not a valid signed delivery"
        ) from None
    if replay_store is not None and not replay_store.first_seen(message_id, 2 * tolerance):
        raise WebhookVerificationError(f"replayed delivery: webhook-id {message_id!r} was seen")


def _verify_signature(  # noqa: C901 (fails closed at each step of Standard Webhooks verification, one branch per malformed input)
    payload: bytes,
    headers: Mapping[str, str],
    secret_or_keys: str | Keys | JwksCache,
    tolerance: float,
    now: float | None,
) -> str:
    """The checks of `verify`; returns the verified `webhook-id`."""
    if not isinstance(payload, bytes | bytearray):
        raise WebhookVerificationError("verify the raw request body (bytes), not parsed JSON")
    if isinstance(secret_or_keys, str):
        _hmac_key(secret_or_keys)  # an empty secret fails before anything else is looked at
    message_id = _header(headers, "webhook-id")
    timestamp_text = _header(headers, "webhook-timestamp")
    signature_header = _header(headers, "webhook-signature")
    if not message_id:
        raise WebhookVerificationError("webhook-id is empty")
    if not _TIMESTAMP.fullmatch(timestamp_text):
        raise WebhookVerificationError("webhook-timestamp is not a number")
    timestamp = int(timestamp_text)
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookVerificationError(
            f"stale timestamp: {abs(current - timestamp):.0f}s from now, tolerance {tolerance:g}s"
        )
    message = f"{message_id}.{timestamp_text}.".encode() + bytes(payload)
    by_version: dict[str, list[str]] = {}
    entries = signature_header.split()
    if len(entries) > _MAX_SIGNATURES:
        raise WebhookVerificationError(
            f"webhook-signature holds {len(entries)} signatures (at most {_MAX_SIGNATURES})"
        )
    for entry in entries:
        version, _, value = entry.partition(",")
        by_version.setdefault(version, []).append(value)
    if isinstance(secret_or_keys, str):
        if not by_version.get("v1"):
            raise WebhookVerificationError("no v1 signature in webhook-signature")
        if _hmac_ok(secret_or_keys, message, by_version["v1"]):
            return message_id
        raise WebhookVerificationError("no matching signature")
    if not by_version.get("v1a"):
        raise WebhookVerificationError("no v1a signature in webhook-signature")
    key_id = next(
        (value for key, value in headers.items() if str(key).lower() == "webhook-key-id"), None
    )
    if key_id is not None and not isinstance(key_id, str):
        raise WebhookVerificationError("header webhook-key-id is not text")
    if isinstance(secret_or_keys, JwksCache):
        keys = secret_or_keys.keys()
        if _ed25519_matches(keys, key_id, message, by_version["v1a"]):
            return message_id
        if not secret_or_keys.may_refresh():
            raise WebhookVerificationError("no matching signature")
        keys = secret_or_keys.keys(refresh=True)  # the keys may have rotated since they were cached
    else:
        keys = _key_list(secret_or_keys)
    if _ed25519_ok(keys, key_id, message, by_version["v1a"]):
        return message_id
    raise WebhookVerificationError("no matching signature")


def _ed25519_matches(
    keys: list[Mapping[str, Any]], key_id: str | None, message: bytes, signatures: list[str]
) -> bool:
    """`_ed25519_ok`, with an unknown key id counting as no match (the keys may be stale)."""
    try:
        return _ed25519_ok(keys, key_id, message, signatures)
    except WebhookVerificationError as error:
        if str(error).startswith("unknown key id"):
            return False
        raise


class WebhookEvent:
    """A webhook event: its name (`type`), its `data`, and the whole object as received."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = dict(raw)
        self.type: str = str(raw.get("type") or raw.get("event_type") or "")
        data = raw.get("data")
        self.data: dict[str, Any] = dict(data) if isinstance(data, Mapping) else {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(type={self.type!r})"


class InteractionEvent(WebhookEvent):
    """`interaction.completed`, `.failed`, `.requires_action`, `.cancelled`, ..."""

    @property
    def interaction_id(self) -> str | None:
        """The id of the interaction the event is about."""
        for source in (self.data, self.data.get("interaction") or {}, self.raw):
            if isinstance(source, Mapping):
                for key in ("interaction_id", "id"):
                    if isinstance(source.get(key), str):
                        return str(source[key])
        return None

    def fetch_interaction(self, client: Any) -> Any:
        """The interaction itself, fetched with a `Client` (`client.interactions.get`)."""
        if self.interaction_id is None:
            raise WebhookVerificationError(f"the {self.type} event names no interaction")
        return client.interactions.get(self.interaction_id)


class BatchEvent(WebhookEvent):
    """`batch.succeeded`, `.failed`, `.expired`, `.cancelled`, ..."""


class VideoEvent(WebhookEvent):
    """`video.generated`."""


class UnknownWebhookEvent(WebhookEvent):
    """An event name this client does not know yet, kept whole in `raw`."""


def parse_event(payload: bytes | str | Mapping[str, Any]) -> WebhookEvent:
    """The typed event for a (verified) delivery body."""
    try:
        raw = payload if isinstance(payload, Mapping) else json.loads(payload)
    except (ValueError, TypeError, RecursionError):
        raise WebhookVerificationError("the delivery body is not JSON") from None
    if not isinstance(raw, Mapping):
        raise WebhookVerificationError("the delivery body is not a JSON object")
    name = str(raw.get("type") or raw.get("event_type") or "")
    family = name.split(".", 1)[0]
    cls = {"interaction": InteractionEvent, "batch": BatchEvent, "video": VideoEvent}.get(family)
    return (cls or UnknownWebhookEvent)(raw)


def unwrap(
    payload: bytes,
    headers: Mapping[str, str],
    secret_or_keys: str | Keys | JwksCache,
    *,
    tolerance: float = 300.0,
    now: float | None = None,
    replay_store: ReplayStore | None = None,
) -> WebhookEvent:
    """`verify()` the delivery, then return it as a typed event."""
    verify(
        payload, headers, secret_or_keys, tolerance=tolerance, now=now, replay_store=replay_store
    )
    return parse_event(payload)

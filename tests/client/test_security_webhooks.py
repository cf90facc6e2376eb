"""Webhook verification fails closed, detects replays with a store, and rate-limits JWKS fetches.

Each test plays the attacker: a forged delivery for a blank secret, a captured delivery sent
again, a flood of bad `v1a` signatures, headers and bodies built to crash the verifier.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from gemini_interactions import webhooks
from gemini_interactions.webhooks import JwksCache, MemoryReplayStore, WebhookVerificationError

from tests.client.loopback import LoopbackServer, Reply
from tests.client.test_webhooks import BODY, JWKS, NOW, SECRET, ed25519_headers, hmac_headers


@pytest.mark.parametrize("secret", ["", "whsec_", "  ", "whsec_ "])
def test_a_blank_secret_never_verifies_a_forged_delivery(secret: str) -> None:
    forged = hmac_headers(BODY, key=b"")  # what an HMAC keyed by nothing produces
    with pytest.raises(WebhookVerificationError, match="secret is empty"):
        webhooks.verify(BODY, forged, secret, now=NOW)


def test_a_replayed_delivery_is_refused_with_a_replay_store() -> None:
    store = MemoryReplayStore()
    headers = hmac_headers(BODY)
    webhooks.verify(BODY, headers, SECRET, now=NOW, replay_store=store)
    with pytest.raises(WebhookVerificationError, match="replayed delivery"):
        webhooks.verify(BODY, headers, SECRET, now=NOW + 5, replay_store=store)
    with pytest.raises(WebhookVerificationError, match="replayed delivery"):
        webhooks.unwrap(BODY, headers, SECRET, now=NOW + 5, replay_store=store)
    webhooks.verify(BODY, headers, SECRET, now=NOW + 5)  # without a store: within tolerance


def test_forged_deliveries_do_not_fill_the_replay_store() -> None:
    store = MemoryReplayStore()
    forged = hmac_headers(BODY, key=b"not the secret")
    with pytest.raises(WebhookVerificationError, match="no matching signature"):
        webhooks.verify(BODY, forged, SECRET, now=NOW, replay_store=store)
    webhooks.verify(BODY, hmac_headers(BODY), SECRET, now=NOW, replay_store=store)


def test_the_memory_store_forgets_after_the_ttl_and_stays_bounded() -> None:
    clock = [0.0]
    store = MemoryReplayStore(max_entries=3, clock=lambda: clock[0])
    assert store.first_seen("a", 10) and not store.first_seen("a", 10)
    clock[0] = 11
    assert store.first_seen("a", 10), "an expired entry is forgotten"
    for name in "bcde":
        assert store.first_seen(name, 10)
    assert len(store._seen) <= 3


def test_failed_v1a_checks_refetch_the_keys_at_most_once_per_min_refresh(
    server: LoopbackServer,
) -> None:
    server.handler = lambda request: Reply(body=JWKS)
    clock = [0.0]
    cache = JwksCache(f"{server.url}/jwks", ttl=3600, min_refresh=60, clock=lambda: clock[0])
    webhooks.verify(BODY, ed25519_headers(BODY), cache, now=NOW)
    attacker = Ed25519PrivateKey.generate()
    for _ in range(50):
        with pytest.raises(WebhookVerificationError, match="no matching signature"):
            webhooks.verify(BODY, ed25519_headers(BODY, attacker), cache, now=NOW)
    assert len(server.requests) == 1, "unauthenticated requests drove outbound fetches"
    clock[0] = 61
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY, ed25519_headers(BODY, attacker), cache, now=NOW)
    assert len(server.requests) == 2, "after min_refresh one refetch (keys may have rotated)"


def headers_with(**changes: Any) -> dict[str, Any]:
    headers: dict[str, Any] = dict(hmac_headers(BODY))
    headers.update({name.replace("_", "-"): value for name, value in changes.items()})
    return headers


@pytest.mark.parametrize(
    ("payload", "headers"),
    [
        (BODY, headers_with(webhook_timestamp="9" * 400)),  # OverflowError
        (BODY, headers_with(webhook_timestamp="1e9")),
        (BODY, headers_with(webhook_timestamp=" 1790000000")),
        (BODY, headers_with(webhook_timestamp="١٧٩٠٠٠٠٠٠٠")),  # Arabic-Indic digits
        (BODY, headers_with(webhook_id="msg\udc80")),  # UnicodeEncodeError
        (BODY, headers_with(webhook_id="méssage")),
        (BODY, headers_with(webhook_id=b"msg_1")),  # TypeError
        (BODY, headers_with(webhook_signature=None)),
        (BODY, headers_with(webhook_signature="v1," * 10_000)),
        (BODY, headers_with(webhook_signature="v1,%%%% v1")),
        (BODY, {key.encode(): value for key, value in hmac_headers(BODY).items()}),
        (BODY.decode(), hmac_headers(BODY)),  # str, not bytes
        (None, hmac_headers(BODY)),
    ],
)
def test_odd_headers_and_bodies_fail_closed_with_a_verification_error(
    payload: Any, headers: Mapping[Any, Any]
) -> None:
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(payload, headers, SECRET, now=NOW)


@pytest.mark.parametrize(
    "keys",
    [
        {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}]},  # wrong key length
        {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": 5}]},
        {"keys": "nope"},
        [1, 2, 3],
    ],
)
def test_odd_keys_fail_closed(keys: Any) -> None:
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY, ed25519_headers(BODY), keys, now=NOW)


def signed(body: bytes) -> dict[str, str]:
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    message = f"msg_1.{NOW}.".encode() + body
    signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(NOW),
        "webhook-signature": f"v1,{signature}",
    }


@pytest.mark.parametrize("body", [b"not json", b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe"])
def test_a_signed_body_that_is_not_json_is_a_verification_error(body: bytes) -> None:
    webhooks.verify(body, signed(body), SECRET, now=NOW)  # the signature itself is fine
    with pytest.raises(WebhookVerificationError, match="not JSON"):
        webhooks.unwrap(body, signed(body), SECRET, now=NOW)


def test_a_json_body_that_is_not_an_object_is_refused() -> None:
    body = json.dumps([1, 2]).encode()
    with pytest.raises(WebhookVerificationError, match="not a JSON object"):
        webhooks.unwrap(body, signed(body), SECRET, now=NOW)

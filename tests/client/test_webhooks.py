"""Webhook verification: HMAC (v1) and Ed25519 (v1a) vectors computed here, and typed events."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from gemini_interactions import webhooks
from gemini_interactions.testing import FakeGemini
from gemini_interactions.webhooks import JwksCache, WebhookVerificationError

from tests.client.loopback import LoopbackServer, Reply
from tests.conftest import GENERATED

SECRET_BYTES = os.urandom(32)
SECRET = "whsec_" + base64.b64encode(SECRET_BYTES).decode()
BODY = json.dumps({"type": "interaction.completed", "data": {"id": "v1_done"}}).encode()
NOW = 1_790_000_000


def hmac_headers(
    body: bytes, *, key: bytes = SECRET_BYTES, timestamp: int = NOW, extra: str = ""
) -> dict[str, str]:
    message = f"msg_1.{timestamp}.".encode() + body
    signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"{extra}v1,{signature}".strip(),
    }


def test_a_valid_hmac_delivery_verifies_and_unwraps() -> None:
    # W79: Standard Webhooks HMAC v1 signatures
    event = webhooks.unwrap(BODY, hmac_headers(BODY), SECRET, now=NOW + 10)
    assert isinstance(event, webhooks.InteractionEvent)
    assert event.type == "interaction.completed" and event.interaction_id == "v1_done"


def test_any_valid_signature_passes_during_rotation() -> None:
    old = hmac_headers(BODY, key=os.urandom(32))["webhook-signature"]
    headers = hmac_headers(BODY, extra=old + " ")
    webhooks.verify(BODY, headers, SECRET, now=NOW)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda h, b: (h, b + b" "), "no matching signature"),
        (lambda h, b: (h, json.dumps(json.loads(b), indent=1).encode()), "no matching signature"),
        (lambda h, b: ({**h, "webhook-timestamp": str(NOW + 1)}, b), "no matching signature"),
        (
            lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b),
            "missing header webhook-id",
        ),
        (lambda h, b: ({**h, "webhook-signature": "v1a,AAAA"}, b), "no v1 signature"),
    ],
)
def test_tampering_is_detected(mutate: object, message: str) -> None:
    headers, body = mutate(hmac_headers(BODY), BODY)  # type: ignore[operator]
    with pytest.raises(WebhookVerificationError, match=message) as raised:
        webhooks.verify(body, headers, SECRET, now=NOW)
    assert SECRET not in str(raised.value) and SECRET[6:] not in str(raised.value)


def test_replays_outside_the_tolerance_fail() -> None:
    with pytest.raises(WebhookVerificationError, match="stale timestamp"):
        webhooks.verify(BODY, hmac_headers(BODY), SECRET, now=NOW + 301)
    webhooks.verify(BODY, hmac_headers(BODY), SECRET, now=NOW + 299)
    with pytest.raises(WebhookVerificationError, match="stale timestamp"):
        webhooks.verify(BODY, hmac_headers(BODY), SECRET, now=NOW + 301, tolerance=300)


def test_parsed_json_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="raw request body"):
        webhooks.verify(json.loads(BODY), hmac_headers(BODY), SECRET, now=NOW)


PRIVATE = Ed25519PrivateKey.generate()
PUBLIC_X = (
    base64.urlsafe_b64encode(
        PRIVATE.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
    )
    .decode()
    .rstrip("=")
)
JWKS = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "k1", "x": PUBLIC_X}]}


def ed25519_headers(
    body: bytes, key: Ed25519PrivateKey = PRIVATE, timestamp: int = NOW
) -> dict[str, str]:
    signature = key.sign(f"msg_2.{timestamp}.".encode() + body)
    return {
        "webhook-id": "msg_2",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1a," + base64.b64encode(signature).decode(),
    }


def test_ed25519_deliveries_verify_against_keys_given_offline() -> None:
    webhooks.verify(BODY, ed25519_headers(BODY), JWKS, now=NOW)
    webhooks.verify(BODY, ed25519_headers(BODY), JWKS["keys"], now=NOW)
    with pytest.raises(WebhookVerificationError, match="no matching signature"):
        webhooks.verify(BODY, ed25519_headers(BODY, Ed25519PrivateKey.generate()), JWKS, now=NOW)
    with pytest.raises(WebhookVerificationError, match="unknown key id 'k9'"):
        webhooks.verify(BODY, {**ed25519_headers(BODY), "webhook-key-id": "k9"}, JWKS, now=NOW)


def test_ed25519_keys_come_from_a_jwks_url_and_are_cached(server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(body=JWKS)
    clock = [0.0]
    cache = JwksCache(f"{server.url}/.well-known/jwks.json", ttl=60, clock=lambda: clock[0])
    for _ in range(3):
        webhooks.verify(BODY, ed25519_headers(BODY), cache, now=NOW)
    assert len(server.requests) == 1
    clock[0] = 61
    webhooks.verify(BODY, ed25519_headers(BODY), cache, now=NOW)
    assert len(server.requests) == 2
    rotated = Ed25519PrivateKey.generate()
    clock[0] = 61 + cache.min_refresh  # right after a fetch, a failed check refetches nothing
    with pytest.raises(WebhookVerificationError, match="no matching signature"):
        webhooks.verify(BODY, ed25519_headers(BODY, rotated), cache, now=NOW)
    assert len(server.requests) == 3, "an unknown signer triggers one refresh"


def test_events_are_an_open_union() -> None:
    # W80: webhook event names are an open set
    assert isinstance(webhooks.parse_event(b'{"type": "batch.succeeded"}'), webhooks.BatchEvent)
    assert isinstance(webhooks.parse_event({"type": "video.generated"}), webhooks.VideoEvent)
    unknown = webhooks.parse_event({"type": "agent.reflected", "data": {"x": 1}, "extra": True})
    assert isinstance(unknown, webhooks.UnknownWebhookEvent)
    assert unknown.raw == {"type": "agent.reflected", "data": {"x": 1}, "extra": True}
    assert isinstance(webhooks.parse_event(BODY), webhooks.InteractionEvent)


def test_a_delivery_from_the_fake_verifies_and_fetches_its_interaction() -> None:
    deliveries: list[tuple[dict[str, str], bytes]] = []
    fake = FakeGemini().reply("The report.", duration=30)
    fake.on_webhook(lambda headers, body: deliveries.append((headers, body)))
    client = fake.client()
    job = client.interactions.create(model="gemini-3.7-flash", input="x", background=True)
    fake.advance(31)
    ((headers, body),) = deliveries
    event = webhooks.unwrap(body, headers, fake.webhook_secret)
    assert isinstance(event, webhooks.InteractionEvent) and event.interaction_id == job.id
    fetched = event.fetch_interaction(client)
    assert fetched.status == "completed" and fetched.text() == "The report."
    assert fake.requests[-1].path == f"/v1beta/interactions/{job.id}"
    with pytest.raises(WebhookVerificationError):
        webhooks.unwrap(body.replace(b"completed", b"cancelled"), headers, fake.webhook_secret)


def test_the_module_imports_without_cryptography_and_v1a_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['cryptography'] = None; "
        "from gemini_interactions import webhooks; "
        "import json; body = b'{}'; "
        "headers = {'webhook-id': 'm', "
        f"'webhook-timestamp': '{NOW}', 'webhook-signature': 'v1a,AAAA'}}; "
        "\ntry:\n"
        f"    webhooks.verify(body, headers, {{'keys': []}}, now={NOW})\n"
        "except webhooks.WebhookVerificationError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(GENERATED)},
    )
    assert result.returncode == 0, result.stderr
    assert "`webhooks` extra" in result.stdout and "cryptography" in result.stdout

"""Verify a webhook delivery on its raw body and read the event."""

import base64
import hashlib
import hmac
import os
import time

from gemini_interactions import webhooks

secret_bytes = os.urandom(32)
secret = "whsec_" + base64.b64encode(secret_bytes).decode()
body = b'{"type": "interaction.completed", "data": {"id": "v1_abc"}}'
timestamp = str(int(time.time()))
signature = hmac.new(secret_bytes, f"msg_1.{timestamp}.".encode() + body, hashlib.sha256).digest()
headers = {
    "webhook-id": "msg_1",
    "webhook-timestamp": timestamp,
    "webhook-signature": "v1," + base64.b64encode(signature).decode(),
}
event = webhooks.unwrap(body, headers, secret)  # raises WebhookVerificationError if tampered
assert isinstance(event, webhooks.InteractionEvent)
print(f"{event.type} for {event.interaction_id}")

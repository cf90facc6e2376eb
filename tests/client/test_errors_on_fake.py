"""Errors and retries against the fake API, on its clock (a client's backoff advances the fake's
time instead of sleeping): typed status errors with the API's error shape and request id,
retries of idempotent calls, `Retry-After`, and a `create` that is never silently sent twice.

The tests that need exact control of time and sockets (a read timeout, a full connection pool)
stay on the raw loopback server in test_request_safety.py; transport exceptions on an
`httpx.MockTransport` in test_errors_and_retries.py.
"""

from __future__ import annotations

import asyncio
import logging

import gemini_interactions as gi
import pytest
from gemini_interactions.testing import FakeGemini

from tests.json_exact import assert_json_exact

MODEL = "gemini-3.7-flash"
STEADY = gi.RetryPolicy(random=lambda: 0.0)  # no jitter: the backoff is 0.5 s, 1 s, 2 s...


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, gi.BadRequestError),
        (401, gi.AuthenticationError),
        (403, gi.PermissionDeniedError),
        (404, gi.NotFoundError),
        (409, gi.ConflictError),
        (422, gi.UnprocessableEntityError),
        (429, gi.RateLimitError),
        (500, gi.InternalServerError),
        (503, gi.InternalServerError),
    ],
)
def test_status_errors_are_typed_and_carry_the_apis_error(
    status: int, error_type: type[gi.APIStatusError]
) -> None:
    fake = FakeGemini().fail(status, times=5, message="Unknown parameter 'foo'.")
    with pytest.raises(error_type) as raised:
        fake.client(max_retries=0).interactions.get("v1_abc")
    error = raised.value
    assert isinstance(error, gi.GeminiError) and error.status_code == status
    assert error.message == "Unknown parameter 'foo'." and error.code == status
    assert error.request_id and len(error.request_id) == 16
    assert error.method == "GET" and error.url.endswith("/v1beta/interactions/v1_abc")


def test_an_unknown_interaction_is_a_not_found_error_from_the_fakes_state() -> None:
    with pytest.raises(gi.NotFoundError, match="was not found"):
        FakeGemini().client().interactions.get("v1_missing")


def test_idempotent_calls_retry_with_backoff_on_the_fakes_clock() -> None:
    fake = FakeGemini()
    client = fake.client(retry_policy=STEADY)
    created = client.interactions.create(model=MODEL, input="x")
    fake.fail(503).fail(429).fail(408)
    assert client.interactions.get(created.id).status == "completed"
    assert fake.sleeps == [0.5, 1.0, 2.0] and fake.now == 3.5, "backoff, no real sleeping"
    assert [r.operation for r in fake.requests].count("interactions.get") == 4


def test_retry_after_is_honoured_and_a_long_one_is_not_waited_for() -> None:
    fake = FakeGemini()
    client = fake.client()
    created = client.interactions.create(model=MODEL, input="x")
    fake.fail(429, retry_after=7)
    client.interactions.get(created.id)
    assert fake.sleeps == [7.0]
    fake.fail(429, retry_after=3600)
    with pytest.raises(gi.RateLimitError):
        client.interactions.get(created.id)
    assert fake.sleeps == [7.0], "an hour is beyond what a retry waits for"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_other_client_errors_are_never_retried(status: int) -> None:
    fake = FakeGemini().fail(status, times=3)
    with pytest.raises(gi.APIStatusError):
        fake.client().interactions.get("x")
    assert len(fake.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_create_answered_with_a_server_error_is_not_sent_again(status: int) -> None:
    fake = FakeGemini().fail(status, times=3)
    with pytest.raises(gi.APIStatusError) as raised:
        fake.client().interactions.create(model=MODEL, input="x")
    assert len(fake.requests) == 1 and raised.value.may_have_been_processed


def test_a_create_whose_answer_was_lost_is_not_sent_again_but_a_get_is() -> None:
    fake = FakeGemini().drop_connection()
    client = fake.client()
    with pytest.raises(gi.APIConnectionError) as raised:
        client.interactions.create(model=MODEL, input="x")
    assert raised.value.may_have_been_processed and len(fake.requests) == 1
    created = client.interactions.create(model=MODEL, input="x")
    fake.drop_connection()
    assert client.interactions.get(created.id).id == created.id
    assert [r.operation for r in fake.requests].count("interactions.get") == 2


def test_answers_that_prove_nothing_started_are_retried_for_a_create() -> None:
    for status in (408, 429, 503):
        fake = FakeGemini().fail(status, retry_after=1)
        assert fake.client().interactions.create(model=MODEL, input="x").status == "completed"
        assert len(fake.requests) == 2 and fake.sleeps == [1.0], "one retry, after Retry-After"


def test_opting_in_retries_a_create_per_client_and_per_call() -> None:
    fake = FakeGemini().fail(500)
    client = fake.client(retry_policy=gi.RetryPolicy(retry_non_idempotent=True))
    assert client.interactions.create(model=MODEL, input="x").status == "completed"
    fake.fail(502)
    plain = fake.client()
    assert plain.interactions.create(model=MODEL, input="x", retry_non_idempotent=True).id
    assert len(fake.requests) == 4


def test_max_retries_zero_disables_retries_per_client_and_per_call() -> None:
    fake = FakeGemini().fail(503, times=2)
    with pytest.raises(gi.InternalServerError):
        fake.client(max_retries=0).interactions.get("x")
    with pytest.raises(gi.InternalServerError):
        fake.client().interactions.get("x", max_retries=0)
    assert len(fake.requests) == 2


def test_the_key_travels_only_as_a_header_and_never_into_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeGemini()
    secret = "AIza-secret-key-never-logged"
    with caplog.at_level(logging.DEBUG, logger="gemini_interactions"):
        client = fake.client(api_key=secret)
        client.interactions.create(model=MODEL, input="x")
        fake.fail(400, message="Unknown parameter 'x'.")
        with pytest.raises(gi.BadRequestError) as raised:
            client.interactions.create(model=MODEL, input="x")
    sent = fake.requests[0]
    assert sent.headers["x-goog-api-key"] == secret and "key" not in sent.query
    assert secret not in repr(client) and secret not in str(raised.value)
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_escape_hatches_reach_the_wire() -> None:
    fake = FakeGemini()
    fake.client().interactions.create(
        model=MODEL,
        input="hi",
        extra_headers={"x-trace": "t1"},
        extra_query={"debug": True},
        extra_body={"service_tier": "flex"},
        timeout=5.0,
    )
    sent = fake.requests[0]
    assert sent.headers["x-trace"] == "t1" and sent.query["debug"] == "true"
    assert_json_exact(sent.body, {"model": MODEL, "input": "hi", "service_tier": "flex"})


def test_the_fake_refuses_what_the_api_refuses_and_the_client_raises_it_typed() -> None:
    fake = FakeGemini()
    with pytest.raises(gi.BadRequestError, match="Unknown parameter 'generationConfig'"):
        fake.client().interactions.create(
            model=MODEL, input="x", extra_body={"generationConfig": {"temperature": 1}}
        )


def test_async_retries_on_the_fakes_clock() -> None:
    fake = FakeGemini()

    async def main() -> str | None:
        async with fake.async_client(retry_policy=STEADY) as client:
            created = await client.interactions.create(model=MODEL, input="x")
            fake.fail(503, times=2)
            return (await client.interactions.get(created.id or "")).status

    assert asyncio.run(main()) == "completed"
    assert fake.sleeps == [0.5, 1.0]
    assert [r.operation for r in fake.requests].count("interactions.get") == 3, "two retries"

"""`wait()` against the fake API, on its clock: the transport's sleep advances the fake's time."""

from __future__ import annotations

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions.testing import FakeGemini

MODEL = "gemini-3.7-flash"


def _client(fake: FakeGemini, sleeps: list[float]) -> gi.Client:
    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        fake.advance(seconds)

    transport = gi.SyncTransport(
        httpx.Client(transport=fake.transport()), sleep=sleep, clock=lambda: fake.now
    )
    return gi.Client(api_key="test", transport=transport)


def test_wait_polls_with_backoff_until_the_run_completes() -> None:
    fake = FakeGemini().reply("The report.", duration=40)
    sleeps: list[float] = []
    client = _client(fake, sleeps)
    job = client.interactions.create(
        agent="deep-research-preview-04-2026", input="x", background=True
    )
    assert job.id and job.status == "in_progress"
    done = client.interactions.wait(job.id)
    assert done.status == "completed" and done.text() == "The report."
    assert sleeps[0] == 1.0 and sleeps == sorted(sleeps), "polls back off"
    assert 40 <= fake.now <= 40 + sleeps[-1]


def test_wait_gives_up_after_its_timeout_naming_the_last_status() -> None:
    fake = FakeGemini().reply("late", duration=3600)
    client = _client(fake, [])
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    with pytest.raises(gi.WaitTimeoutError, match="in_progress"):
        client.interactions.wait(job.id, timeout=60)
    assert fake.now <= 60


def test_wait_rides_out_an_early_not_found_then_raises_after_the_grace() -> None:
    fake = FakeGemini().early_not_found(seconds=4).reply("ok", duration=5)
    client = _client(fake, [])
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    assert client.interactions.wait(job.id, grace_period=10).status == "completed"  # W78
    later = FakeGemini().early_not_found(seconds=30)
    client = _client(later, [])
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    with pytest.raises(gi.NotFoundError):
        client.interactions.wait(job.id, grace_period=2)


def test_a_cancelled_run_ends_the_wait() -> None:
    fake = FakeGemini().reply("never", duration=600)
    client = _client(fake, [])
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    client.interactions.cancel(job.id)
    assert client.interactions.wait(job.id).status == "cancelled"


def test_cancel_right_after_a_background_create_rides_out_the_early_not_found() -> None:
    # W78: cancel has answered 404 for a while after a background create; the call is retried
    # for its grace period (10 s, `x-absent-grace`) instead of failing on an existing interaction
    fake = FakeGemini().early_not_found(seconds=4).reply("slow", duration=600)
    client = fake.client()
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    assert client.interactions.cancel(job.id).status == "cancelled"
    assert fake.sleeps and 4 <= fake.now <= 10
    cancels = [r for r in fake.requests if r.path.endswith("/cancel")]
    assert len(cancels) > 1, "the early 404 was retried"


def test_cancel_raises_the_not_found_once_the_grace_period_is_over() -> None:
    fake = FakeGemini().early_not_found(seconds=30).reply("slow", duration=600)
    client = fake.client()
    job = client.interactions.create(model=MODEL, input="x", background=True)
    assert job.id
    with pytest.raises(gi.NotFoundError, match="Method not found"):
        client.interactions.cancel(job.id)
    assert fake.now <= 10


def test_async_cancel_rides_out_the_early_not_found_too() -> None:
    import asyncio

    fake = FakeGemini().early_not_found(seconds=2).reply("slow", duration=600)

    async def run() -> str | None:
        async with fake.async_client() as client:
            job = await client.interactions.create(model=MODEL, input="x", background=True)
            assert job.id
            return (await client.interactions.cancel(job.id)).status

    assert asyncio.run(run()) == "cancelled"
    assert 2 <= fake.now <= 10

"""A user's live session code (sync and async), type-checked with mypy --strict by the test
suite and run against the fake's live server."""

from __future__ import annotations

import asyncio

from gemini_interactions import (
    AsyncClient,
    AsyncLiveConnection,
    Client,
    LiveConnectionError,
    LiveSessionError,
)
from gemini_interactions.testing import FakeGemini
from gemini_interactions.types import (
    AudioDelta,
    InputEvent,
    LiveInteractionCompletedEvent,
    LiveServerEvent,
    StepDelta,
    TextContent,
    TextDelta,
)


async def talk(connection: AsyncLiveConnection[LiveServerEvent]) -> tuple[str, bytes]:
    text, audio = "", b""
    await connection.send("Hello")
    async for event in connection.receive():
        if isinstance(event, StepDelta):
            if isinstance(event.delta, TextDelta):
                text += event.delta.text or ""
            elif isinstance(event.delta, AudioDelta):
                audio += event.delta.data_bytes() or b""
        elif event.event_type == "step.stop":
            break
    return text, audio


async def run_async(base_url: str) -> tuple[str, bytes, int | None]:
    client = AsyncClient(api_key="test-key-0123456789abcdef", base_url=base_url)
    async with client.interactions.connect(id="int_1", idle_timeout=5.0) as connection:
        text, audio = await talk(connection)
        await connection.complete()
        code: int | None = None
        async for event in connection.receive():
            if isinstance(event, LiveInteractionCompletedEvent) and event.status is not None:
                code = event.status.code
    return text, audio, code


def run_sync(base_url: str) -> str:
    client = Client(api_key="test-key-0123456789abcdef", base_url=base_url)
    try:
        with client.interactions.connect(id="int_2", timeout=10.0) as connection:
            connection.send([InputEvent(content=[TextContent(text="hi")])])
            for _event in connection.receive():
                pass
    except LiveSessionError as error:
        return f"error: {error.message}"
    except LiveConnectionError as error:
        return f"closed: {error.close_code}"
    return "completed"


def main() -> None:
    fake = FakeGemini()
    fake.live.reply("Hi!", audio=b"\x01\x02").error("try again")
    with fake.live.serve() as base_url:
        text, audio, code = asyncio.run(run_async(base_url))
        assert (text, audio, code) == ("Hi!", b"\x01\x02", 0), (text, audio, code)
        assert run_sync(base_url) == "error: try again"
    print("ok")


if __name__ == "__main__":
    main()

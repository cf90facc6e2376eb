"""The function-calling loop as a user meets it on day two: arguments arrive as the annotated
types, ambiguous tools are refused when declared, async calls run concurrently, and results go
back in shapes the API accepts (W104). Everything runs against the fake API."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import functools
import threading
import uuid
from decimal import Decimal
from typing import Any, Literal

import pytest
from gemini_interactions.conversation import AsyncConversation, Conversation, function_tool
from gemini_interactions.testing import FakeGemini, function_call
from pydantic import BaseModel

MODEL = "gemini-3.7-flash"


class City(BaseModel):
    name: str
    country: str = "FR"


class Unit(enum.Enum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


received: list[dict[str, Any]] = []


def plan_trip(
    cities: list[City],
    start: dt.date,
    unit: Unit,
    pace: Literal["slow", "fast"] = "slow",
    budget: Decimal | None = None,
) -> str:
    """Plan a trip through some cities."""
    received.append(
        {"cities": cities, "start": start, "unit": unit, "pace": pace, "budget": budget}
    )
    return f"{len(cities)} cities from {start.isoformat()}"


TRIP_ARGUMENTS = {
    "cities": [{"name": "Paris"}, {"name": "Rome", "country": "IT"}],
    "start": "2026-12-24",
    "unit": "celsius",
}


def _check_trip_arrived_typed() -> None:
    (arguments,) = received
    assert arguments["cities"] == [City(name="Paris"), City(name="Rome", country="IT")]
    assert arguments["start"] == dt.date(2026, 12, 24)
    assert arguments["unit"] is Unit.CELSIUS
    assert arguments["pace"] == "slow" and arguments["budget"] is None, "defaults applied"


def test_arguments_arrive_as_the_annotated_types() -> None:
    received.clear()
    fake = FakeGemini().reply(function_call("plan_trip", TRIP_ARGUMENTS, id="c1")).reply("Done.")
    run = Conversation(fake.client(), model=MODEL).run_tools([plan_trip], "Plan a trip")
    _check_trip_arrived_typed()
    assert run.finished and run.executions[0].result == "2 cities from 2026-12-24"
    assert fake.requests[1].body["input"][0]["result"] == "2 cities from 2026-12-24"


def test_arguments_arrive_as_the_annotated_types_in_the_async_loop() -> None:
    received.clear()
    fake = FakeGemini().reply(function_call("plan_trip", TRIP_ARGUMENTS, id="c1")).reply("Done.")

    async def main() -> None:
        chat = AsyncConversation(fake.async_client(), model=MODEL)
        run = await chat.run_tools([plan_trip], "Plan a trip")
        assert run.finished

    asyncio.run(main())
    _check_trip_arrived_typed()


def test_invalid_arguments_go_back_to_the_model_and_the_loop_goes_on() -> None:
    received.clear()
    fake = FakeGemini()
    fake.reply(function_call("plan_trip", {"cities": "Paris", "start": "soon", "unit": "K"}))
    fake.reply(function_call("plan_trip", {**TRIP_ARGUMENTS, "mood": "happy"}, id="c2"))
    fake.reply(function_call("plan_trip", TRIP_ARGUMENTS, id="c3")).reply("Done.")
    run = Conversation(fake.client(), model=MODEL).run_tools([plan_trip], "Plan a trip")
    assert run.finished and [e.is_error for e in run.executions] == [True, True, False]
    first = fake.requests[1].body["input"][0]
    assert first["is_error"] is True
    for field in ("cities", "start", "unit"):
        assert field in first["result"], f"the model is told that {field} is wrong"
    assert "mood" in fake.requests[2].body["input"][0]["result"], "an unknown argument is named"
    assert "Traceback" not in first["result"] and "https://" not in first["result"]
    _check_trip_arrived_typed()


class Docs:
    def search(self, query: str) -> str:
        """Search the documentation."""
        return f"docs: {query}"


class Web:
    def search(self, query: str) -> str:
        """Search the web."""
        return f"web: {query}"


def test_two_tools_with_one_name_are_refused_naming_both() -> None:
    fake = FakeGemini()
    chat = Conversation(fake.client(), model=MODEL)
    with pytest.raises(TypeError) as raised:
        chat.run_tools([Docs().search, Web().search], "Find it")
    message = str(raised.value)
    assert "'search'" in message and "Docs.search" in message and "Web.search" in message
    assert "name=" in message
    assert fake.requests == [], "nothing was sent"


def logged(function: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:  # no functools.wraps: every tool is "wrapper"
        return function(*args, **kwargs)

    return wrapper


@logged
def add(a: int, b: int) -> int:
    return a + b


@logged
def multiply(a: int, b: int) -> int:
    return a * b


def test_decorators_without_wraps_are_refused_instead_of_running_the_other_tool() -> None:
    chat = Conversation(FakeGemini().client(), model=MODEL)
    with pytest.raises(TypeError, match="two tools are named 'wrapper'"):
        chat.run_tools([add, multiply], "2 + 3?")


def test_named_declarations_run_the_right_callable() -> None:
    fake = FakeGemini()
    fake.reply(function_call("web_search", {"query": "cats"}, id="w"))
    fake.reply(function_call("docs_search", {"query": "dogs"}, id="d")).reply("Found.")
    run = Conversation(fake.client(), model=MODEL).run_tools(
        [
            function_tool(Docs().search, name="docs_search"),
            function_tool(Web().search, name="web_search"),
        ],
        "Find it",
    )
    assert [e.result for e in run.executions] == ["web: cats", "docs: dogs"]
    declared = fake.requests[0].body["tools"]
    assert [(t["name"], t["description"]) for t in declared] == [
        ("docs_search", "Search the documentation."),
        ("web_search", "Search the web."),
    ]


async def fetch_page(url: str) -> str:
    return url


def test_an_async_function_is_refused_by_the_sync_loop() -> None:
    fake = FakeGemini().reply(function_call("fetch_page", {"url": "x"})).reply("ok")
    with pytest.raises(TypeError, match=r"fetch_page is an async function.*AsyncConversation"):
        Conversation(fake.client(), model=MODEL).run_tools([fetch_page], "Fetch")
    with pytest.raises(TypeError, match="async function"):
        Conversation(fake.client(), model=MODEL, tools=[functools.partial(fetch_page)])
    assert fake.requests == [], "no coroutine was ever reported as a result"


def test_a_sync_wrapper_returning_a_coroutine_never_sends_it_as_a_result() -> None:
    def fetch(url: str) -> Any:
        return fetch_page(url)

    fake = FakeGemini().reply(function_call("fetch", {"url": "x"})).reply("ok")
    with pytest.raises(TypeError, match="returned an awaitable"):
        Conversation(fake.client(), model=MODEL).run_tools([fetch], "Fetch")
    assert len(fake.requests) == 1, "no '<coroutine object>' went to the model"


def test_a_lambda_has_no_name_to_declare() -> None:
    chat = Conversation(FakeGemini().client(), model=MODEL)
    with pytest.raises(TypeError, match=r"no usable name.*name="):
        chat.run_tools([lambda city: city], "x")


class Greeter:
    """Greet someone."""

    def __init__(self, greeting: str) -> None:
        self.greeting = greeting

    def __call__(self, who: str) -> str:
        return f"{self.greeting}, {who}"

    @staticmethod
    def shout(text: str, times: int = 1) -> str:
        """Shout a text."""
        return text.upper() * times

    def wave(self, who: str) -> str:
        """Wave at someone."""
        return f"{self.greeting} waves at {who}"


def power(base: int, exponent: int) -> int:
    """Raise a number to a power."""
    return int(base**exponent)


def test_partials_callable_objects_bound_and_static_methods_work() -> None:
    fake = FakeGemini()
    fake.reply(
        function_call("power", {"base": "3"}, id="p"),
        function_call("Greeter", {"who": "Ada"}, id="g"),
        function_call("shout", {"text": "hi", "times": 2}, id="s"),
        function_call("wave", {"who": "Bob"}, id="w"),
    )
    fake.reply("Done.")
    tools = [functools.partial(power, exponent=2), Greeter("Hello"), Greeter.shout]
    run = Conversation(fake.client(), model=MODEL, tools=tools).run_tools(
        [Greeter("Hi").wave], "Go"
    )
    assert [e.result for e in run.executions] == [9, "Hello, Ada", "HIHI", "Hi waves at Bob"]
    declared = {tool["name"]: tool for tool in fake.requests[0].body["tools"]}
    assert set(declared) == {"power", "Greeter", "shout", "wave"}
    assert declared["power"]["parameters"]["properties"] == {"base": {"type": "integer"}}, (
        "what the partial fixed is not the model's to choose"
    )
    assert declared["power"]["description"] == "Raise a number to a power."
    assert declared["Greeter"]["parameters"]["required"] == ["who"]
    assert "self" not in declared["wave"]["parameters"]["properties"]


def test_a_return_annotation_naming_a_local_class_does_not_matter() -> None:
    class Forecast(BaseModel):
        sky: str

    def forecast(city: str) -> Forecast:
        return Forecast(sky=f"clear over {city}")

    forecast.__annotations__["return"] = "Forecast"  # as `from __future__ import annotations`
    declared = function_tool(forecast)
    assert declared.parameters == {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    }


class Reading(BaseModel):
    celsius: float


def _results_of(value: Any) -> Any:
    fake = FakeGemini().reply(function_call("measure", {}, id="m")).reply("ok")

    def measure() -> Any:
        if isinstance(value, Exception):
            raise value
        return value

    Conversation(fake.client(), model=MODEL).run_tools([measure], "Measure")
    return fake.requests[1].body["input"][0]


def test_results_are_sent_in_shapes_the_api_accepts() -> None:
    listed = _results_of([Reading(celsius=1.5), {"x": 1}])
    assert listed["result"] == [{"type": "text", "text": '[{"celsius": 1.5}, {"x": 1}]'}], "W104"
    assert _results_of(None)["result"] == "null"
    assert _results_of(42)["result"] == "42"
    assert _results_of(Reading(celsius=2))["result"] == {"celsius": 2.0}
    when = dt.datetime(2026, 12, 4, 18, 30, tzinfo=dt.UTC)
    assert _results_of(when)["result"] == "2026-12-04T18:30:00Z"
    assert _results_of(Decimal("1.10"))["result"] == "1.10"
    ident = uuid.UUID(int=7)
    assert _results_of({"id": ident, "at": when})["result"] == {
        "id": str(ident),
        "at": "2026-12-04T18:30:00Z",
    }
    blocks = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert _results_of(blocks)["result"] == blocks, "content blocks are sent as they are"


def test_an_exception_goes_back_as_its_message_without_traceback_or_locals() -> None:
    secret = "hunter2"  # a local of the test; never reaches the model
    step = _results_of(RuntimeError("the sensor is offline"))
    assert step["is_error"] is True
    assert step["result"] == "RuntimeError: the sensor is offline"
    assert secret not in str(step)


def test_a_call_without_a_callable_is_an_error_result_listing_the_runnable_ones() -> None:
    fake = FakeGemini().reply(function_call("nope", {}, id="n")).reply("ok")
    declared_only = {"type": "function", "name": "nope"}  # declared, but nothing to run
    run = Conversation(fake.client(), model=MODEL, tools=[declared_only]).run_tools([power], "x")
    result = fake.requests[1].body["input"][0]
    assert result["is_error"] is True and "'nope'" in result["result"]
    assert "power" in result["result"] and run.finished


def test_parallel_async_calls_run_concurrently_and_results_keep_call_order() -> None:
    fake = FakeGemini()
    fake.reply(function_call("slow", {"n": 1}, id="a"), function_call("quick", {"n": 2}, id="b"))
    fake.reply("Both done.")
    both_running = asyncio.Event()
    finished: list[str] = []

    async def slow(n: int) -> str:
        # waits for `quick`, which only runs if the calls are concurrent
        await asyncio.wait_for(both_running.wait(), timeout=2)
        finished.append("slow")
        return f"slow {n}"

    async def quick(n: int) -> str:
        both_running.set()
        finished.append("quick")
        return f"quick {n}"

    async def main() -> None:
        chat = AsyncConversation(fake.async_client(), model=MODEL)
        run = await chat.run_tools([slow, quick], "Go")
        assert run.finished and not any(e.is_error for e in run.executions)

    asyncio.run(main())
    assert finished == ["quick", "slow"], "the second call finished first"
    results = fake.requests[1].body["input"]
    assert [(r["call_id"], r["result"]) for r in results] == [("a", "slow 1"), ("b", "quick 2")]


def test_a_plain_function_in_the_async_loop_does_not_block_the_event_loop() -> None:
    fake = FakeGemini()
    fake.reply(function_call("blocking", {}, id="a"), function_call("ticker", {}, id="b"))
    fake.reply("ok")
    released = threading.Event()

    def blocking() -> bool:
        # on the event loop's thread this would wait forever: `ticker` could never run
        return released.wait(timeout=2)

    async def ticker() -> str:
        await asyncio.sleep(0)
        released.set()
        return "ticked"

    async def main() -> None:
        run = await AsyncConversation(fake.async_client(), model=MODEL).run_tools(
            [blocking, ticker], "Go"
        )
        assert [e.result for e in run.executions] == [True, "ticked"]

    asyncio.run(main())


def test_an_error_the_function_raises_is_not_blamed_on_the_arguments() -> None:
    def lookup(code: str) -> str:
        City.model_validate({"code": code})  # the function's own validation fails
        return code

    fake = FakeGemini().reply(function_call("lookup", {"code": "X"}, id="l")).reply("ok")
    Conversation(fake.client(), model=MODEL).run_tools([lookup], "Look up X")
    result = fake.requests[1].body["input"][0]["result"]
    assert result.startswith("ValidationError: ") and "invalid arguments" not in result


def test_the_async_loop_refuses_ambiguity_and_answers_in_the_same_shapes() -> None:
    fake = FakeGemini()
    fake.reply(
        function_call("readings", {}, id="r"),
        function_call("broken", {}, id="b"),
        function_call("plan_trip", {"cities": "Paris"}, id="p"),
    )
    fake.reply("ok")

    async def readings() -> list[Reading]:
        return [Reading(celsius=1.5)]

    async def broken() -> None:
        raise RuntimeError("the sensor is offline")

    async def main() -> None:
        chat = AsyncConversation(fake.async_client(), model=MODEL)
        with pytest.raises(TypeError, match=r"two tools are named 'search'.*name="):
            await chat.run_tools([Docs().search, Web().search], "x")
        with pytest.raises(TypeError, match="no usable name"):
            await chat.run_tools([lambda: 1], "x")
        assert fake.requests == [] and chat.tools == [], "nothing was sent or kept declared"
        await chat.run_tools([readings, broken, plan_trip], "Measure")

    asyncio.run(main())
    listed, failed, invalid = fake.requests[1].body["input"]
    assert listed["result"] == [{"type": "text", "text": '[{"celsius": 1.5}]'}], "W104"
    assert failed == {
        "type": "function_result",
        "call_id": "b",
        "name": "broken",
        "result": "RuntimeError: the sensor is offline",
        "is_error": True,
    }
    assert invalid["is_error"] is True and invalid["result"].startswith("invalid arguments: ")

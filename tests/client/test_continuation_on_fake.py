"""Automatic continuation (fact W98) against the fake API: answers that stop with
`requires_continuation` continued hop by hop, plain and streamed, sync and async, store on and
off; streams dropped mid-hop continued from their last checkpoint; the bounds (a token that does
not change, reconnects without progress, the call's timeout); merged steps, usage and hop ids;
the warning without the option; and the fake's own refusals of hops W98 would not accept.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions.testing import FakeGemini, function_call
from gemini_interactions.types import StepDelta
from pydantic import BaseModel

from tests.conftest import PROJECT_ROOT

MODEL = "gemini-3.7-flash"
STORY = ("Once upon ", ["a time ", "there "], "was a fox.")
WHOLE = "Once upon a time there was a fox."


def _creates(fake: FakeGemini) -> list[dict[str, Any]]:
    return [r.body for r in fake.requests if r.operation == "interactions.create"]


# -- plain calls ----------------------------------------------------------------------------------
def test_store_on_hops_send_token_and_issuer_without_input_and_merge() -> None:
    fake = FakeGemini().reply_in_hops(*STORY)
    client = fake.client()
    result = client.interactions.create(
        model=MODEL,
        input="story",
        system_instruction="Be brief.",
        generation_config={"temperature": 0.2},
        automatic_continuation=True,
    )
    assert result.status == "completed" and result.text() == WHOLE
    assert result.continuation_ids == ["v1_fake0001", "v1_fake0002", "v1_fake0003"]
    first, second, third = _creates(fake)
    assert first["input"] == "story" and "continuation_token" not in first
    for hop, issuer in ((second, "v1_fake0001"), (third, "v1_fake0002")):
        assert "input" not in hop  # W98: the server rebuilds the context from the issuer
        assert hop["previous_interaction_id"] == issuer and hop["continuation_token"]
        # every other request field is kept
        assert hop["system_instruction"] == "Be brief."
        assert hop["generation_config"] == {"temperature": 0.2}
    assert second["continuation_token"] != third["continuation_token"]
    # the merged result describes the caller's turn, not the last hop's link to the one before
    assert result.previous_interaction_id is None
    assert "previous_interaction_id" not in result.to_dict()


def test_a_continued_turn_keeps_the_callers_previous_interaction() -> None:
    fake = FakeGemini().reply("first").reply_in_hops("a", "b")
    client = fake.client()
    first = client.interactions.create(model=MODEL, input="x")
    result = client.interactions.create(
        model=MODEL, input="y", previous_interaction_id=first.id, automatic_continuation=True
    )
    assert result.previous_interaction_id == first.id and result.text() == "ab"
    assert _creates(fake)[1]["previous_interaction_id"] == first.id
    assert _creates(fake)[2]["previous_interaction_id"] == (result.continuation_ids or [])[0]


def test_store_off_hops_resend_the_input_and_name_no_previous_interaction() -> None:
    fake = FakeGemini().reply_in_hops(*STORY)
    result = fake.client().interactions.create(
        model=MODEL, input="story", store=False, automatic_continuation=True
    )
    assert result.text() == WHOLE and result.continuation_ids == []
    hops = _creates(fake)[1:]
    assert len(hops) == 2
    for hop in hops:
        assert hop["input"] == "story" and "previous_interaction_id" not in hop
        assert hop["store"] is False and hop["continuation_token"]


def test_usage_is_summed_over_hops_totals_and_lists_by_modality() -> None:
    fake = FakeGemini().reply_in_hops(*STORY)
    result = fake.client().interactions.create(
        model=MODEL, input="story", automatic_continuation=True
    )
    hops = [fake.client().interactions.get(i) for i in result.continuation_ids or []]
    usage = result.usage
    assert usage is not None and len(hops) == 3
    assert usage.total_input_tokens == sum(h.to_dict()["usage"]["total_input_tokens"] for h in hops)
    assert usage.total_input_tokens == 24
    assert usage.total_output_tokens == len(WHOLE)
    assert usage.total_tokens == 24 + len(WHOLE)
    assert [(m.modality, m.tokens) for m in usage.output_tokens_by_modality or []] == [
        ("text", len(WHOLE))
    ]
    assert [(m.modality, m.tokens) for m in usage.input_tokens_by_modality or []] == [("text", 24)]


def test_initial_input_tokens_comes_from_the_first_hop_whichever_fields_exist() -> None:
    fake = FakeGemini().reply_in_hops("a", "b", "c")
    counts = iter([100, 7, 9])

    def with_initial(body: dict[str, Any]) -> dict[str, Any]:
        body["usage"]["initial_input_tokens"] = next(counts)
        return body

    fake.mutate(with_initial).mutate(with_initial).mutate(with_initial)
    result = fake.client().interactions.create(model=MODEL, input="x", automatic_continuation=True)
    usage = result.usage
    assert usage is not None
    assert usage.to_dict()["initial_input_tokens"] == 100  # not summed
    assert usage.total_input_tokens == 24


def test_without_the_option_the_answer_comes_as_is_with_one_warning() -> None:
    fake = FakeGemini().reply_in_hops("Once ", "upon")
    with pytest.warns(gi.ContinuationWarning, match="automatic_continuation=True") as caught:
        result = fake.client().interactions.create(model=MODEL, input="x")
    assert len(caught) == 1 and "bills the input again" in str(caught[0].message)
    assert result.status == "requires_continuation" and result.continuation_token
    assert len(_creates(fake)) == 1


def test_a_complete_answer_does_not_warn_and_false_does_not_continue() -> None:
    fake = FakeGemini().reply("done").reply_in_hops("a", "b")
    client = fake.client()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert client.interactions.create(model=MODEL, input="x").text() == "done"
    with pytest.warns(gi.ContinuationWarning):
        result = client.interactions.create(model=MODEL, input="x", automatic_continuation=False)
    assert result.status == "requires_continuation" and len(_creates(fake)) == 2


def test_requires_action_is_never_continued() -> None:
    fake = FakeGemini().reply(function_call("lookup", {"q": "x"}))
    fake.mutate(lambda body: {**body, "continuation_token": "dG9rZW4="})
    result = fake.client().interactions.create(
        model=MODEL,
        input="x",
        tools=[{"type": "function", "name": "lookup"}],
        automatic_continuation=True,
    )
    assert result.status == "requires_action" and len(_creates(fake)) == 1


def test_false_with_background_is_refused_before_sending() -> None:
    fake = FakeGemini()
    with pytest.raises(gi.RequestValidationError, match="background=True") as refused:
        fake.client().interactions.create(
            model=MODEL, input="x", background=True, automatic_continuation=False
        )
    assert refused.value.path == "automatic_continuation" and isinstance(refused.value, ValueError)
    assert fake.requests == []


def test_background_work_is_left_to_the_server_and_wait_keeps_polling() -> None:
    fake = FakeGemini().limit_output(5).reply("a long background answer", status=None)
    client = fake.client()
    started = client.interactions.create(
        model=MODEL, input="x", background=True, automatic_continuation=True
    )
    assert started.status == "in_progress" and len(_creates(fake)) == 1  # never cut
    assert client.interactions.wait(started.id).text() == "a long background answer"


def test_wait_does_not_stop_at_requires_continuation_of_background_work() -> None:
    fake = FakeGemini().reply("part", status="requires_continuation", duration=5.0)
    client = fake.client()
    started = client.interactions.create(model=MODEL, input="x", background=True)
    with pytest.raises(gi.WaitTimeoutError, match="requires_continuation"):
        client.interactions.wait(started.id, timeout=30.0)
    assert fake.now >= 30.0  # it polled on (on the fake's clock) instead of returning


def test_a_hop_that_hands_back_its_own_token_stops_with_a_clear_error() -> None:
    fake = FakeGemini().reply_in_hops("a", "b", "c")

    def same_token(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "continuation_token": fake.requests[-1].body["continuation_token"]}

    fake.delay(0).mutate(same_token)  # the second request (the first hop) answers its own token
    with pytest.raises(gi.ContinuationError, match="continuation_token it was sent") as stopped:
        fake.client().interactions.create(model=MODEL, input="x", automatic_continuation=True)
    assert len(_creates(fake)) == 2  # no third hop, no loop
    partial = stopped.value.partial
    assert partial is not None and partial.text() == "ab"
    assert stopped.value.continuation_ids == ("v1_fake0001", "v1_fake0002")


def test_a_failed_hop_keeps_the_answer_so_far_and_the_token_to_continue() -> None:
    fake = FakeGemini().reply_in_hops("Once ", "upon ", "a time")
    fake.delay(0).fail(400, message="nope")
    with pytest.raises(gi.ContinuationError) as stopped:
        fake.client().interactions.create(model=MODEL, input="x", automatic_continuation=True)
    error = stopped.value
    assert isinstance(error.__cause__, gi.BadRequestError)
    assert error.partial is not None and error.partial.text() == "Once "
    assert error.interaction_id == "v1_fake0001" and error.continuation_token
    # continuing by hand with what the error gives: no input needed, none sent (W98)
    rest = fake.client().interactions.create(
        model=MODEL,
        continuation_token=error.continuation_token,
        previous_interaction_id=error.interaction_id,
        automatic_continuation=True,
    )
    assert rest.text() == "upon a time" and len(rest.continuation_ids or []) == 2
    assert all("input" not in body for body in _creates(fake)[2:])


def test_a_hop_is_never_retried_after_a_dropped_connection() -> None:
    fake = FakeGemini().reply_in_hops("Once ", "upon")
    fake.delay(0).drop_connection()
    with pytest.raises(gi.ContinuationError) as stopped:
        fake.client(max_retries=3).interactions.create(
            model=MODEL, input="x", automatic_continuation=True
        )
    assert isinstance(stopped.value.__cause__, gi.APIConnectionError)
    assert len(_creates(fake)) == 2  # the dropped hop may have started billed work: not re-sent


def test_the_call_timeout_bounds_all_hops() -> None:
    fake = FakeGemini().reply_in_hops("a", "b", "c")

    def slow(body: dict[str, Any]) -> dict[str, Any]:
        fake.advance(6.0)  # each hop takes 6 s on the fake's clock
        return body

    fake.mutate(slow).mutate(slow).mutate(slow)
    with pytest.raises(gi.ContinuationError, match="within its timeout=4 s") as stopped:
        fake.client().interactions.create(
            model=MODEL, input="x", timeout=10.0, automatic_continuation=True
        )
    # the first hop took 6 s, so the second had the 4 s left as its deadline and ran out inside
    # it: the call stops there, the second hop (which may have started billed work) is not
    # re-sent, and the answer so far is the first hop's
    assert isinstance(stopped.value.__cause__, gi.APITimeoutError)
    assert len(_creates(fake)) == 2 and stopped.value.partial.text() == "a"


def test_the_output_budget_cuts_any_answer_into_hops() -> None:
    text = "The quick brown fox jumps over the lazy dog. " * 3
    fake = FakeGemini().limit_output(40).reply(text)
    result = fake.client().interactions.create(model=MODEL, input="x", automatic_continuation=True)
    assert result.text() == text
    assert len(result.continuation_ids or []) == 4 == len(_creates(fake))


def test_async_calls_continue_and_merge() -> None:
    fake = FakeGemini().reply_in_hops(*STORY)

    async def main() -> Any:
        async with fake.async_client() as client:
            return await client.interactions.create(
                model=MODEL, input="story", automatic_continuation=True
            )

    result = asyncio.run(main())
    assert result.text() == WHOLE and len(result.continuation_ids or []) == 3


# -- streams --------------------------------------------------------------------------------------
def _deltas(stream: Any) -> str:
    """The text of a stream's text deltas, read to its end."""
    return "".join(
        event.delta.text
        for event in stream
        if event.event_type == "step.delta" and event.delta.type == "text"
    )


@pytest.mark.parametrize("store", [True, False])
def test_a_stream_reads_every_hop_as_one_stream(store: bool) -> None:
    fake = FakeGemini().reply_in_hops(*STORY)
    client = fake.client()
    with client.interactions.create(
        model=MODEL, input="story", store=store, stream=True, automatic_continuation=True
    ) as stream:
        assert isinstance(stream, gi.Stream)
        assert _deltas(stream) == WHOLE  # text once, in order, across hops
        final = stream.final()
    assert final.text() == WHOLE and final.status == "completed"
    assert final.usage is not None and final.usage.total_output_tokens == len(WHOLE)
    hops = _creates(fake)
    assert len(hops) == 3 and all(hop["stream"] is True for hop in hops)
    if store:
        assert final.continuation_ids == ["v1_fake0001", "v1_fake0002", "v1_fake0003"]
        assert "input" not in hops[1] and hops[1]["previous_interaction_id"] == "v1_fake0001"
    else:
        assert hops[1]["input"] == "story" and "previous_interaction_id" not in hops[1]


def test_a_dropped_store_off_stream_continues_from_its_last_checkpoint() -> None:
    # hop 1: created, status, [start, delta, stop] "a", checkpoint, [start, delta, stop] "b" ...
    fake = FakeGemini().reply_in_hops(["a", "b"], "c")
    fake.cut_stream(after_events=6)  # dropped right after the checkpoint that follows "a"
    client = fake.client()
    stream = client.interactions.create(
        model=MODEL, input="story", store=False, stream=True, automatic_continuation=True
    )
    assert _deltas(stream) == "abc"
    assert stream.final().text() == "abc"
    first, resumed, last = _creates(fake)
    assert "continuation_token" not in first
    assert resumed["input"] == "story" and resumed["continuation_token"]  # the checkpoint's
    assert last["continuation_token"] not in (None, resumed["continuation_token"])


def test_a_dropped_store_on_stream_continues_from_the_checkpoints_issuer() -> None:
    fake = FakeGemini().reply_in_hops(["a", "b"], "c")
    fake.cut_stream(after_events=6)
    # re-streaming by event id fails, and so does reading the interaction back: only a new hop
    # from the checkpoint gets further
    fake.fail(503, times=2)
    client = fake.client(max_retries=0)
    client.resume_policy = gi.ResumePolicy(max_attempts=1)
    stream = client.interactions.create(
        model=MODEL, input="story", stream=True, automatic_continuation=True
    )
    assert _deltas(stream) == "abc"
    hops = _creates(fake)
    assert len(hops) == 3
    assert hops[1]["previous_interaction_id"] == "v1_fake0001" and "input" not in hops[1]


def test_a_drop_after_new_text_is_not_continued_so_no_text_repeats() -> None:
    fake = FakeGemini().reply_in_hops(["a", "b"], "c")
    fake.cut_stream(after_events=8)  # "b" has started since the checkpoint
    stream = fake.client().interactions.create(
        model=MODEL, input="story", store=False, stream=True, automatic_continuation=True
    )
    seen: list[str] = []
    with pytest.raises(gi.ContinuationError, match="without repeating text") as stopped:
        for event in stream:
            if isinstance(event, StepDelta):
                seen.append(getattr(event.delta, "text", ""))
    assert seen == ["a", "b"] and len(_creates(fake)) == 1
    assert stopped.value.continuation_token  # the checkpoint, to continue by hand


def test_reconnects_without_checkpoint_progress_are_bounded() -> None:
    fake = FakeGemini().reply_in_hops(["a", "b"], "c")
    fake.cut_stream(after_events=6)
    for _ in range(10):  # every hop from the checkpoint drops before a new one
        fake.cut_stream(after_events=2)
    stream = fake.client().interactions.create(
        model=MODEL, input="story", store=False, stream=True, automatic_continuation=True
    )
    with pytest.raises(gi.ContinuationError, match="made no progress"):
        _deltas(stream)
    assert len(_creates(fake)) == 1 + 4  # the first hop, three reconnects, the one over


def test_a_streamed_hop_that_hands_back_its_own_token_stops() -> None:
    fake = FakeGemini().reply_in_hops("a", "b", "c")

    def same_token(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "continuation_token": _creates(fake)[-1]["continuation_token"]}

    # the first hop's stream is cut, re-streaming fails, and the interaction read back instead
    # ends with the token the hop was sent
    fake.delay(0).cut_stream(after_events=2).fail(503).mutate(same_token)
    client = fake.client(max_retries=0)
    client.resume_policy = gi.ResumePolicy(max_attempts=1)
    stream = client.interactions.create(
        model=MODEL, input="x", stream=True, automatic_continuation=True
    )
    with pytest.raises(gi.ContinuationError, match="continuation_token it was sent") as stopped:
        _deltas(stream)
    assert len(_creates(fake)) == 2  # no third hop, no loop
    assert stopped.value.partial is not None and stopped.value.partial.text() == "ab"


def test_a_stream_without_the_option_warns_once_at_its_end() -> None:
    fake = FakeGemini().reply_in_hops("a", "b")
    with pytest.warns(gi.ContinuationWarning) as caught:
        stream = fake.client().interactions.create(model=MODEL, input="x", stream=True)
        final = stream.final()
    assert len(caught) == 1 and final.status == "requires_continuation"
    assert type(stream) is gi.Stream and len(_creates(fake)) == 1


def test_async_stream_over_http_continues_across_hops() -> None:
    fake = FakeGemini().reply_in_hops(["a", "b"], "c", "d")
    fake.cut_stream(after_events=6)

    async def main() -> tuple[str, Any]:
        with fake.serve() as base_url:
            async with gi.AsyncClient(api_key="k", base_url=base_url) as client:
                stream = await client.interactions.create(
                    model=MODEL,
                    input="story",
                    store=False,
                    stream=True,
                    automatic_continuation=True,
                )
                assert isinstance(stream, gi.AsyncStream)
                text = "".join([piece async for piece in stream.text_stream()])
                return text, await stream.final()

    text, final = asyncio.run(main())
    assert text == "abcd" and final.text() == "abcd"
    assert len(_creates(fake)) == 4


def test_sync_calls_over_http_continue() -> None:
    fake = FakeGemini().reply_in_hops(*STORY)
    with fake.serve() as base_url, gi.Client(api_key="k", base_url=base_url) as client:
        result = client.interactions.create(model=MODEL, input="story", automatic_continuation=True)
    assert result.text() == WHOLE and len(result.continuation_ids or []) == 3


# -- the fake refuses hops W98 would not accept ---------------------------------------------------
def test_the_fake_refuses_a_token_that_does_not_belong_to_the_named_interaction() -> None:
    fake = FakeGemini().reply("other").reply_in_hops("a", "b")
    client = fake.client()
    other = client.interactions.create(model=MODEL, input="x")
    with pytest.warns(gi.ContinuationWarning):
        cut = client.interactions.create(model=MODEL, input="x")
    with pytest.raises(gi.BadRequestError, match="does not belong to interaction") as refused:
        client.interactions.create(
            model=MODEL,
            input="x",
            continuation_token=cut.continuation_token,
            previous_interaction_id=other.id,
        )
    assert "W98" in str(refused.value.body)


def test_the_fake_refuses_unknown_tokens_and_store_off_hops_with_another_input() -> None:
    fake = FakeGemini().reply_in_hops("a", "b")
    client = fake.client()
    with pytest.raises(gi.BadRequestError, match="Invalid continuation_token"):
        client.interactions.create(model=MODEL, input="x", continuation_token="bm9uZQ==")
    with pytest.warns(gi.ContinuationWarning):
        cut = client.interactions.create(model=MODEL, input="x", store=False)
    with pytest.raises(gi.BadRequestError, match="does not belong to this input"):
        client.interactions.create(
            model=MODEL, input="y", store=False, continuation_token=cut.continuation_token
        )


def test_the_fake_refuses_a_stored_hop_that_sends_input() -> None:
    fake = FakeGemini().reply_in_hops("a", "b")
    with pytest.warns(gi.ContinuationWarning):
        cut = fake.client().interactions.create(model=MODEL, input="x")
    with httpx.Client(transport=fake.transport()) as raw:
        response = raw.post(
            "http://fake/v1beta/interactions",
            json={
                "model": MODEL,
                "input": "x",
                "continuation_token": cut.continuation_token,
                "previous_interaction_id": cut.id,
            },
            headers={"x-goog-api-key": "k"},
        )
    assert response.status_code == 400 and "must not send input" in response.text


# -- conversations --------------------------------------------------------------------------------
@pytest.mark.parametrize("store", [True, False])
def test_a_conversation_continues_its_turns_and_follows_the_last_hop(store: bool) -> None:
    fake = FakeGemini().reply_in_hops(*STORY).reply("next")
    settings: dict[str, Any] = {} if store else {"store": False}
    chat = gi.Conversation(fake.client(), model=MODEL, automatic_continuation=True, **settings)
    assert chat.send("story").text() == WHOLE
    assert chat.send("more").text() == "next"
    turn = _creates(fake)[-1]
    if store:
        assert turn["previous_interaction_id"] == "v1_fake0003" and turn["input"] == "more"
    else:  # the replayed history holds every hop's steps once
        texts = [
            part["text"]
            for step in turn["input"]
            if step["type"] == "model_output"
            for part in step["content"]
        ]
        assert "".join(texts) == WHOLE


def test_an_async_conversation_continues_its_turns() -> None:
    fake = FakeGemini().reply_in_hops("a", "b")

    async def main() -> str:
        chat = gi.AsyncConversation(fake.async_client(), model=MODEL, automatic_continuation=True)
        return (await chat.send("x")).text()

    assert asyncio.run(main()) == "ab"


def test_the_readme_continuation_example_runs() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("<!-- continuation-example -->\n```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "README.md (continuation example)", "exec"), {"__name__": "readme"})


def test_structured_output_is_parsed_from_the_merged_text() -> None:
    class City(BaseModel):
        city: str
        celsius: int

    fake = FakeGemini().reply_in_hops('{"city": "Pa', 'ris", "cel', 'sius": 21}')
    result = fake.client().interactions.create(
        model=MODEL, input="x", response_format=City, automatic_continuation=True
    )
    assert result.parsed == City(city="Paris", celsius=21)


def test_a_raw_response_is_the_first_http_answer_only() -> None:
    fake = FakeGemini().reply_in_hops("a", "b")
    raw = fake.client().with_raw_response.interactions.create(
        model=MODEL, input="x", automatic_continuation=True
    )
    assert raw.status_code == 200 and raw.parse().status == "requires_continuation"
    assert len(_creates(fake)) == 1  # one HTTP answer: no hop is sent behind it

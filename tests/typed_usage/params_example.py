"""Request dicts that pass `mypy --strict` (tests/generated/test_request_dicts.py checks this file
and runs it against the fake API; the same test shows mistakes in such dicts are caught)."""

from __future__ import annotations

from gemini_interactions import Client, types
from gemini_interactions.params import FunctionParam, ToolParam
from gemini_interactions.testing import FakeGemini


def main(client: Client) -> types.Interaction:
    weather: FunctionParam = {
        "type": "function",
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
    tools: list[ToolParam] = [weather, {"type": "google_search"}]
    return client.interactions.create(
        model="gemini-3.7-flash",
        input=[
            {"type": "text", "text": "hi"},
            {"type": "image", "uri": "https://b/c.png"},
        ],
        tools=[*tools, types.UrlContext(), {"type": "tool_search", "execution": "client"}],
        generation_config={"temperature": 0.2, "max_output_tokens": 64, "thinking_level": "low"},
        response_format={"type": "text", "mime_type": "application/json", "schema": {}},
    )


def replay(client: Client, previous: types.Interaction) -> types.Interaction:
    # a stateless turn: the returned steps (models) and new input (dicts) side by side
    return client.interactions.create(
        model="gemini-3.7-flash",
        store=False,
        input=[
            {"type": "user_input", "content": [{"type": "text", "text": "hi"}]},
            *(previous.steps or []),
            {"type": "user_input", "content": [{"type": "text", "text": "and tomorrow?"}]},
        ],
    )


if __name__ == "__main__":
    fake = FakeGemini()
    first = main(fake.client())
    replay(fake.client(), first)
    sent = fake.requests[0].body
    assert sent["tools"][0]["name"] == "get_weather" and sent["tools"][2] == {"type": "url_context"}
    print("ok")

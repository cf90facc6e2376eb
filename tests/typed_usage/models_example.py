"""A user's view of the generated models, type-checked with mypy --strict by the test suite."""

from __future__ import annotations

from gemini_interactions import (
    Client,
    FunctionCallStep,
    GenerationConfig,
    Interaction,
    ModelInteraction,
    SpeechConfig,
    Step,
    TextContent,
    UrlCitation,
    UrlContextCallStep,
    UserInputStep,
)
from gemini_interactions.conversation import function_tool


def build_request() -> ModelInteraction:
    config = GenerationConfig(
        thinking_summaries="auto",
        speech_config=[SpeechConfig(voice="Kore", language="en-US")],
    )
    return ModelInteraction(
        model="gemini-3.7-flash",
        input=[UserInputStep(content=[TextContent(text="Hello")])],
        generation_config=config,
    )


def function_calls(interaction: Interaction) -> list[FunctionCallStep]:
    steps: list[Step] = interaction.steps or []
    return [step for step in steps if isinstance(step, FunctionCallStep)]


def cited(text: str, citation: UrlCitation) -> str:
    return citation.span(text)


def main() -> None:
    request = build_request()
    body: dict[str, object] = request.to_dict()
    assert body["model"] == "gemini-3.7-flash"
    response = Interaction.model_validate(
        {
            "id": "int_1",
            "status": "requires_action",
            "steps": [{"type": "function_call", "id": "c1", "name": "f", "arguments": {"x": 1}}],
        }
    )
    calls = function_calls(response)
    assert [call.name for call in calls] == ["f"]
    step = UrlContextCallStep(id="u1", urls=["https://example.com"])
    assert step.to_dict()["arguments"] == {"urls": ["https://example.com"]}
    assert cited("día 😀", UrlCitation(start_index=0, end_index=4)) == "día"
    print("ok")


if __name__ == "__main__":
    main()


def current_time(zone: str) -> str:
    """The time in a zone."""
    return f"12:00 {zone}"


def tools_from_functions(client: Client) -> Interaction:
    # a helper's tool passes the method's own types (issue: dict[str, Any] was not a Tool)
    return client.interactions.create(
        model="gemini-3.7-flash", input="What time is it?", tools=[function_tool(current_time)]
    )

"""Each flow on the README's first page takes no more lines than the same flow written with
google-genai 3.x (issue: "each flow takes no more lines"), and the README's table says how many.

Our side is the README's first example, cut at its column-0 comments (one flow each). Google's
side is written here against google-genai 3.x's Interactions surface (`client.interactions`
with `create(..., stream=True)` events, `output_text`, `with_raw_response`; introspected from
the 3.3.0 and 3.6.1 bindings): what a user of that SDK writes for the same outcome, with the
parts it does not offer (a tool loop, replayed history, JSON schema and parsing, polling) done
by hand. Both sides are counted the same way: non-blank, non-comment lines after `ruff format`
at this project's line length, imports the flow needs included.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

GOOGLE_GENAI = {
    "A call and its text": """
interaction = client.interactions.create(model="gemini-3.7-flash", input="Say hello")
print(interaction.output_text)
for step in interaction.steps or []:
    print(type(step).__name__)
""",
    "Streaming": """
stream = client.interactions.create(model="gemini-3.7-flash", input="Tell a story", stream=True)
for event in stream:
    if event.event_type == "step.delta" and event.delta.type == "text":
        print(event.delta.text, end="")
    elif event.event_type == "interaction.completed":
        story = event.interaction
""",
    "Structured output": """
class Weather(BaseModel):
    city: str
    celsius: int


schema = {"type": "text", "mime_type": "application/json", "schema": Weather.model_json_schema()}
interaction = client.interactions.create(
    model="gemini-3.7-flash", input="Weather in Paris?", response_format=schema
)
weather = Weather.model_validate_json(interaction.output_text)
""",
    "Tools from plain functions": '''
def get_weather(city: str) -> str:
    """The current weather in a city."""
    return f"Sunny, 21 °C in {city}"


tool = {
    "type": "function",
    "name": "get_weather",
    "description": "The current weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}
interaction = client.interactions.create(
    model="gemini-3.7-flash", input="Paris weather?", tools=[tool]
)
while calls := [step for step in interaction.steps if step.type == "function_call"]:
    results = [
        {
            "type": "function_result",
            "call_id": c.id,
            "name": c.name,
            "result": get_weather(**c.arguments),
        }
        for c in calls
    ]
    interaction = client.interactions.create(
        model="gemini-3.7-flash",
        previous_interaction_id=interaction.id,
        input=results,
        tools=[tool],
    )
print(interaction.output_text)
''',
    "A stateless conversation": """
history = [{"type": "user_input", "content": [{"type": "text", "text": "My name is Ada."}]}]
first = client.interactions.create(model="gemini-3.7-flash", input=history, store=False)
history += [step.model_dump(exclude_none=True) for step in first.steps]
history.append({"type": "user_input", "content": [{"type": "text", "text": "What is my name?"}]})
second = client.interactions.create(model="gemini-3.7-flash", input=history, store=False)
print(second.output_text)
""",
    "Request dicts": """
client.interactions.create(
    model="gemini-3.7-flash",
    input=[{"type": "text", "text": "What's this?"}, {"type": "image", "uri": "https://b/c.png"}],
    tools=[{"type": "google_search"}],
)
""",
    "Background work": """
import time

job = client.interactions.create(
    agent="deep-research-preview-04-2026", input="...", background=True
)
while (done := client.interactions.get(id=job.id)).status == "in_progress":
    time.sleep(10)
""",
    "The HTTP response itself": """
raw = client.interactions.with_raw_response.get(id=job.id)
print(raw.status_code, raw.headers.get("x-goog-request-id"))
assert raw.parse().status == done.status
""",
}


def _count(code: str) -> int:
    lines = [line.strip() for line in code.splitlines()]
    return sum(1 for line in lines if line and not line.startswith("#"))


def _formatted(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", "flow.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return result.stdout


def _our_flows() -> dict[str, str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Using the generated client", 1)[1].split("```python\n", 1)[1]
    example = example.split("```", 1)[0]
    flows: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_heading = False  # a heading may go on over several comment lines
    for line in example.splitlines():
        if line.startswith("# "):
            if not in_heading:
                title = next((t for t in GOOGLE_GENAI if line[2:].startswith(t)), None)
                current = flows.setdefault(title, []) if title else None
            in_heading = True
            continue
        in_heading = False
        if current is not None:
            current.append(line)
    return {title: "\n".join(lines) for title, lines in flows.items()}


def counts() -> list[tuple[str, int, int]]:
    ours = _our_flows()
    return [
        (title, _count(ours[title]), _count(_formatted(code)))
        for title, code in GOOGLE_GENAI.items()
    ]


def test_every_flow_of_the_first_page_is_no_longer_than_with_google_genai() -> None:
    ours = _our_flows()
    assert set(ours) == set(GOOGLE_GENAI), "each README flow has its google-genai counterpart"
    longer = [(title, mine, theirs) for title, mine, theirs in counts() if mine > theirs]
    assert not longer, longer


def test_the_readme_table_states_the_counted_lines() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Lines per flow", 1)[1]
    table = section[section.index("| flow |") :].split("\n\n", 1)[0]
    rows = re.findall(r"^\| (.+?) \| (\d+) \| (\d+) \|$", table, flags=re.MULTILINE)
    assert [(title, int(mine), int(theirs)) for title, mine, theirs in rows] == counts()

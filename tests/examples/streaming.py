"""Stream an interaction and print the text as it arrives, then the complete interaction."""

import os

from gemini_interactions import Client, StepDelta, TextDelta

client = Client(base_url=os.environ.get("GEMINI_BASE_URL"))
with client.interactions.create(
    model="gemini-3.7-flash", input="Tell a story", stream=True
) as stream:
    for event in stream:
        if isinstance(event, StepDelta) and isinstance(event.delta, TextDelta):
            print(event.delta.text, end="")
    story = stream.final()
print()
print(f"status={story.status} steps={len(story.steps or [])}")

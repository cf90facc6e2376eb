"""Let the model call a typed Python function until it has its answer."""

import os

from gemini_interactions import Client
from gemini_interactions.conversation import Conversation, function_tool


def get_weather(city: str) -> dict[str, object]:
    """Current weather for a city."""
    return {"city": city, "temperature": 21}


client = Client(base_url=os.environ.get("GEMINI_BASE_URL"))
conversation = Conversation(client, model="gemini-3.7-flash", tools=[function_tool(get_weather)])
run = conversation.run_tools([get_weather], "Weather in Oslo?")
for execution in run.executions:
    print(f"called {execution.name}({execution.arguments}) -> {execution.result}")
print(f"answer={run.interaction.text()}")

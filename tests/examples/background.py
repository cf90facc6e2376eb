"""Run a Deep Research agent in the background and wait for it to finish."""

import os

from gemini_interactions import Client, RequestRuleError

client = Client(base_url=os.environ.get("GEMINI_BASE_URL"))
try:
    client.interactions.create(agent="deep-research-preview-04-2026", input="Survey SSE resumption")
except RequestRuleError as error:  # refused before sending: Deep Research needs both flags
    print(f"refused locally: {error.rule.rule}")
job = client.interactions.create(
    agent="deep-research-preview-04-2026",
    input="Survey SSE resumption",
    background=True,
    store=True,
)
done = client.interactions.wait(job.id or "", poll_interval=0.01)
print(f"status={done.status} text={done.text()}")

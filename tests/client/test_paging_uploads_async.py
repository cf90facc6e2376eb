"""Pagination, uploads from bytes / paths / files, and the async client under load."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import gemini_interactions as gi
import pytest
from gemini_interactions import AsyncClient, Client

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply

PAGES = {
    None: {
        "webhooks": [{"id": "w1", "uri": "https://a", "subscribed_events": []}],
        "next_page_token": "p2",
    },
    "p2": {
        "webhooks": [{"id": "w2", "uri": "https://b", "subscribed_events": []}],
        "next_page_token": "p3",
    },
    "p3": {"webhooks": [{"id": "w3", "uri": "https://c", "subscribed_events": []}]},
}


def paged(request: RecordedRequest) -> Reply:
    token = request.query.get("page_token", [None])[0]
    return Reply(body=PAGES[token])


def test_list_iterates_items_across_pages(client: Client, server: LoopbackServer) -> None:
    server.handler = paged
    webhooks = list(client.webhooks.list(page_size=1))
    assert [webhook.id for webhook in webhooks] == ["w1", "w2", "w3"]
    assert all(isinstance(webhook, gi.Webhook) for webhook in webhooks)
    tokens = [request.query.get("page_token") for request in server.requests]
    assert tokens == [None, ["p2"], ["p3"]]
    assert all(request.query["page_size"] == ["1"] for request in server.requests)


def test_a_single_page_and_a_page_in_the_middle(client: Client, server: LoopbackServer) -> None:
    server.handler = paged
    first = client.webhooks.list().first_page()
    assert isinstance(first, gi.ListWebhooksResponse) and first.next_page_token == "p2"
    middle = client.webhooks.list(page_token="p2").first_page()
    assert [w.id for w in middle.webhooks or []] == ["w2"]
    assert len(server.requests) == 2, "pagers fetch lazily"


def test_an_empty_list_answer_is_an_empty_iteration(client: Client, server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(body={})
    assert list(client.triggers.list()) == []


def test_a_repeated_page_token_stops_the_pager(client: Client, server: LoopbackServer) -> None:
    server.handler = lambda request: Reply(
        body={"agents": [{"id": "a"}], "next_page_token": "same"}
    )
    assert [agent.id for agent in client.agents.list()] == ["a", "a"]


def upload_session(server: LoopbackServer) -> None:
    def handler(request: RecordedRequest) -> Reply:
        if request.method == "PUT":
            return Reply(headers={"x-goog-upload-url": f"{server.url}/session/9?upload_id=abc"})
        return Reply(body={"path": "a.py"})

    server.handler = handler


@pytest.mark.parametrize("kind", ["bytes", "path", "file"])
def test_upload_from_bytes_paths_and_files(
    kind: str, client: Client, server: LoopbackServer, tmp_path: Path
) -> None:
    upload_session(server)
    content = "print('héllo')\n".encode()
    source = tmp_path / "main.py"
    source.write_bytes(content)
    data: object = {
        "bytes": content,
        "path": source,
        "file": io.BytesIO(content),
    }[kind]
    result = client.environments.files.upload("env-1", "src/main.py", data, overwrite=True)  # type: ignore[arg-type]
    start, finish = server.requests
    assert start.query["overwrite"] == ["true"]
    assert start.headers["x-goog-upload-header-content-length"] == str(len(content))
    expected_type = "application/octet-stream" if kind in ("bytes", "file") else "text/x-python"
    assert start.headers["x-goog-upload-header-content-type"] == expected_type
    assert finish.path == "/session/9" and finish.query == {"upload_id": ["abc"]}
    assert finish.body == content
    assert result == {"path": "a.py"}


def test_upload_content_type_can_be_given(client: Client, server: LoopbackServer) -> None:
    upload_session(server)
    client.environments.files.upload("e", "x.bin", b"\x00\x01", content_type="application/x-thing")
    assert server.requests[0].headers["x-goog-upload-header-content-type"] == "application/x-thing"


def test_async_client_calls_pages_and_uploads(server: LoopbackServer) -> None:
    async def scenario() -> None:
        async with AsyncClient(api_key=API_KEY, base_url=server.url) as client:
            server.handler = lambda request: Reply(body={"id": "v1_x", "status": "completed"})
            interaction = await client.interactions.create(model="gemini-3.7-flash", input="hi")
            assert isinstance(interaction, gi.Interaction) and interaction.id == "v1_x"
            server.handler = paged
            ids = [webhook.id async for webhook in client.webhooks.list()]
            assert ids == ["w1", "w2", "w3"]
            upload_session(server)
            assert await client.environments.files.upload("e", "a.py", b"1") == {"path": "a.py"}
            with pytest.raises(gi.RequestRuleError):
                await client.interactions.create(agent="deep-research-preview-04-2026", input="x")

    asyncio.run(scenario())


def test_five_hundred_concurrent_async_requests_complete_without_errors(
    server: LoopbackServer,
) -> None:
    server.handler = lambda request: Reply(
        body={"id": request.path.rsplit("/", 1)[-1], "status": "completed"}
    )

    async def scenario() -> list[str | None]:
        async with AsyncClient(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            results = await asyncio.gather(
                *(client.interactions.get(f"v1_{index}") for index in range(500)),
                return_exceptions=True,
            )
        errors = [result for result in results if isinstance(result, BaseException)]
        assert errors == []
        return [result.id for result in results if isinstance(result, gi.Interaction)]

    ids = asyncio.run(scenario())
    assert sorted(ids, key=lambda value: int(str(value)[3:])) == [f"v1_{i}" for i in range(500)]
    assert len(server.requests) == 500

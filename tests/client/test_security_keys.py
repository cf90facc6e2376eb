"""Where the API key may go, and where it must never show up (issue 30, runtime half).

The key goes to the configured origin over the configured scheme only: not to an upload
session URL on another origin, not along a redirect (even with a user's
`httpx.Client(follow_redirects=True)`), and never into a repr, a pickled error or an error
message a server echoed it into.
"""

from __future__ import annotations

import copy
import importlib.util
import io
import pickle
from collections.abc import Iterator
from pathlib import Path

import gemini_interactions as gi
import httpx
import pytest
from gemini_interactions import Client
from gemini_interactions.webhooks import WebhookVerificationError

from tests.client.conftest import API_KEY
from tests.client.loopback import LoopbackServer, RecordedRequest, Reply, serve


@pytest.fixture
def elsewhere() -> Iterator[LoopbackServer]:
    """A second server: another origin (same host, another port)."""
    yield from serve()


def upload_via(server: LoopbackServer, session_url: str) -> None:
    def handler(request: RecordedRequest) -> Reply:
        if request.method == "PUT":
            return Reply(headers={"x-goog-upload-url": session_url})
        return Reply(body={"path": "a.py"})

    server.handler = handler


def test_an_upload_session_on_another_origin_never_gets_the_key(
    client: Client, server: LoopbackServer, elsewhere: LoopbackServer
) -> None:
    upload_via(server, f"{elsewhere.url}/session/1?upload_id=abc")
    elsewhere.handler = lambda request: Reply(body={"path": "a.py"})
    assert client.environments.files.upload("env-1", "a.py", b"data") == {"path": "a.py"}
    (start,) = server.requests
    (finish,) = elsewhere.requests
    assert start.headers["x-goog-api-key"] == API_KEY
    assert "x-goog-api-key" not in finish.headers
    assert finish.body == b"data"


def test_an_upload_session_on_the_configured_origin_gets_the_key(
    client: Client, server: LoopbackServer
) -> None:
    upload_via(server, "/session/2?upload_id=abc")  # relative: resolved against the API's URL
    client.environments.files.upload("env-1", "a.py", b"data")
    _, finish = server.requests
    assert finish.path == "/session/2" and finish.headers["x-goog-api-key"] == API_KEY


def test_an_upload_session_url_that_is_not_http_is_refused(
    client: Client, server: LoopbackServer
) -> None:
    upload_via(server, "file:///etc/passwd")
    with pytest.raises(gi.GeminiError, match="not http"):
        client.environments.files.upload("env-1", "a.py", b"data")
    assert len(server.requests) == 1


def test_a_redirect_to_another_origin_is_not_followed_even_by_a_following_client(
    server: LoopbackServer, elsewhere: LoopbackServer
) -> None:
    server.handler = lambda request: Reply(
        status=302, headers={"location": f"{elsewhere.url}/v1beta/interactions/x"}
    )
    elsewhere.handler = lambda request: Reply(body={"id": "x", "status": "completed"})
    http = httpx.Client(follow_redirects=True)
    client = Client(api_key=API_KEY, base_url=server.url, http_client=http, max_retries=0)
    with client, pytest.raises(gi.APIStatusError) as raised:
        client.interactions.get("x")
    assert raised.value.status_code == 302 and "not followed" in str(raised.value)
    assert elsewhere.requests == [], "the key (and the request) went to another origin"
    http.close()


def test_the_key_is_in_no_repr_and_no_pickled_or_copied_error(
    server: LoopbackServer,
) -> None:
    server.handler = lambda request: Reply(
        status=400, body={"error": {"code": 400, "message": f"API key {API_KEY} is not valid"}}
    )
    client = Client(api_key=API_KEY, base_url=server.url, max_retries=0)
    assert API_KEY not in repr(client) and API_KEY not in repr(client._settings)
    with pytest.raises(gi.BadRequestError) as raised:
        client.interactions.get("x")
    error = raised.value
    assert API_KEY not in str(error) and API_KEY not in error.message
    assert "***" in error.message, "the echoed key is redacted"
    assert API_KEY not in repr(error.body)
    blob = pickle.dumps(error)
    assert API_KEY.encode() not in blob
    again = pickle.loads(blob)
    assert type(again) is gi.BadRequestError and str(again) == str(error)
    assert again.status_code == 400 and again.request_id == error.request_id
    assert copy.copy(error).message == error.message
    client.close()


def every_error() -> list[gi.GeminiError]:
    request = httpx.Request("GET", "https://example.test/v1beta/x", headers={"x-goog-api-key": "k"})
    response = httpx.Response(500, json={"error": {"message": "m"}}, request=request)
    made: list[gi.GeminiError] = [
        gi.GeminiError("plain"),
        gi.APIConnectionError("c", method="GET", url="https://example.test"),
        gi.APITimeoutError("t", method="GET", url="https://example.test"),
        gi.APIResponseValidationError(response, "r"),
        gi.RequestValidationError("v", path="p"),
        gi.StreamError("s", body={"a": 1}, events_received=2),
        gi.ResponseLimitError("l", limit="max_body_bytes", method="GET", url="u"),
        WebhookVerificationError("w"),
    ]
    made += [cls(response, None) for cls in (gi.APIStatusError, gi.InternalServerError)]
    return made


@pytest.mark.parametrize("error", every_error(), ids=lambda error: type(error).__name__)
def test_every_error_type_pickles_and_copies(error: gi.GeminiError) -> None:
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(again) is type(error) and str(again) == str(error)
        assert {k: v for k, v in vars(again).items() if k != "response"} == {
            k: v for k, v in vars(error).items() if k != "response"
        }
    assert b"x-goog-api-key" not in pickle.dumps(error)


def test_userinfo_in_the_base_url_is_in_no_repr_or_error_url() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    http = httpx.Client(transport=httpx.MockTransport(refuse))
    base = "https://proxyuser:proxy-PASSWORD@example.test"
    with Client(api_key=API_KEY, base_url=base, http_client=http, max_retries=0) as client:
        assert "PASSWORD" not in repr(client)
        with pytest.raises(gi.APIConnectionError) as raised:
            client.interactions.get("x")
    assert "PASSWORD" not in str(raised.value) and "PASSWORD" not in raised.value.url
    assert "example.test/v1beta/interactions/x" in raised.value.url


def test_a_str_given_to_an_upload_is_never_read_as_a_path(
    client: Client, server: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_bytes(b"PRIVATE KEY")
    monkeypatch.chdir(tmp_path)
    for given in (str(secret), "id_rsa"):
        with pytest.raises(gi.RequestValidationError, match=r"pathlib\.Path") as raised:
            client.environments.files.upload("env-1", "a.py", given)  # type: ignore[arg-type]
        assert raised.value.path == "data"
    assert server.requests == []
    upload_via(server, "/session/3")
    client.environments.files.upload("env-1", "a.py", secret)  # a Path is a path
    client.environments.files.upload("env-1", "a.py", io.BytesIO(b"x"))
    assert server.requests[1].body == b"PRIVATE KEY"


@pytest.mark.parametrize("bad_id", ["..", ".", "%2e%2E", ""])
def test_dot_ids_are_refused_as_request_validation_errors(client: Client, bad_id: str) -> None:
    with pytest.raises(gi.RequestValidationError, match="not a usable path segment") as raised:
        client.interactions.get(bad_id)
    assert raised.value.path == "interactionsId"  # the path parameter, as the spec names it


def test_a_socks_proxy_without_socksio_is_a_clear_client_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if importlib.util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed: the proxy works")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1")
    client = Client(api_key=API_KEY, max_retries=0)
    with client, pytest.raises(gi.GeminiError, match=r"httpx\[socks\]"):
        client.interactions.get("x")

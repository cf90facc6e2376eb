#!/usr/bin/env python3
"""Benchmarks of the generated client beside Google's SDK (google-genai 3.3.0), in one run.

Not a test: it prints a table and writes the raw figures to build/bench.json. Run it with
`make bench`, which installs the `bench` extra (google-genai) first. Both clients are driven
offline through an injected `httpx` client with a `MockTransport`, on the same bytes from
../shared/bench/payloads/; google-genai is measured by its anchor script
(../shared/bench/anchor_google_genai.py) in a subprocess of the same run.

Figures (medians of --repeats runs):
1. cold import to a usable client, in a fresh interpreter; and cold start to the first parsed
   response (fresh interpreter: import, client over a mock transport, one small `create`,
   parsed), for both clients, measured here side by side;
2. parse of large_interaction.json through `get`, our models' `validate_json` alone, and
   `json.loads` as the floor;
3. SSE: stream.sse (10,047 events) through `create(stream=True)`, sync and async, one event per
   chunk and 64 KiB chunks, each beside its floor: the same bytes through httpx's client of the
   same kind (sync or async), split into events and `json.loads`ed;
4. per-request overhead of sequential small `create` calls, sync and async, with bare httpx +
   `json.loads` as the floor;

A figure "of the floor" is the median of the repeats' own ratios: within each repeat our path
and its floor take turns (streams and small calls), so both see the same machine.
5. the fake API's HTTP server streaming stream.sse: the rate it serves at, beside the rate our
   client consumes it through the same server;
6. `generate` and `check` wall time and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
PAYLOADS = SHARED / "bench" / "payloads"
ANCHOR = SHARED / "bench" / "anchor_google_genai.py"
GENERATED = ROOT / "generated"
sys.path.insert(0, str(GENERATED))

import gemini_interactions as gi  # noqa: E402
import httpx  # noqa: E402


def median_runs(
    fn: Callable[[], Any], repeats: int, iters: int = 1, warmup: int = 1
) -> list[float]:
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        for _ in range(iters):
            fn()
        runs.append((time.perf_counter() - start) / iters)
    return runs


def paired_runs(
    paths: dict[str, Callable[[], Any]], repeats: int, iters: int = 1
) -> dict[str, list[float]]:
    """Seconds per call of each path, the paths taking turns within every repeat: drift on a
    shared machine then touches all of them alike, and a ratio of one repeat is side by side."""
    for fn in paths.values():
        fn()
    runs: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeats):
        for name, fn in paths.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(iters):
                fn()
            runs[name].append((time.perf_counter() - start) / iters)
    return runs


async def async_paired_runs(
    paths: dict[str, Callable[[], Awaitable[Any]]], repeats: int, iters: int = 1
) -> dict[str, list[float]]:
    """`paired_runs` for coroutines, in one event loop."""
    for fn in paths.values():
        await fn()
    runs: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(repeats):
        for name, fn in paths.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(iters):
                await fn()
            runs[name].append((time.perf_counter() - start) / iters)
    return runs


def paired_ratio(runs: list[float], floor: list[float]) -> float:
    """The median of the repeats' own ratios (each measured side by side)."""
    return round(statistics.median(a / b for a, b in zip(runs, floor, strict=True)), 2)


def record(results: list[dict[str, Any]], **fields: Any) -> None:
    results.append(fields)
    print(json.dumps(fields), flush=True)


def bench_import(results: list[dict[str, Any]], repeats: int) -> None:
    code = (
        "import time; t = time.perf_counter(); import gemini_interactions as g; "
        "g.Client(api_key='bench-key').interactions; print(time.perf_counter() - t)"
    )
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(repeats)
    ]
    record(
        results,
        bench="import",
        client="ours",
        ms=round(statistics.median(runs) * 1000, 1),
        runs_ms=[round(r * 1000, 1) for r in runs],
    )


_COLD_START = {
    "ours": (
        "import time; t = time.perf_counter()\n"
        "import httpx, gemini_interactions as g\n"
        "body = open({payload!r}, 'rb').read()\n"
        "answer = lambda request: httpx.Response(\n"
        "    200, headers={{'content-type': 'application/json'}}, content=body)\n"
        "client = g.Client(api_key='bench-key',\n"
        "    http_client=httpx.Client(transport=httpx.MockTransport(answer)))\n"
        "result = client.interactions.create(model='gemini-3-flash-preview', input='hi')\n"
        "assert result.id and result.steps\n"
        "print(time.perf_counter() - t)\n"
    ),
    "google-genai": (
        "import time; t = time.perf_counter()\n"
        "import httpx\n"
        "from google import genai\n"
        "body = open({payload!r}, 'rb').read()\n"
        "answer = lambda request: httpx.Response(\n"
        "    200, headers={{'content-type': 'application/json'}}, content=body)\n"
        "client = genai.Client(api_key='bench-key', http_options={{\n"
        "    'httpx_client': httpx.Client(transport=httpx.MockTransport(answer))}})\n"
        "result = client.interactions.create(model='gemini-3-flash-preview', input='hi')\n"
        "assert result.id and result.steps\n"
        "print(time.perf_counter() - t)\n"
    ),
    "floor": (
        "import time; t = time.perf_counter()\n"
        "import httpx, pydantic\n"
        "class Interaction(pydantic.BaseModel):\n"
        "    id: str\n"
        "    status: str\n"
        "    steps: list[dict[str, object]] = []\n"
        "body = open({payload!r}, 'rb').read()\n"
        "answer = lambda request: httpx.Response(\n"
        "    200, headers={{'content-type': 'application/json'}}, content=body)\n"
        "http = httpx.Client(transport=httpx.MockTransport(answer))\n"
        "response = http.post('https://floor.invalid/v1beta/interactions',\n"
        "    json={{'model': 'gemini-3-flash-preview', 'input': 'hi'}})\n"
        "result = Interaction.model_validate_json(response.content)\n"
        "assert result.id and result.steps\n"
        "print(time.perf_counter() - t)\n"
    ),
}
"""Fresh interpreter → import → client → one `create` answered by a mock transport → parsed.
The floor is a hand-written program: httpx and pydantic, one small model, one post, parsed."""


def bench_cold_start(results: list[dict[str, Any]], repeats: int, anchor: bool = True) -> None:
    """Each repeat starts every program once, in turn (ours, google-genai, the floor)."""
    payload = str(PAYLOADS / "small_interaction.json")
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "PYTHONDONTWRITEBYTECODE": ""}
    codes = {
        client: template.format(payload=payload)
        for client, template in _COLD_START.items()
        if client != "google-genai" or (anchor and _has_google_genai())
    }

    def start(code: str) -> float:
        process = subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
        )
        return float(process.stdout)

    for code in codes.values():  # compiled and cached once before timing
        start(code)
    runs: dict[str, list[float]] = {client: [] for client in codes}
    for _ in range(repeats):
        for client, code in codes.items():
            runs[client].append(start(code))
    for client, times in runs.items():
        record(
            results,
            bench="cold_start",
            client=client,
            ms=round(statistics.median(times) * 1000, 1),
            runs_ms=[round(r * 1000, 1) for r in times],
            **({"of_floor": paired_ratio(times, runs["floor"])} if client != "floor" else {}),
        )


def _has_google_genai() -> bool:
    try:
        return importlib.util.find_spec("google.genai") is not None
    except ModuleNotFoundError:  # no `google` namespace at all
        return False


def bench_fake(results: list[dict[str, Any]], repeats: int) -> None:
    """The fake's HTTP server streaming stream.sse: its serving rate and our client's rate."""
    from gemini_interactions.testing import FakeGemini

    body = (PAYLOADS / "stream.sse").read_bytes()
    events = body.count(b"\n\n")
    fake = FakeGemini()
    serve_runs, client_runs = [], []
    with fake.serve() as base_url, httpx.Client() as http:
        client = gi.Client(api_key="bench-key", base_url=base_url, http_client=http)
        for _ in range(repeats):
            fake.reply_raw_stream(body)
            started = time.perf_counter()
            with http.stream(
                "POST", f"{base_url}/interactions?alt=sse", headers={"x-goog-api-key": "k"}
            ) as response:
                received = sum(len(chunk) for chunk in response.iter_raw())
            serve_runs.append(time.perf_counter() - started)
            assert received == len(body)
            fake.reply_raw_stream(body)
            started = time.perf_counter()
            count = sum(
                1
                for _ in client.interactions.create(
                    model="gemini-3-flash-preview", input="hi", stream=True
                )
            )
            client_runs.append(time.perf_counter() - started)
            assert count == events, count
    for path, runs in (("fake_serves", serve_runs), ("client_consumes", client_runs)):
        record(
            results,
            bench="fake_sse",
            path=path,
            events=events,
            events_per_s=round(events / statistics.median(runs)),
        )


_MEMORY = (
    "import json, resource, sys\n"
    "sys.setrecursionlimit(10_000)\n"
    "import httpx, pydantic, gemini_interactions as g\n"
    "template = json.loads(open({payload!r}, 'rb').read())\n"
    "copies = {copies}\n"
    "body = json.dumps({{**template, 'steps': template['steps'] * copies}}).encode()\n"
    "warm = json.dumps({{**template, 'steps': template['steps'][:9]}})\n"
    "g.Interaction.model_validate_json(warm)  # the models are built before the baseline\n"
    "del template\n"
    "answer = lambda request: httpx.Response(\n"
    "    200, headers={{'content-type': 'application/json'}}, content=body)\n"
    "client = g.Client(api_key='bench-key', max_retries=0,\n"
    "    http_client=httpx.Client(transport=httpx.MockTransport(answer)))\n"
    "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "if {path!r} == 'ours_get':\n"
    "    result = client.interactions.get('v1_x')\n"
    "    assert len(result.steps) == 200 * copies\n"
    "else:\n"
    "    result = json.loads(body)\n"
    "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "print(json.dumps({{'body_mb': len(body) / 1e6, 'peak_growth_mb': (after - before) / 1024}}))\n"
)
"""A ~50 MB interaction (large_interaction.json's steps repeated, built in memory) read through
`get` and through `json.loads`, each in a fresh interpreter: how far the peak RSS grows."""


def bench_memory(results: list[dict[str, Any]]) -> None:
    payload = str(PAYLOADS / "large_interaction.json")
    size = (PAYLOADS / "large_interaction.json").stat().st_size
    copies = max(1, round(50e6 / size))
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "PYTHONDONTWRITEBYTECODE": ""}
    for path in ("ours_get", "json_loads_floor"):
        code = _MEMORY.format(payload=payload, copies=copies, path=path)
        process = subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
        )
        figures = json.loads(process.stdout)
        record(
            results,
            bench="memory",
            path=path,
            body_mb=round(figures["body_mb"], 1),
            peak_growth_mb=round(figures["peak_growth_mb"], 1),
            of_body=round(figures["peak_growth_mb"] / figures["body_mb"], 2),
        )


def mock_client(handler: Callable[[httpx.Request], httpx.Response]) -> gi.Client:
    return gi.Client(
        api_key="bench-key",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        max_retries=0,
    )


def bench_parse(results: list[dict[str, Any]], repeats: int, iters: int) -> None:
    body = (PAYLOADS / "large_interaction.json").read_bytes()
    client = mock_client(
        lambda request: httpx.Response(
            200, content=body, headers={"content-type": "application/json"}
        )
    )
    tracemalloc.start()
    client.interactions.get("v1_x")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    paths = {
        "ours_get": lambda: client.interactions.get("v1_x"),
        "ours_validate_json": lambda: gi.Interaction.model_validate_json(body),
        "json_loads_floor": lambda: json.loads(body),
    }
    for name, fn in paths.items():
        runs = median_runs(fn, repeats, iters)
        record(
            results,
            bench="parse",
            path=name,
            ms=round(statistics.median(runs) * 1000, 2),
            peak_mb_first_get=round(peak / 1e6, 1),
        )


def _chunks(sse: bytes, mode: str) -> list[bytes]:
    if mode == "event":
        return [part + b"\n\n" for part in sse.split(b"\n\n") if part]
    return [sse[i : i + 65536] for i in range(0, len(sse), 65536)]


class _SyncChunks(httpx.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


class _AsyncChunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def bench_sse(results: list[dict[str, Any]], repeats: int) -> None:
    """Our streams beside their floor, taking turns: sync against the same bytes through httpx's
    sync client split and `json.loads`ed, async against its async client."""
    sse = (PAYLOADS / "stream.sse").read_bytes()
    events = sse.count(b"\ndata: ") + sse.startswith(b"data: ")
    for mode in ("event", "64k"):
        chunks = _chunks(sse, mode)

        def sync_handler(request: httpx.Request, chunks: list[bytes] = chunks) -> httpx.Response:
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, stream=_SyncChunks(chunks)
            )

        client = mock_client(sync_handler)
        http = httpx.Client(transport=httpx.MockTransport(sync_handler))

        def run_sync(client: gi.Client = client) -> None:
            count = sum(1 for _ in client.interactions.create(model="m", input="go", stream=True))
            assert count == events, count

        def run_floor(http: httpx.Client = http) -> None:
            assert _floor_events(http) == events

        runs = paired_runs({"ours": run_sync, "floor": run_floor}, repeats)
        _record_sse(results, "sync", mode, events, runs)

        async def async_handler(
            request: httpx.Request, chunks: list[bytes] = chunks
        ) -> httpx.Response:
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, stream=_AsyncChunks(chunks)
            )

        async def run_async() -> dict[str, list[float]]:
            aclient = gi.AsyncClient(
                api_key="bench-key",
                http_client=httpx.AsyncClient(transport=httpx.MockTransport(async_handler)),
            )
            ahttp = httpx.AsyncClient(transport=httpx.MockTransport(async_handler))

            async def ours() -> None:
                stream = await aclient.interactions.create(model="m", input="go", stream=True)
                count = 0
                async for _ in stream:
                    count += 1
                assert count == events, count

            async def floor() -> None:
                assert await _async_floor_events(ahttp) == events

            return await async_paired_runs({"ours": ours, "floor": floor}, repeats)

        _record_sse(results, "async", mode, events, asyncio.run(run_async()))


def _record_sse(
    results: list[dict[str, Any]], api: str, mode: str, events: int, runs: dict[str, list[float]]
) -> None:
    for path, bench in (("ours", "sse"), ("floor", "sse_floor")):
        record(
            results,
            bench=bench,
            api=api,
            chunking=mode,
            events=events,
            events_per_s=round(events / statistics.median(runs[path])),
            **({"of_floor": paired_ratio(runs["floor"], runs["ours"])} if path == "ours" else {}),
        )


def _floor_events(http: httpx.Client) -> int:
    """The SSE floor: the same HTTP bytes split into events and `json.loads`ed, nothing typed."""
    count = 0
    with http.stream("POST", "https://floor.invalid/v1beta/interactions") as response:
        pending = b""
        for chunk in response.iter_bytes():
            pending += chunk
            *events, pending = pending.split(b"\n\n")
            for event in events:
                for line in event.split(b"\n"):
                    if line.startswith(b"data: "):
                        json.loads(line[6:])
                        count += 1
    return count


async def _async_floor_events(http: httpx.AsyncClient) -> int:
    """The async SSE floor: the same bytes through httpx's async client, split and parsed.

    Written out like the sync floor on purpose: a helper shared by the two would add a call per
    chunk (per event, with one event a chunk) to the floor it measures."""
    count = 0
    async with http.stream("POST", "https://floor.invalid/v1beta/interactions") as response:
        pending = b""
        async for chunk in response.aiter_bytes():
            pending += chunk
            *events, pending = pending.split(b"\n\n")
            for event in events:
                for line in event.split(b"\n"):
                    if line.startswith(b"data: "):
                        json.loads(line[6:])
                        count += 1
    return count


def bench_overhead(results: list[dict[str, Any]], repeats: int, calls: int) -> None:
    """Sequential small `create` calls beside bare httpx + `json.loads`, taking turns."""
    small = (PAYLOADS / "small_interaction.json").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=small, headers={"content-type": "application/json"})

    client = mock_client(handler)
    bare = httpx.Client(transport=httpx.MockTransport(handler))
    runs = paired_runs(
        {
            "ours_create": lambda: client.interactions.create(
                model="gemini-3-flash-preview", input="Say hello"
            ),
            "bare_httpx_json_loads_floor": lambda: json.loads(
                bare.post(
                    "https://x.invalid/v1beta/interactions", json={"model": "m", "input": "hi"}
                ).content
            ),
        },
        repeats,
        calls,
    )
    _record_overhead(results, "sync", runs)

    async def async_handler(request: httpx.Request) -> httpx.Response:
        return handler(request)

    async def run_async() -> dict[str, list[float]]:
        aclient = gi.AsyncClient(
            api_key="bench-key",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(async_handler)),
            max_retries=0,
        )
        abare = httpx.AsyncClient(transport=httpx.MockTransport(async_handler))

        async def ours() -> None:
            await aclient.interactions.create(model="gemini-3-flash-preview", input="Say hello")

        async def floor() -> None:
            response = await abare.post(
                "https://x.invalid/v1beta/interactions", json={"model": "m", "input": "hi"}
            )
            json.loads(response.content)

        return await async_paired_runs(
            {"ours_create": ours, "bare_httpx_json_loads_floor": floor}, repeats, calls
        )

    _record_overhead(results, "async", asyncio.run(run_async()))


def _record_overhead(results: list[dict[str, Any]], api: str, runs: dict[str, list[float]]) -> None:
    floor = runs["bare_httpx_json_loads_floor"]
    for path, times in runs.items():
        record(
            results,
            bench="overhead",
            api=api,
            path=path,
            us_per_call=round(statistics.median(times) * 1e6, 1),
            **({"of_floor": paired_ratio(times, floor)} if path == "ours_create" else {}),
        )


def bench_generation(results: list[dict[str, Any]], repeats: int) -> None:
    for command in ("generate --out build/bench-generated", "check"):
        runs, peaks = [], []
        for _ in range(min(repeats, 3)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "generator", "--offline", *command.split()],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            runs.append(time.perf_counter() - start)
            peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
        record(
            results,
            bench="generation",
            command=command.split()[0],
            s=round(statistics.median(runs), 2),
            peak_rss_mb=round(max(peaks) / 1024, 1),
        )


def run_anchor(repeats: int, calls: int) -> list[dict[str, Any]]:
    if not _has_google_genai():
        print(
            "google-genai is not installed: run `make bench` (it installs the bench extra)",
            file=sys.stderr,
        )
        return []
    process = subprocess.run(
        [
            sys.executable,
            str(ANCHOR),
            "--payload-dir",
            str(PAYLOADS),
            "--repeats",
            str(repeats),
            "--calls",
            str(calls),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]


def _cells(*values: object) -> str:
    return "| " + " | ".join(str(value) for value in values) + " |"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def _find(rows: list[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    return next((row for row in rows if all(row.get(k) == v for k, v in match.items())), None)


def table(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[str]:
    """The comparison table, as Markdown lines."""
    lines = [
        _cells("figure", "ours", "google-genai", "ours / google-genai", "ours / floor"),
        _cells(*["---"] * 5),
    ]
    mine = _find(ours, bench="import")
    other = _find(theirs, bench="import", metric="fresh_process_total_ms")
    if mine:
        their_ms = other["value"] if other else None
        lines.append(
            _cells(
                "import → usable client (ms)",
                mine["ms"],
                their_ms,
                _ratio(mine["ms"], their_ms),
                "",
            )
        )
    cold = _find(ours, bench="cold_start", client="ours")
    cold_other = _find(ours, bench="cold_start", client="google-genai")
    cold_floor = _find(ours, bench="cold_start", client="floor")
    if cold:
        their_cold = cold_other["ms"] if cold_other else None
        lines.append(
            _cells(
                "cold start → first parsed create (ms)",
                cold["ms"],
                their_cold,
                _ratio(cold["ms"], their_cold),
                f"{cold['of_floor']:.2f}x of a hand-written httpx + pydantic "
                f"program ({cold_floor['ms']} ms)"
                if cold_floor
                else "",
            )
        )
    memory = _find(ours, bench="memory", path="ours_get")
    memory_floor = _find(ours, bench="memory", path="json_loads_floor")
    if memory and memory_floor:
        lines.append(
            _cells(
                f"peak RSS growth, {memory['body_mb']} MB interaction via get (MB)",
                memory["peak_growth_mb"],
                "",
                "",
                f"{memory['of_body']:.2f}x the body; "
                f"{_ratio(memory['peak_growth_mb'], memory_floor['peak_growth_mb'])} of "
                f"json.loads ({memory_floor['peak_growth_mb']} MB)",
            )
        )
    get = _find(ours, bench="parse", path="ours_get")
    validate = _find(ours, bench="parse", path="ours_validate_json")
    floor = _find(ours, bench="parse", path="json_loads_floor")
    their_parse = _find(theirs, bench="parse_large_interaction", path="client_get")
    their_get = their_parse["ms_per_op"] if their_parse else None
    if get and validate and floor:
        floors = (
            f"{_ratio(get['ms'], validate['ms'])} of validate_json, "
            f"{_ratio(get['ms'], floor['ms'])} of json.loads"
        )
        lines.append(
            _cells(
                "parse large interaction via get (ms)",
                get["ms"],
                their_get,
                _ratio(get["ms"], their_get),
                floors,
            )
        )
    for api in ("sync", "async"):
        for mode in ("event", "64k"):
            sse = _find(ours, bench="sse", api=api, chunking=mode)
            other = _find(theirs, bench="sse_stream", api=api, chunking=mode)
            floor_row = _find(ours, bench="sse_floor", api=api, chunking=mode)
            if sse:
                rate = other["events_per_s"] if other else None
                speedup = f"{sse['events_per_s'] / rate:.1f}x faster" if rate else "n/a"
                label = f"SSE {api}, {mode} chunks (events/s)"
                of_floor = (
                    f"{sse['of_floor']:.2f} of the untyped {api} floor "
                    f"({floor_row['events_per_s']:,} ev/s)"
                    if floor_row
                    else ""
                )
                lines.append(_cells(label, sse["events_per_s"], rate, speedup, of_floor))
    for api in ("sync", "async"):
        bare = _find(ours, bench="overhead", api=api, path="bare_httpx_json_loads_floor")
        call = _find(ours, bench="overhead", api=api, path="ours_create")
        other = _find(theirs, bench="per_request_overhead", api=api)
        if call:
            their_us = other["us_per_call"] if other else None
            floor_ratio = (
                f"{call['of_floor']:.2f}x of bare httpx + json.loads ({bare['us_per_call']} µs)"
                if bare
                else ""
            )
            label = f"small create, {api} (µs/call)"
            lines.append(
                _cells(
                    label,
                    call["us_per_call"],
                    their_us,
                    _ratio(call["us_per_call"], their_us),
                    floor_ratio,
                )
            )
    served = _find(ours, bench="fake_sse", path="fake_serves")
    consumed = _find(ours, bench="fake_sse", path="client_consumes")
    if served and consumed:
        lines.append(
            _cells(
                "fake server streams stream.sse (events/s)",
                f"serves {served['events_per_s']:,}; our client reads {consumed['events_per_s']:,}",
                "",
                "",
                f"fake / client {served['events_per_s'] / consumed['events_per_s']:.1f}x",
            )
        )
    for row in ours:
        if row["bench"] == "generation":
            label = f"`{row['command']}` (s, peak RSS MB)"
            lines.append(_cells(label, f"{row['s']} s, {row['peak_rss_mb']} MB", "", "", ""))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--parse-iters", type=int, default=10)
    parser.add_argument("--no-anchor", action="store_true", help="skip google-genai")
    args = parser.parse_args()
    ours: list[dict[str, Any]] = []
    record(
        ours,
        bench="machine",
        python=platform.python_version(),
        platform=platform.platform(),
        cpus=os.cpu_count(),
        date=time.strftime("%Y-%m-%d"),
    )
    bench_import(ours, args.repeats)
    bench_cold_start(ours, args.repeats, anchor=not args.no_anchor)
    bench_parse(ours, args.repeats, args.parse_iters)
    bench_memory(ours)
    bench_sse(ours, args.repeats)
    bench_overhead(ours, args.repeats, args.calls)
    bench_fake(ours, args.repeats)
    bench_generation(ours, args.repeats)
    theirs = [] if args.no_anchor else run_anchor(max(5, args.repeats), args.calls)
    lines = table(ours, theirs)
    print("\n".join(lines))
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps({"ours": ours, "google_genai": theirs, "table": lines}, indent=2) + "\n"
    )
    print(f"raw figures: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

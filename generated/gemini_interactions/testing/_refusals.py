# Copied from runtime/testing/_refusals.py by interactions-codegen; edit it there.
"""Which refusals of the API the fake reproduces (its fidelity list), and the checks on `create`
that the schema tables and the request rules do not already make.

`ENFORCED` names every live fact that says the API refuses a request and that the fake refuses
too, with where; `NOT_MODELLED` names the others, with the reason. A test compares both with the
catalogue's `refuses: true` entries, and the generator lays them out as the fake's fidelity
table, so a new refusing fact cannot go unnoticed. Only live facts refuse here: a reported or
contested fact never makes the fake answer 400 (a request rule resting on one only warns in the
client).

`check_create(body)` raises the `RefusalError` a create request earns beyond the wire checks of
`_wire` and the live request rules: empty input (W15), a stateless replay of a function call
without its signature (W17), uppercase or unsupported modalities (W29, W52), Veo models (W52),
legacy thinking-summary spellings (S1, W32), `minimal` thinking on gemini-3.7-flash (W33),
Vertex-only knobs (W48), per-modality response-format limits (W51), media the Gemini models
refuse (W53: `gs://` URIs, inline video) and video `processing` outside a `user_input` step
(W14, W37). Legacy `{role, content}` turns are not refused: the API answers them 200 and ignores
them (W103), and so does the fake.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .._core._rules import _blocks
from ._wire import RefusalError

__all__ = ["ENFORCED", "NOT_MODELLED", "check_create"]

ENFORCED: dict[str, str] = {
    "S1": "thinking_summaries other than auto/none (today's half of the fact, as W32)",
    "S3": "the live request rules of Deep Research agents (background, store)",
    "S6": "speech_config sent as an object (the wire check of lists)",
    "W07": "get, continue or resume with the empty id of a store=false interaction (404)",
    "W09": "camelCase body keys (Unknown parameter ... Did you mean ...)",
    "W10": "unknown keys, values of the wrong JSON kind and missing required fields (enum "
    "values only where a live fact saw them refused: W29, W32, W33)",
    "W14": "video processing in bare content input instead of a user_input step",
    "W15": "empty input: [] (Missing input.) or a user_input step without content",
    "W17": "a store=false replay of a function_call step without its signature",
    "W27": "webhook_config without background=true (live request rule)",
    "W28": "cancel of an interaction that is not in progress",
    "W29": "response_modalities values other than the lowercase ones",
    "W32": "thinking_summaries other than auto/none",
    "W33": "thinking_level minimal on gemini-3.7-flash",
    "W37": "video processing outside a user_input step (as W14)",
    "W46": "response_mime_type at any level",
    "W47": "cached_content at any level",
    "W48": "safety_settings, labels, the retrieval tool, enable_bigquery_tool, video gcs_uri",
    "W50": "speech_config as an object, and a voice without a language (live request rule)",
    "W51": "image or audio response_format with delivery, audio response_format with mime_type "
    "(an image mime_type other than jpeg is not refused: its message was never recorded)",
    "W52": "response_modalities video on a Gemini model, and Veo models (404)",
    "W53": "gs:// media URIs and inline video on gemini-3.6/3.7-flash (documents other than PDF "
    "are accepted: Google's later bindings list Office and OpenDocument types, W92)",
    "W54": "file_search with google_search or url_context (live request rule)",
    "W56": "the antigravity agent without an environment (live request rule)",
}
"""Live refusing facts the fake enforces → what it refuses."""

NOT_MODELLED: dict[str, str] = {
    "S8": "launch-era behaviour; the fake models revision 2026-05-20, where thought and "
    "function-call steps are replayed in history (W17, W18)",
    "W18": "launch-era behaviour (thought blocks in a user turn); revision 2026-05-20 replays "
    "thought steps in stateless history",
    "W55": "the fake does not model creating agents (it answers 501 for that operation)",
    "W57": "the fake does not model creating triggers (it answers 501 for that operation)",
}
"""Live refusing facts the fake does not enforce → why."""

_MODALITIES = ("text", "image", "audio", "video", "document")
_SUMMARIES = ("auto", "none")
_INLINE_VIDEO_REFUSED = ("gemini-3.6-flash", "gemini-3.7-flash")  # the models W53 was seen on
_MEDIA_TYPES = ("image", "audio", "video")
_VERTEX = (
    "is not available on the Gemini API but it is available on the Gemini Enterprise Agent Platform"
)


def _input_problems(body: Mapping[str, Any]) -> Iterator[RefusalError]:
    given = body.get("input")
    if given == []:
        yield RefusalError(400, "Missing input.", ("W15",))
    steps = given if isinstance(given, list) else []
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        kind = step.get("type")
        if kind == "user_input" and not step.get("content"):
            yield RefusalError(400, f"Request has empty input at 'input[{index}]'.", ("W15",))
        if kind == "function_call" and body.get("store") is False and not step.get("signature"):
            yield RefusalError(
                400,
                f"Function call is missing its signature at 'input[{index}].signature': a "
                "stateless replay sends the function_call step back as it came.",
                ("W17",),
            )
    bare = [given] if isinstance(given, dict) else steps
    for index, item in enumerate(bare):
        if isinstance(item, dict) and item.get("type") == "video" and "processing" in item:
            where = "input" if isinstance(given, dict) else f"input[{index}]"
            yield RefusalError(400, f"Unknown parameter 'processing' at '{where}'.", ("W14", "W37"))
    model = body.get("model")
    for path, item in _blocks(given, "input"):
        kind = item.get("type")
        if kind not in _MEDIA_TYPES or "agent" in body:  # W53 was seen with Gemini models
            continue
        uri = item.get("uri")
        if isinstance(uri, str) and uri.startswith("gs://"):
            yield RefusalError(400, f"Unsupported file uri: {uri} at '{path}.uri'.", ("W53",))
        if kind == "video" and item.get("data") and model in _INLINE_VIDEO_REFUSED:
            yield RefusalError(
                400,
                f"invalid_request: inline video data at '{path}.data' is not supported.",
                ("W53",),
            )


def _config_problems(body: Mapping[str, Any]) -> Iterator[RefusalError]:  # noqa: C901 (one branch per refusing fact the fake enforces on generation settings)
    model = body.get("model")
    if isinstance(model, str) and model.startswith("veo-"):
        yield RefusalError(404, f"Model not found: {model}.", ("W52",))
    modalities = body.get("response_modalities")
    for index, value in enumerate(modalities if isinstance(modalities, list) else []):
        where = f"response_modalities[{index}]"
        if value not in _MODALITIES:
            yield RefusalError(400, f"Invalid enum value '{value}' at '{where}'.", ("W29", "W10"))
        elif value == "video" and "model" in body:
            yield RefusalError(400, f"The value 'video' is not supported for '{where}'.", ("W52",))
    for parent in ("generation_config", "agent_config"):
        config = body.get(parent)
        if not isinstance(config, dict):
            continue
        summaries = config.get("thinking_summaries")
        if summaries is not None and summaries not in _SUMMARIES:
            yield RefusalError(
                400,
                f"The value '{summaries}' is not supported for '{parent}.thinking_summaries'. "
                "Supported values: 'auto', 'none'.",
                ("W32", "S1"),
            )
        if config.get("thinking_level") == "minimal" and model == "gemini-3.7-flash":
            yield RefusalError(
                400,
                "'minimal' is not a supported thinking level for this model. Allowed values "
                "are: high, low, medium.",
                ("W33",),
            )
        if parent == "agent_config" and "enable_bigquery_tool" in config:
            yield RefusalError(400, f"'agent_config.enable_bigquery_tool' {_VERTEX}.", ("W48",))
    for name in ("safety_settings", "labels"):
        if name in body:
            yield RefusalError(400, f"'{name}' {_VERTEX}.", ("W48",))
    tools = body.get("tools")
    for index, tool in enumerate(tools if isinstance(tools, list) else []):
        if isinstance(tool, dict) and tool.get("type") == "retrieval":
            yield RefusalError(
                400,
                f"The value 'retrieval' is not supported for 'tools[{index}].type' on the Gemini "
                "API, it is allowed on the Gemini Enterprise Agent Platform.",
                ("W48",),
            )
    formats = body.get("response_format")
    for path, item in _blocks(formats, "response_format"):
        kind = item.get("type")
        if kind == "video" and "gcs_uri" in item:
            yield RefusalError(400, f"'{path}.gcs_uri' {_VERTEX}.", ("W48",))
        if kind == "image" and "delivery" in item:
            yield RefusalError(400, "Image delivery mode is not supported.", ("W51",))
        if kind == "audio" and "mime_type" in item:
            yield RefusalError(
                400, "Audio mime_type is not supported in response_format.", ("W51",)
            )
        if kind == "audio" and "delivery" in item:
            yield RefusalError(400, "Audio delivery mode is not supported.", ("W51",))


def check_create(body: Mapping[str, Any]) -> None:
    """Raise the first `RefusalError` a create request earns beyond the wire and rule checks."""
    for problem in _config_problems(body):
        raise problem
    for problem in _input_problems(body):
        raise problem

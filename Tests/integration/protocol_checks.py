"""Protocol checks shared by test_anthropic_sdk.py, test_openai_sdk.py, test_conversions.py and test_faults.py.

Raw-stream readers that validate the wire shape the SDKs and Claude Code rely on (see
/work/shared/PROTOCOL-NOTES.md), an OpenAI stream accumulator, and small builders for scripted
upstream answers that the mock's own builders do not cover (vLLM's `stop_reason`).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

import requests

from mock_upstream import openai_stream_chunks, openai_text
from sluice_harness import ANTHROPIC_VERSION, Sluice, describe, iter_sse

#: Headers Claude Code 2.1 sends with every /v1/messages request.
CLAUDE_CODE_HEADERS = {
    "anthropic-version": ANTHROPIC_VERSION,
    "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
    "x-app": "cli",
    "content-type": "application/json",
}

BILLING_LINE = "x-anthropic-billing-header: cc_version=2.1.3; cc_entrypoint=cli; cch=ab12f;"

#: Delta types allowed inside each Anthropic block type.
_DELTAS_FOR_BLOCK = {
    "text": {"text_delta", "citations_delta"},
    "thinking": {"thinking_delta", "signature_delta"},
    "redacted_thinking": set(),
    "tool_use": {"input_json_delta"},
}


# --------------------------------------------------------------------------
# Raw HTTP
# --------------------------------------------------------------------------


def post_json(srv: Sluice, path: str, key: str | None, body: Any, *, headers: dict[str, str] | None = None,
              stream: bool = False, timeout: float | tuple[float, float] = 30.0) -> requests.Response:
    h = {"content-type": "application/json"}
    if path.startswith("/v1/messages"):
        h["anthropic-version"] = ANTHROPIC_VERSION
    h.update(headers or {})
    return srv.request("POST", path, key=key, headers=h, data=json.dumps(body).encode(), stream=stream,
                       timeout=timeout)


def anthropic_sse_events(resp: requests.Response) -> list[tuple[str, dict[str, Any]]]:
    """Every frame of an Anthropic stream as (event name, parsed data), checking the frame format:
    each frame is named, its data is a JSON object whose `type` is the event name, and there is no
    OpenAI-style `[DONE]` and no data-only frame (the Python SDK drops those silently)."""
    assert resp.status_code == 200, describe(resp)
    assert resp.headers.get("content-type", "").startswith("text/event-stream"), describe(resp)
    out = []
    for f in iter_sse(resp):
        assert f["data"] != "[DONE]", "an Anthropic stream must not carry [DONE]"
        assert f["event"], f"data-only frame on an Anthropic stream (the SDK drops it): {f!r}"
        data = json.loads(f["data"])
        assert isinstance(data, dict) and data.get("type") == f["event"], f"event name/type mismatch: {f!r}"
        out.append((f["event"], data))
    return out


def check_anthropic_stream(events: list[tuple[str, dict[str, Any]]], *, complete: bool = True) -> list[dict[str, Any]]:
    """Validate the event order the SDK accumulator and Claude Code require; return the blocks as
    [{"index", "start": content_block, "deltas": [delta, …], "stopped": bool}].

    message_start (usage with integer input_tokens and output_tokens) first; blocks numbered 0, 1, 2 …
    each start → deltas of the block's own kind and index → stop, never two open at once; then
    message_delta and message_stop last.  `ping` may appear anywhere after message_start.
    complete=False: the stream may stop anywhere (for streams that end with an error event, which
    the caller checks); an `error` event must be last and come after the open block was closed."""
    names = [n for n, _ in events]
    assert names, "empty stream"
    assert names[0] == "message_start", f"first event is {names[0]!r}: {names}"
    usage = events[0][1]["message"]["usage"]
    assert isinstance(usage.get("input_tokens"), int) and isinstance(usage.get("output_tokens"), int), usage
    blocks: list[dict[str, Any]] = []
    open_block: dict[str, Any] | None = None
    saw_delta_msg = saw_stop = False
    for i, (name, data) in enumerate(events[1:], start=1):
        assert not saw_stop, f"event after message_stop: {names}"
        if name == "ping":
            continue
        if name == "error":
            assert i == len(events) - 1, f"events after an error event: {names}"
            assert open_block is None, f"error event while block {open_block['index']} is still open: {names}"
            assert set(data) == {"type", "error"} and set(data["error"]) == {"type", "message"}, data
            continue
        assert not saw_delta_msg or name == "message_stop", f"{name} after message_delta: {names}"
        if name == "content_block_start":
            assert open_block is None, f"block {data['index']} opened while block {open_block['index']} is open: {names}"
            assert data["index"] == len(blocks), f"block index {data['index']}, expected {len(blocks)}: {names}"
            open_block = {"index": data["index"], "start": data["content_block"], "deltas": [], "stopped": False}
            blocks.append(open_block)
        elif name == "content_block_delta":
            assert open_block is not None and data["index"] == open_block["index"], \
                f"delta for index {data['index']} with no such open block: {names}"
            allowed = _DELTAS_FOR_BLOCK[open_block["start"]["type"]]
            assert data["delta"]["type"] in allowed, \
                f"{data['delta']['type']} inside a {open_block['start']['type']} block"
            open_block["deltas"].append(data["delta"])
        elif name == "content_block_stop":
            assert open_block is not None and data["index"] == open_block["index"], f"stray content_block_stop: {names}"
            open_block["stopped"] = True
            open_block = None
        elif name == "message_delta":
            assert open_block is None, f"message_delta while block {open_block['index']} is open: {names}"
            assert "stop_reason" in data["delta"] and isinstance(data["usage"]["output_tokens"], int), data
            saw_delta_msg = True
        elif name == "message_stop":
            assert saw_delta_msg, f"message_stop without message_delta: {names}"
            saw_stop = True
        else:
            raise AssertionError(f"unexpected event {name!r}: {names}")
    if complete:
        assert saw_stop and names[-1] == "message_stop", f"stream did not end with message_stop: {names}"
    return blocks


def block_text(block: dict[str, Any]) -> str:
    """The text / thinking / partial JSON a block's deltas add up to."""
    field = {"text": "text", "thinking": "thinking", "tool_use": "partial_json"}[block["start"]["type"]]
    key = {"text": "text_delta", "thinking": "thinking_delta", "tool_use": "input_json_delta"}[block["start"]["type"]]
    return "".join(d[field] for d in block["deltas"] if d["type"] == key)


def openai_sse_data(resp: requests.Response) -> list[str]:
    """The data of every frame of an OpenAI stream, checking that frames are data-only."""
    assert resp.status_code == 200, describe(resp)
    assert resp.headers.get("content-type", "").startswith("text/event-stream"), describe(resp)
    out = []
    for f in iter_sse(resp):
        assert f["event"] is None, f"OpenAI streams are data-only; got event {f['event']!r}"
        out.append(f["data"])
    return out


def accumulate_openai_chunks(chunks: Iterable[Any]) -> dict[str, Any]:
    """Fold OpenAI chat.completion.chunk objects (dicts or SDK models) the way clients do: content and
    reasoning concatenated, tool calls accumulated by `index`.  Returns
    {"content", "reasoning", "tool_calls": {index: {"id", "type", "name", "arguments", "deltas"}},
     "finish_reason", "usage", "ids", "models", "usage_chunks", "chunks_after_finish"}."""
    acc: dict[str, Any] = {"content": "", "reasoning": "", "tool_calls": {}, "finish_reason": None, "usage": None,
                           "ids": set(), "models": set(), "usage_chunks": 0, "chunks_after_finish": 0, "roles": []}
    for c in chunks:
        c = c if isinstance(c, dict) else c.model_dump(exclude_unset=False)
        acc["ids"].add(c.get("id"))
        acc["models"].add(c.get("model"))
        assert c.get("object") == "chat.completion.chunk", c
        if c.get("usage"):
            acc["usage"] = c["usage"]
            acc["usage_chunks"] += 1
        if acc["finish_reason"] is not None and c.get("choices"):
            acc["chunks_after_finish"] += 1
        for ch in c.get("choices") or []:
            assert ch.get("index", 0) == 0, ch
            d = ch.get("delta") or {}
            if d.get("role"):
                acc["roles"].append(d["role"])
            if d.get("content"):
                acc["content"] += d["content"]
            if d.get("reasoning_content"):
                acc["reasoning"] += d["reasoning_content"]
            for tc in d.get("tool_calls") or []:
                idx = tc["index"]
                slot = acc["tool_calls"].setdefault(idx, {"id": None, "type": None, "name": "", "arguments": "",
                                                          "deltas": 0})
                slot["deltas"] += 1
                if tc.get("id"):
                    assert slot["id"] in (None, tc["id"]), f"tool call {idx} changed id"
                    slot["id"] = tc["id"]
                if tc.get("type"):
                    slot["type"] = tc["type"]
                fn = tc.get("function") or {}
                if fn.get("name"):
                    slot["name"] += fn["name"]
                if fn.get("arguments"):
                    slot["arguments"] += fn["arguments"]
            if ch.get("finish_reason"):
                acc["finish_reason"] = ch["finish_reason"]
    return acc


# --------------------------------------------------------------------------
# Scripted upstream answers
# --------------------------------------------------------------------------


def with_vllm_stop_reason(chunks: list[dict[str, Any]], stop_reason: Any) -> list[dict[str, Any]]:
    """Put vLLM's `stop_reason` (the matched stop string) beside the finish_reason of a chunk list."""
    for c in chunks:
        for ch in c.get("choices") or []:
            if ch.get("finish_reason"):
                ch["stop_reason"] = stop_reason
    return chunks


def vllm_stop_completion(text: str, stop_reason: Any, **kw: Any) -> dict[str, Any]:
    body = openai_text(text, "stop", **kw)
    body["choices"][0]["stop_reason"] = stop_reason
    return body


def stop_chunks(text: str, stop_reason: Any, **kw: Any) -> list[dict[str, Any]]:
    return with_vllm_stop_reason(openai_stream_chunks(text, finish_reason="stop", **kw), stop_reason)


def fragments(s: str, size: int = 3) -> list[str]:
    """Cut a string into many small fragments (tool-call argument deltas)."""
    return [s[i:i + size] for i in range(0, len(s), size)]


def ordered_dumps(v: Any) -> str:
    """Serialization that keeps key order (json.loads keeps it too): equal strings ⇔ equal values in the same order."""
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)

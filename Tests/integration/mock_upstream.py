"""A scripted mock upstream model server for the Sluice integration tests.

Python standard library only.  One `MockUpstream` is an HTTP/1.1 server
(keep-alive, chunked streaming) on 127.0.0.1 that:

* records every request (method, path with query, case-insensitive headers,
  raw body, parsed JSON body, client address) in `mock.requests`;
* answers from a FIFO queue of scripted responses (`mock.enqueue(...)`), falling
  back to `mock.default` (an `Auto` response that speaks OpenAI or Anthropic
  depending on the path and the `stream` flag of the request);
* can stream SSE re-sliced at arbitrary byte offsets, stall, die in the middle
  of a stream, stream slowly, and answer with any HTTP error;
* notices when its client (sluice) goes away in the middle of a stream or a
  stall (`mock.disconnects`, `mock.disconnected`, `mock.wait_for_disconnect`).

Typical use::

    mock = MockUpstream().start()
    mock.enqueue(openai_stream(openai_stream_chunks("Hello world"), split="hostile", delay=0.01))
    ...  # point sluice at mock.base_url ("http://127.0.0.1:PORT/v1")
    req = mock.wait_for_requests(1)[0]
    assert req.json["model"] == "..."
    mock.stop()

Queue semantics: an enqueued response is consumed by the next request that
matches it.  By default that is the next POST request (so GET /v1/models probes
never eat a scripted answer); `enqueue(resp, path="/chat/completions")` matches
requests whose path (without query) ends with the given suffix, whatever the
method.  A queued entry may also be a callable `fn(request) -> MockResponse`.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import select
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import parse_qs, urlsplit

DEFAULT_TEXT = "Hello from mock"
DEFAULT_MODEL = "mock-model"

__all__ = [
    "DEFAULT_TEXT",
    "DEFAULT_MODEL",
    "CIDict",
    "RecordedRequest",
    "MockResponse",
    "JSONResponse",
    "RawResponse",
    "StreamResponse",
    "Stall",
    "Auto",
    "MockUpstream",
    "refused_port",
    "refused_url",
    "free_port",
    # builders
    "openai_usage",
    "openai_text",
    "openai_tool_calls",
    "openai_chunk",
    "openai_stream_chunks",
    "openai_sse",
    "openai_stream",
    "openai_error_body",
    "openai_embedding",
    "openai_embeddings",
    "anthropic_usage",
    "anthropic_message",
    "anthropic_events",
    "anthropic_sse",
    "anthropic_stream",
    "anthropic_error_body",
    "error_response",
    "server_error",
    "rate_limited",
    "overloaded",
    "unavailable",
    "stall",
    "die_mid_stream",
    "slow_stream",
    "split_at",
    "hostile_offsets",
    "pieces_of",
    "parse_sse",
]


# --------------------------------------------------------------------------
# Small utilities
# --------------------------------------------------------------------------


class CIDict(dict):
    """A dict of HTTP headers with case-insensitive access.

    Keys are stored lower-cased; repeated headers are joined with ", ".
    `raw` keeps the original (name, value) pairs in order.
    """

    def __init__(self, items: Iterable[tuple[str, str]] = ()):
        super().__init__()
        self.raw: list[tuple[str, str]] = []
        for k, v in items:
            self.raw.append((k, v))
            lk = k.lower()
            if dict.__contains__(self, lk):
                dict.__setitem__(self, lk, dict.__getitem__(self, lk) + ", " + v)
            else:
                dict.__setitem__(self, lk, v)

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and dict.__contains__(self, key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return dict.get(self, key.lower(), default)

    def getall(self, key: str) -> list[str]:
        lk = key.lower()
        return [v for k, v in self.raw if k.lower() == lk]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    return free_port()


def refused_url(path: str = "/v1") -> str:
    return f"http://127.0.0.1:{refused_port()}{path}"


def _now() -> int:
    return int(time.time())


def _dumps(obj: Any) -> str:
    # ensure_ascii=False: multi-byte UTF-8 must reach the wire as such, so
    # that byte-level splitting can cut characters in half.
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def pieces_of(text: str | Sequence[str] | None, n: int | None = None) -> list[str]:
    """Split `text` into pieces (a list passes through unchanged).

    By default the text is cut after every space (word-ish deltas, like real
    models); with `n` it is cut into n roughly equal pieces.
    """
    if text is None:
        return []
    if not isinstance(text, str):
        return list(text)
    if text == "":
        return []
    if n is not None:
        n = max(1, min(n, len(text)))
        size = -(-len(text) // n)
        return [text[i : i + size] for i in range(0, len(text), size)]
    out, cur = [], ""
    for ch in text:
        cur += ch
        if ch == " ":
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def split_at(data: bytes, offsets: Iterable[int]) -> list[bytes]:
    """Cut `data` at the given absolute byte offsets (out-of-range ones are ignored)."""
    cuts = sorted({o for o in offsets if 0 < o < len(data)})
    out, prev = [], 0
    for c in cuts:
        out.append(data[prev:c])
        prev = c
    out.append(data[prev:])
    return [p for p in out if p]


def hostile_offsets(data: bytes, seed: int | None = 0) -> list[int]:
    """Offsets that cut `data` where a naive SSE parser breaks.

    * inside every multi-byte UTF-8 character (after its first byte),
    * right after every "data:" / "event:" field name,
    * in the middle of the JSON payload of every line,
    * between the two newlines that end a frame,
    * plus a few random offsets (deterministic for a given seed).
    """
    offs: set[int] = set()
    for i, b in enumerate(data):
        if 0x80 <= b < 0xC0 and i > 0:  # a continuation byte: cut before it
            offs.add(i)
    pos = 0
    for line in data.split(b"\n"):
        start = pos
        for prefix in (b"data:", b"event:"):
            if line.startswith(prefix):
                offs.add(start + len(prefix))
                offs.add(start + len(prefix) + max(1, (len(line) - len(prefix)) // 2))
        pos += len(line) + 1
    idx = data.find(b"\n\n")
    while idx != -1:
        offs.add(idx + 1)
        idx = data.find(b"\n\n", idx + 2)
    if seed is not None and len(data) > 2:
        rnd = random.Random(seed)
        for _ in range(max(1, len(data) // 64)):
            offs.add(rnd.randrange(1, len(data)))
    return sorted(o for o in offs if 0 < o < len(data))


def parse_sse(data: bytes | str) -> list[dict[str, Any]]:
    """Parse an SSE byte stream into frames: [{"event": name|None, "data": str}, ...]."""
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    frames = []
    for block in data.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        ev, datas = None, []
        for line in block.split("\n"):
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if name == "event":
                ev = value
            elif name == "data":
                datas.append(value)
        frames.append({"event": ev, "data": "\n".join(datas)})
    return frames


# --------------------------------------------------------------------------
# Recorded requests
# --------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    index: int
    method: str
    path: str  # with query string
    headers: CIDict
    body: bytes
    json: Any  # parsed body, or None when the body is empty / not JSON
    client_address: tuple[str, int]
    received_at: float
    gen: int = 0
    outcome: str = "pending"  # completed | client_disconnected | died | stalled | aborted
    chunks_sent: int = 0
    bytes_sent: int = 0
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def route(self) -> str:
        """The path without the query string."""
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query, keep_blank_values=True)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def wants_stream(self) -> bool:
        return isinstance(self.json, dict) and bool(self.json.get("stream"))


# --------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------


class _ClientGone(Exception):
    pass


class MockResponse:
    """Base class: `serve(ctx)` writes the whole response."""

    def serve(self, ctx: "_Ctx") -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class JSONResponse(MockResponse):
    def __init__(
        self,
        body: Any,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        reason: str | None = None,
    ):
        self.body, self.status, self.headers, self.delay, self.reason = body, status, headers or {}, delay, reason

    def serve(self, ctx: "_Ctx") -> None:
        if self.delay and not ctx.wait(self.delay):
            return
        payload = json.dumps(self.body, ensure_ascii=False).encode("utf-8")
        ctx.send_simple(self.status, payload, "application/json", self.headers, self.reason)

    def __repr__(self) -> str:
        return f"JSONResponse(status={self.status})"


class RawResponse(MockResponse):
    def __init__(
        self,
        body: bytes | str,
        status: int = 200,
        content_type: str = "text/plain",
        headers: dict[str, str] | None = None,
        reason: str | None = None,
    ):
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.status, self.content_type, self.headers, self.reason = status, content_type, headers or {}, reason

    def serve(self, ctx: "_Ctx") -> None:
        ctx.send_simple(self.status, self.body, self.content_type, self.headers, self.reason)


class StreamResponse(MockResponse):
    """A chunked (Transfer-Encoding: chunked) streaming response.

    data        bytes, or a list of byte pieces (e.g. one SSE frame each).
    split       None: send the pieces as given; int N: re-slice the whole
                stream into N-byte writes; list of ints: cut at those absolute
                byte offsets; "hostile": cut at `hostile_offsets`; "bytes": one
                byte per write.
    delay       seconds to wait between two writes.
    first_delay seconds to wait after the headers, before the first write.
    die_after   send only this many writes, then close the socket abruptly
                without the terminating zero-length chunk.
    abort       "close" (FIN) or "rst" (SO_LINGER 0 → RST) for die_after.
    Each write is one HTTP chunk sent with its own sendall() and TCP_NODELAY.
    """

    def __init__(
        self,
        data: bytes | Sequence[bytes],
        *,
        split: None | int | str | Sequence[int] = None,
        delay: float = 0.0,
        first_delay: float = 0.0,
        die_after: int | None = None,
        abort: str = "close",
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "text/event-stream",
    ):
        pieces = [data] if isinstance(data, (bytes, bytearray)) else list(data)
        pieces = [bytes(p) for p in pieces]
        whole = b"".join(pieces)
        if split is None:
            writes = [p for p in pieces if p]
        elif split == "bytes":
            writes = [whole[i : i + 1] for i in range(len(whole))]
        elif split == "hostile":
            writes = split_at(whole, hostile_offsets(whole))
        elif isinstance(split, int):
            if split <= 0:
                raise ValueError("split size must be positive")
            writes = [whole[i : i + split] for i in range(0, len(whole), split)]
        else:
            writes = split_at(whole, split)
        if abort not in ("close", "rst"):
            raise ValueError("abort must be 'close' or 'rst'")
        self.writes: list[bytes] = writes
        self.data = whole
        self.delay, self.first_delay, self.die_after, self.abort = delay, first_delay, die_after, abort
        self.status, self.headers, self.content_type = status, headers or {}, content_type

    def serve(self, ctx: "_Ctx") -> None:
        h = ctx.handler
        h.send_response(self.status)
        h.send_header("Content-Type", self.content_type)
        h.send_header("Cache-Control", "no-cache")
        h.send_header("Transfer-Encoding", "chunked")
        for k, v in self.headers.items():
            h.send_header(k, v)
        h.end_headers()  # flushes the header block in one write
        if self.first_delay and not ctx.wait(self.first_delay):
            return
        for i, piece in enumerate(self.writes):
            if self.die_after is not None and i >= self.die_after:
                ctx.die(self.abort)
                return
            if i > 0 and self.delay and not ctx.wait(self.delay):
                return
            ctx.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            ctx.req.chunks_sent += 1
            ctx.req.bytes_sent += len(piece)
        if self.die_after is not None and self.die_after <= len(self.writes):
            # die_after == number of writes: everything sent but no terminator.
            ctx.die(self.abort)
            return
        ctx.req.outcome = "completed"
        ctx.write(b"0\r\n\r\n")

    def __repr__(self) -> str:
        return f"StreamResponse(writes={len(self.writes)}, delay={self.delay}, die_after={self.die_after})"


class Stall(MockResponse):
    """Read the request, then answer nothing for `seconds`.

    Afterwards: close the connection without a response (then=None), or serve
    `then` (a late answer).  If the client closes the connection during the
    stall, it is recorded as a disconnect and the stall ends.
    """

    def __init__(self, seconds: float = 30.0, then: MockResponse | None = None):
        self.seconds, self.then = seconds, then

    def serve(self, ctx: "_Ctx") -> None:
        ctx.req.outcome = "stalled"
        if not ctx.wait(self.seconds):
            return
        if self.then is None:
            ctx.die("close")
            ctx.req.outcome = "stalled"
        else:
            self.then.serve(ctx)

    def __repr__(self) -> str:
        return f"Stall({self.seconds})"


class Auto(MockResponse):
    """The default answer: speaks whichever protocol the path asks for.

    * .../chat/completions → OpenAI completion, or an OpenAI SSE stream (with a
      usage chunk when stream_options.include_usage) when "stream": true;
    * .../embeddings → an OpenAI embeddings list (`openai_embeddings`), floats or base64 as asked;
    * .../messages/count_tokens → {"input_tokens": 12};
    * .../messages → Anthropic message or Anthropic SSE stream;
    * GET .../models → an OpenAI list, or an Anthropic list if the request
      carries anthropic-version;
    * anything else → 404 in OpenAI error shape.
    The model of the request is echoed back.
    """

    def __init__(self, text: str = DEFAULT_TEXT, models: Sequence[str] = ("mock-model", "mock-model-2")):
        self.text, self.models = text, list(models)

    def serve(self, ctx: "_Ctx") -> None:
        self.resolve(ctx.req).serve(ctx)

    def resolve(self, req: RecordedRequest) -> MockResponse:
        route = req.route.rstrip("/")
        body = req.json if isinstance(req.json, dict) else {}
        model = body.get("model") or DEFAULT_MODEL
        if route.endswith("/chat/completions"):
            if req.wants_stream:
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                return openai_stream(
                    openai_stream_chunks(self.text, model=model, usage=openai_usage() if include_usage else None)
                )
            return JSONResponse(openai_text(self.text, model=model))
        if route.endswith("/embeddings"):
            return JSONResponse(openai_embeddings(body))
        if route.endswith("/messages/count_tokens"):
            return JSONResponse({"input_tokens": 12})
        if route.endswith("/messages"):
            if req.wants_stream:
                return anthropic_stream(anthropic_events(self.text, model=model))
            return JSONResponse(anthropic_message(self.text, model=model))
        if route.endswith("/models") and req.method == "GET":
            if "anthropic-version" in req.headers:
                data = [
                    {"type": "model", "id": m, "display_name": m, "created_at": "2025-01-01T00:00:00Z"}
                    for m in self.models
                ]
                return JSONResponse(
                    {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
                )
            return JSONResponse(
                {
                    "object": "list",
                    "data": [{"id": m, "object": "model", "created": 1735689600, "owned_by": "mock"} for m in self.models],
                }
            )
        return JSONResponse(
            openai_error_body(f"mock: no route for {req.method} {req.path}", "invalid_request_error", "not_found"),
            status=404,
        )

    def __repr__(self) -> str:
        return f"Auto({self.text!r})"


# --------------------------------------------------------------------------
# Builders: OpenAI
# --------------------------------------------------------------------------


def openai_usage(
    prompt_tokens: int = 10,
    completion_tokens: int = 5,
    *,
    cached_tokens: int | None = None,
    reasoning_tokens: int | None = None,
) -> dict[str, Any]:
    u: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if cached_tokens is not None:
        u["prompt_tokens_details"] = {"cached_tokens": cached_tokens}
    if reasoning_tokens is not None:
        u["completion_tokens_details"] = {"reasoning_tokens": reasoning_tokens}
    return u


def _chatcmpl_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def openai_text(
    text: str | None = DEFAULT_TEXT,
    finish_reason: str = "stop",
    usage: dict[str, Any] | None = None,
    reasoning: str | None = None,
    *,
    model: str = DEFAULT_MODEL,
    tool_calls: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A non-streaming chat.completion object."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": _chatcmpl_id(),
        "object": "chat.completion",
        "created": _now(),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
        "usage": usage if usage is not None else openai_usage(),
    }


def _tool_call_fields(call: dict[str, Any], i: int) -> tuple[str, str, str]:
    args = call.get("arguments", {})
    if not isinstance(args, str):
        args = json.dumps(args, ensure_ascii=False)
    return call.get("id") or f"call_{i}_{uuid.uuid4().hex[:8]}", call["name"], args


def openai_tool_calls(
    calls: list[dict[str, Any]],
    content: str | None = None,
    usage: dict[str, Any] | None = None,
    *,
    finish_reason: str = "tool_calls",
    model: str = DEFAULT_MODEL,
) -> dict[str, Any]:
    """A chat.completion whose message holds tool calls.

    calls: [{"name": "get_weather", "arguments": {...} or "json text", "id": optional}, ...]
    """
    tcs = []
    for i, c in enumerate(calls):
        cid, name, args = _tool_call_fields(c, i)
        tcs.append({"id": cid, "type": "function", "function": {"name": name, "arguments": args}})
    return openai_text(content, finish_reason, usage, model=model, tool_calls=tcs)


def openai_chunk(
    delta: dict[str, Any] | None = None,
    finish_reason: str | None = None,
    *,
    id: str = "chatcmpl-mock",
    model: str = DEFAULT_MODEL,
    created: int | None = None,
    usage: dict[str, Any] | None = None,
    no_choices: bool = False,
) -> dict[str, Any]:
    c: dict[str, Any] = {
        "id": id,
        "object": "chat.completion.chunk",
        "created": created if created is not None else _now(),
        "model": model,
        "choices": []
        if no_choices
        else [{"index": 0, "delta": delta if delta is not None else {}, "finish_reason": finish_reason, "logprobs": None}],
    }
    if usage is not None:
        c["usage"] = usage
    return c


def _fragments(s: str, n: int = 4) -> list[str]:
    """Cut a JSON argument string into n fragments at awkward places (inside keys/values)."""
    if len(s) <= 1:
        return [s] if s else []
    n = max(2, min(n, len(s)))
    # Deliberately uneven: the first fragment is only '{"' when possible.
    cuts = {min(2, len(s) - 1)}
    step = max(1, len(s) // n)
    cuts.update(range(step + 1, len(s), step))
    return split_at_str(s, cuts)


def split_at_str(s: str, offsets: Iterable[int]) -> list[str]:
    cuts = sorted({o for o in offsets if 0 < o < len(s)})
    out, prev = [], 0
    for c in cuts:
        out.append(s[prev:c])
        prev = c
    out.append(s[prev:])
    return [p for p in out if p]


def openai_stream_chunks(
    text: str | Sequence[str] | None = DEFAULT_TEXT,
    *,
    reasoning: str | Sequence[str] | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    finish_reason: str | None = None,
    usage: dict[str, Any] | None = None,
    usage_in_final_chunk: bool = False,
    model: str = DEFAULT_MODEL,
    role: bool = True,
) -> list[dict[str, Any]]:
    """The chunk objects of an OpenAI chat completion stream.

    Order: role chunk, reasoning_content deltas, content deltas, tool call
    deltas (first chunk per call carries id+name, then argument fragments),
    the finish_reason chunk, then (if usage) a usage chunk with choices: [].
    text/reasoning: a string (cut at spaces) or a list of pieces.
    tool_calls: [{"name", "arguments": dict|str, "id"?, "fragments"?: [str]}].
    """
    cid = _chatcmpl_id()
    created = _now()
    mk = lambda delta=None, fr=None, **kw: openai_chunk(delta, fr, id=cid, model=model, created=created, **kw)  # noqa: E731
    chunks = []
    if role:
        chunks.append(mk({"role": "assistant", "content": ""}))
    for p in pieces_of(reasoning):
        chunks.append(mk({"reasoning_content": p}))
    for p in pieces_of(text):
        chunks.append(mk({"content": p}))
    for i, call in enumerate(tool_calls or []):
        tid, name, args = _tool_call_fields(call, i)
        frags = call.get("fragments") or _fragments(args)
        assert "".join(frags) == args, "tool call fragments must concatenate to the arguments"
        chunks.append(
            mk({"tool_calls": [{"index": i, "id": tid, "type": "function", "function": {"name": name, "arguments": ""}}]})
        )
        for f in frags:
            chunks.append(mk({"tool_calls": [{"index": i, "function": {"arguments": f}}]}))
    fr = finish_reason or ("tool_calls" if tool_calls else "stop")
    if usage is not None and usage_in_final_chunk:
        chunks.append(mk({}, fr, usage=usage))
    else:
        chunks.append(mk({}, fr))
        if usage is not None:
            chunks.append(mk(usage=usage, no_choices=True))
    return chunks


def openai_sse(chunks: Sequence[dict[str, Any] | str], done: bool = True) -> list[bytes]:
    """Encode chunk dicts as SSE frames (one bytes object per frame)."""
    frames = [
        ("data: " + (c if isinstance(c, str) else _dumps(c)) + "\n\n").encode("utf-8") for c in chunks
    ]
    if done:
        frames.append(b"data: [DONE]\n\n")
    return frames


def openai_stream(chunks: Sequence[dict[str, Any] | str], *, done: bool = True, **stream_opts: Any) -> StreamResponse:
    """An OpenAI SSE stream response; stream_opts go to StreamResponse (split, delay, die_after…)."""
    return StreamResponse(openai_sse(chunks, done=done), **stream_opts)


def openai_error_body(message: str, type: str = "invalid_request_error", code: str | None = None, param: str | None = None):
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


EMBEDDING_DIMENSIONS = 8


def openai_embedding(item: str | list[int], dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A deterministic unit vector for one input (text or token IDs), so tests can recompute it."""
    rng = random.Random(json.dumps(item))
    values = [rng.uniform(-1, 1) for _ in range(dimensions)]
    norm = sum(v * v for v in values) ** 0.5
    return [v / norm for v in values]


def openai_embeddings(body: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's /embeddings answer to `body`: one `openai_embedding` per input, `dimensions` honoured,
    base64 (little-endian float32) when asked; a word or a token counts as one prompt token."""
    raw = body.get("input")
    if isinstance(raw, str) or (isinstance(raw, list) and raw and isinstance(raw[0], int)):
        inputs = [raw]
    else:
        inputs = list(raw or [])
    dimensions = int(body.get("dimensions") or EMBEDDING_DIMENSIONS)
    data = []
    for index, item in enumerate(inputs):
        vector = openai_embedding(item, dimensions)
        if body.get("encoding_format") == "base64":
            vector = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        data.append({"object": "embedding", "index": index, "embedding": vector})
    tokens = sum(len(item.split()) if isinstance(item, str) else len(item) for item in inputs)
    return {"object": "list", "data": data, "model": body.get("model") or DEFAULT_MODEL,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


# --------------------------------------------------------------------------
# Builders: Anthropic
# --------------------------------------------------------------------------


def anthropic_usage(input_tokens: int = 10, output_tokens: int = 5, **extra: int) -> dict[str, Any]:
    u: dict[str, Any] = {"input_tokens": input_tokens, "output_tokens": output_tokens}
    u.update(extra)  # cache_read_input_tokens=…, cache_creation_input_tokens=…
    return u


def _msg_id() -> str:
    return "msg_mock" + uuid.uuid4().hex[:16]


def _anthropic_tool(call: dict[str, Any], i: int) -> tuple[str, str, Any]:
    args = call.get("input", call.get("arguments", {}))
    if isinstance(args, str):
        args = json.loads(args)
    return call.get("id") or f"toolu_mock{i}{uuid.uuid4().hex[:8]}", call["name"], args


def anthropic_message(
    text: str | None = DEFAULT_TEXT,
    *,
    thinking: str | None = None,
    signature: str = "sig-mock",
    tool_uses: list[dict[str, Any]] | None = None,
    stop_reason: str | None = None,
    usage: dict[str, Any] | None = None,
    model: str = DEFAULT_MODEL,
) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if thinking is not None:
        content.append({"type": "thinking", "thinking": thinking, "signature": signature})
    if text is not None:
        content.append({"type": "text", "text": text})
    for i, t in enumerate(tool_uses or []):
        tid, name, inp = _anthropic_tool(t, i)
        content.append({"type": "tool_use", "id": tid, "name": name, "input": inp})
    return {
        "id": _msg_id(),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason or ("tool_use" if tool_uses else "end_turn"),
        "stop_sequence": None,
        "usage": usage if usage is not None else anthropic_usage(),
    }


def anthropic_events(
    text: str | Sequence[str] | None = DEFAULT_TEXT,
    *,
    thinking: str | Sequence[str] | None = None,
    signature: str = "sig-mock",
    tool_uses: list[dict[str, Any]] | None = None,
    stop_reason: str | None = None,
    usage: dict[str, Any] | None = None,
    model: str = DEFAULT_MODEL,
    ping: bool = True,
) -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) pairs of an Anthropic Messages stream, in the order
    the SDKs require: message_start, [ping], per block start/deltas/stop with
    indices 0,1,2…, message_delta, message_stop.
    tool_uses: [{"name", "input": dict, "id"?, "fragments"?: [str]}]."""
    u = usage if usage is not None else anthropic_usage()
    ev: list[tuple[str, dict[str, Any]]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": _msg_id(),
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {**u, "output_tokens": 1},
                },
            },
        )
    ]
    if ping:
        ev.append(("ping", {"type": "ping"}))
    idx = 0
    if thinking is not None:
        ev.append(("content_block_start", {"type": "content_block_start", "index": idx,
                                           "content_block": {"type": "thinking", "thinking": "", "signature": ""}}))
        for p in pieces_of(thinking):
            ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx,
                                               "delta": {"type": "thinking_delta", "thinking": p}}))
        ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx,
                                           "delta": {"type": "signature_delta", "signature": signature}}))
        ev.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
        idx += 1
    if text is not None:
        ev.append(("content_block_start", {"type": "content_block_start", "index": idx,
                                           "content_block": {"type": "text", "text": ""}}))
        for p in pieces_of(text):
            ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx,
                                               "delta": {"type": "text_delta", "text": p}}))
        ev.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
        idx += 1
    for i, t in enumerate(tool_uses or []):
        tid, name, inp = _anthropic_tool(t, i)
        args = json.dumps(inp, ensure_ascii=False)
        frags = t.get("fragments") or _fragments(args)
        assert "".join(frags) == args, "tool_use fragments must concatenate to the input JSON"
        ev.append(("content_block_start", {"type": "content_block_start", "index": idx,
                                           "content_block": {"type": "tool_use", "id": tid, "name": name, "input": {}}}))
        for f in frags:
            ev.append(("content_block_delta", {"type": "content_block_delta", "index": idx,
                                               "delta": {"type": "input_json_delta", "partial_json": f}}))
        ev.append(("content_block_stop", {"type": "content_block_stop", "index": idx}))
        idx += 1
    ev.append(("message_delta", {"type": "message_delta",
                                 "delta": {"stop_reason": stop_reason or ("tool_use" if tool_uses else "end_turn"),
                                           "stop_sequence": None},
                                 "usage": {"output_tokens": u.get("output_tokens", 5)}}))
    ev.append(("message_stop", {"type": "message_stop"}))
    return ev


def anthropic_sse(events: Sequence[tuple[str, dict[str, Any] | str]]) -> list[bytes]:
    return [
        (f"event: {name}\ndata: " + (d if isinstance(d, str) else _dumps(d)) + "\n\n").encode("utf-8")
        for name, d in events
    ]


def anthropic_stream(events: Sequence[tuple[str, dict[str, Any] | str]], **stream_opts: Any) -> StreamResponse:
    return StreamResponse(anthropic_sse(events), **stream_opts)


def anthropic_error_body(type: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": type, "message": message}}


# --------------------------------------------------------------------------
# Builders: errors and misbehaviour
# --------------------------------------------------------------------------

_ANTHROPIC_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                    404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
                    500: "api_error", 502: "api_error", 503: "overloaded_error", 504: "api_error",
                    529: "overloaded_error"}
_OPENAI_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 403: "permission_error",
                 404: "invalid_request_error", 429: "rate_limit_exceeded", 500: "server_error",
                 502: "server_error", 503: "server_error", 504: "server_error"}


def error_response(
    status: int,
    message: str | None = None,
    *,
    protocol: str = "openai",
    type: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    message = message or f"mock upstream error {status}"
    if protocol == "anthropic":
        body = anthropic_error_body(type or _ANTHROPIC_TYPES.get(status, "api_error"), message)
    else:
        body = openai_error_body(message, type or _OPENAI_TYPES.get(status, "server_error"), code)
    reason = {529: "Overloaded"}.get(status)
    return JSONResponse(body, status=status, headers=headers, reason=reason)


def server_error(status: int = 500, message: str = "mock upstream exploded", **kw: Any) -> JSONResponse:
    return error_response(status, message, **kw)


def rate_limited(retry_after: float | None = 1, *, retry_after_ms: int | None = None, protocol: str = "openai",
                 message: str = "mock upstream rate limit") -> JSONResponse:
    headers = {}
    if retry_after is not None:
        headers["retry-after"] = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
    if retry_after_ms is not None:
        headers["retry-after-ms"] = str(retry_after_ms)
    return error_response(429, message, protocol=protocol, headers=headers)


def overloaded(protocol: str = "anthropic", message: str = "mock upstream overloaded") -> JSONResponse:
    return error_response(529, message, protocol=protocol, type="overloaded_error")


def unavailable(protocol: str = "openai", message: str = "mock upstream unavailable") -> JSONResponse:
    return error_response(503, message, protocol=protocol)


def stall(seconds: float = 30.0, then: MockResponse | None = None) -> Stall:
    return Stall(seconds, then)


def die_mid_stream(frames: bytes | Sequence[bytes], after: int = 2, *, abort: str = "close", **kw: Any) -> StreamResponse:
    """Send `after` writes of the stream, then close the socket without the final chunk."""
    return StreamResponse(frames, die_after=after, abort=abort, **kw)


def slow_stream(frames: bytes | Sequence[bytes], delay: float = 0.5, **kw: Any) -> StreamResponse:
    """Send the frames one write each with `delay` seconds between writes."""
    return StreamResponse(frames, delay=delay, **kw)


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


class _Ctx:
    """Per-request context handed to MockResponse.serve."""

    def __init__(self, handler: "_Handler", req: RecordedRequest, abort: threading.Event):
        self.handler, self.req, self.abort = handler, req, abort
        self.mock: MockUpstream = handler.server.mock  # type: ignore[attr-defined]
        self.sock: socket.socket = handler.connection

    def write(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError) as e:
            self.mock._note_disconnect(self.req, f"write_failed: {e.__class__.__name__}")
            raise _ClientGone() from e

    def wait(self, seconds: float) -> bool:
        """Sleep `seconds`, watching the socket.  False when the peer closed the
        connection (recorded as a disconnect) or the mock was reset/stopped."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            if self.abort.is_set():
                self.req.outcome = "aborted"
                self.die("close")
                return False
            try:
                r, _, _ = select.select([self.sock], [], [], min(remaining, 0.05))
            except (OSError, ValueError):
                self.mock._note_disconnect(self.req, "socket_error_during_wait")
                raise _ClientGone()
            if r:
                try:
                    peek = self.sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    peek = b""
                if peek == b"":
                    self.mock._note_disconnect(self.req, "eof_during_wait")
                    raise _ClientGone()
                time.sleep(min(remaining, 0.05))  # data from the client: unexpected, ignore

    def die(self, abort: str = "close") -> None:
        """Close the connection abruptly; no more bytes of this response."""
        self.handler.close_connection = True
        if self.req.outcome == "pending":
            self.req.outcome = "died"
        try:
            if abort == "rst":
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass

    def send_simple(self, status: int, payload: bytes, content_type: str, headers: dict[str, str], reason: str | None):
        h = self.handler
        h.send_response(status, reason)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(payload)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        self.req.outcome = "completed"
        if h.command != "HEAD":
            self.write(payload)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SluiceMockUpstream/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections end eventually

    def setup(self) -> None:
        super().setup()
        self.server.mock._conn_opened(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.server.mock._conn_closed(self.connection)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        self.server.mock.log.append(format % args)  # type: ignore[attr-defined]

    def _read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = bytearray()
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # trailers until the empty line
                    while True:
                        t = self.rfile.readline(65537)
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                out += self.rfile.read(size)
                self.rfile.readline(65537)  # CRLF after the chunk
            return bytes(out)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _handle(self) -> None:
        mock: MockUpstream = self.server.mock  # type: ignore[attr-defined]
        body = self._read_body()
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        req = mock._record(self.command, self.path, CIDict(self.headers.items()), body, parsed, self.client_address)
        abort = mock._abort
        ctx = _Ctx(self, req, abort)
        try:
            resp = mock._next_response(req)
            if callable(resp) and not isinstance(resp, MockResponse):
                resp = resp(req)
            resp.serve(ctx)
        except _ClientGone:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            mock._note_disconnect(req, "write_failed")
            self.close_connection = True
        except Exception as e:  # a bug in a scripted response: answer 500 and record it
            mock.errors.append(f"{req.method} {req.path}: {e!r}")
            try:
                ctx.send_simple(500, json.dumps({"mock_error": repr(e)}).encode(), "application/json", {}, None)
            except Exception:
                self.close_connection = True
        finally:
            if req.outcome == "pending":
                req.outcome = "completed"
            req.done.set()
            mock._notify()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:  # keep pytest output clean
        self.mock.errors.append(f"handler error for {client_address}")  # type: ignore[attr-defined]


class MockUpstream:
    """A scripted upstream.  `start()` binds 127.0.0.1:port (0 = any free port)."""

    def __init__(self, name: str = "mock", port: int = 0, default: MockResponse | Callable[..., Any] | None = None):
        self.name = name
        self._want_port = port
        self.default: MockResponse | Callable[..., Any] = default or Auto()
        self.requests: list[RecordedRequest] = []
        self.disconnect_log: list[tuple[int, str]] = []
        self.disconnected = threading.Event()
        self.errors: list[str] = []
        self.log: list[str] = []
        self._queue: list[tuple[str | None, Any]] = []
        self._cond = threading.Condition()
        self._abort = threading.Event()
        self._gen = 0
        self._counter = itertools.count()
        self._conns: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "MockUpstream":
        srv = _Server(("127.0.0.1", self._want_port), _Handler)
        srv.mock = self  # type: ignore[attr-defined]
        self._server = srv
        self._thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"mock-upstream-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._abort.set()
        self._server.shutdown()
        self._server.server_close()
        with self._cond:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> "MockUpstream":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget requests, queue and disconnects; abort stalls/slow streams still
        running for the previous test (they close their connections)."""
        with self._cond:
            self._abort.set()
            self._abort = threading.Event()
            self._gen += 1
            self.requests = []
            self._queue = []
            self.disconnect_log = []
            self.disconnected = threading.Event()
            self.errors = []
            self.default = Auto()

    @property
    def port(self) -> int:
        assert self._server is not None, "mock not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT (no path)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT/v1 — what an OpenAI-type backend is configured with."""
        return self.url + "/v1"

    # -- scripting ---------------------------------------------------------

    def enqueue(self, *responses: MockResponse | Callable[[RecordedRequest], MockResponse], path: str | None = None) -> None:
        """Queue responses (FIFO).  path=None: consumed by the next POST; otherwise
        by the next request whose path (sans query) ends with `path`."""
        with self._cond:
            for r in responses:
                self._queue.append((path, r))

    def pending(self) -> int:
        """How many queued responses have not been consumed yet."""
        with self._cond:
            return len(self._queue)

    def _next_response(self, req: RecordedRequest) -> Any:
        with self._cond:
            for i, (path, r) in enumerate(self._queue):
                if (path is None and req.method == "POST") or (path is not None and req.route.endswith(path)):
                    del self._queue[i]
                    return r
            return self.default

    # -- recording ---------------------------------------------------------

    def _record(self, method, path, headers, body, parsed, addr) -> RecordedRequest:
        with self._cond:
            req = RecordedRequest(
                index=len(self.requests), method=method, path=path, headers=headers, body=body, json=parsed,
                client_address=tuple(addr[:2]), received_at=time.time(), gen=self._gen,
            )
            self.requests.append(req)
            self._cond.notify_all()
            return req

    def _note_disconnect(self, req: RecordedRequest, kind: str) -> None:
        with self._cond:
            req.outcome = "client_disconnected"
            if req.gen != self._gen:
                return
            self.disconnect_log.append((req.index, kind))
            self.disconnected.set()
            self._cond.notify_all()

    def _notify(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _conn_opened(self, s: socket.socket) -> None:
        with self._cond:
            self._conns.add(s)

    def _conn_closed(self, s: socket.socket) -> None:
        with self._cond:
            self._conns.discard(s)

    @property
    def disconnects(self) -> int:
        """How many times the client went away mid-response (stream or stall)."""
        with self._cond:
            return len(self.disconnect_log)

    def wait_for_requests(self, n: int = 1, timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until at least n requests were recorded; returns them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"mock {self.name}: expected {n} request(s) within {timeout}s, got {len(self.requests)}: "
                        + ", ".join(f"{r.method} {r.path}" for r in self.requests)
                    )
                self._cond.wait(remaining)
            return list(self.requests)

    def wait_for_disconnect(self, timeout: float = 10.0, n: int = 1) -> bool:
        """True once at least n client disconnects were recorded within timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.disconnect_log) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every recorded request has finished being answered."""
        deadline = time.monotonic() + timeout
        for r in list(self.requests):
            if not r.done.wait(max(0.0, deadline - time.monotonic())):
                return False
        return True

    def model_requests(self) -> list[RecordedRequest]:
        """Requests to a model endpoint (chat/completions or messages, not count_tokens)."""
        return [r for r in self.requests
                if r.route.endswith("/chat/completions") or r.route.rstrip("/").endswith("/messages")]

    def __repr__(self) -> str:
        return f"<MockUpstream {self.name} {self.url if self._server else '(stopped)'} requests={len(self.requests)}>"

"""HTTP/2 on Sluice's TLS listener: curl multiplexing streams on one connection, the SDKs over
httpx2's HTTP/2, a stream reset by its client stopping the upstream work, the limits of HTTP/1.1
holding per stream and per connection, mutual TLS, HTTP/1.1 for clients that do not offer h2,
and graceful shutdown letting streams in flight finish. Certificates come from a private CA made
with openssl (test_listener_tls.py).
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import ssl
import subprocess
import time
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
import httpx2
import pytest

from mock_upstream import DEFAULT_TEXT, Stall, openai_sse, openai_stream_chunks, openai_usage, slow_stream
from sluice_harness import ANTHROPIC, OPENAI, PROTOCOLS, poll, unique_name
from test_listener_tls import Authority, https_url, query_usage, serve_https

proto_param = pytest.mark.parametrize("proto", PROTOCOLS, ids=[p.name for p in PROTOCOLS])


@pytest.fixture
def pki(tmp_path) -> dict:
    ca = Authority(tmp_path, "sluice-test-ca")
    certificate, key = ca.issue("gateway-one")
    return {"ca": ca, "certificate": certificate, "key": key}


def start_tls(sluice, pki, extra_config: dict | None = None, **kw):
    """A started Sluice with tls: (and `extra_config`); returns (server, https URL, CA path)."""
    srv = sluice(start=False, extra_config=extra_config, **kw)
    srv.config["tls"] = {"cert_file": str(pki["certificate"]), "key_file": str(pki["key"])}
    srv.write_config()
    ca = pki["ca"].certificate
    return srv, serve_https(srv, ca), ca


@pytest.fixture
def tls_server(sluice, pki):
    return start_tls(sluice, pki)


def usage_statuses(srv) -> list[int]:
    with sqlite3.connect(f"file:{srv.db}?mode=ro", uri=True, timeout=10) as db:
        return [row[0] for row in db.execute("SELECT status FROM usage ORDER BY id")]


def slow_openai_stream(words: int, delay: float):
    return slow_stream(openai_sse(openai_stream_chunks([f"w{i} " for i in range(words)], usage=openai_usage())),
                       delay=delay)


class H2Stream:
    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.data = bytearray()
        self.ended = False
        self.reset_code: int | None = None

    def json(self) -> dict:
        return json.loads(bytes(self.data))


class H2Client:
    """An HTTP/2 client on the h2 package, frame by frame: for what the SDKs never do (resetting
    one stream and keeping the connection, a body that stops, a flood of resets)."""

    def __init__(self, port: int, ca: Path, *, cert: tuple[Path, Path] | None = None):
        context = ssl.create_default_context(cafile=str(ca))
        context.set_alpn_protocols(["h2", "http/1.1"])
        if cert:
            context.load_cert_chain(*map(str, cert))
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
        assert self.sock.selected_alpn_protocol() == "h2"
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.streams: dict[int, H2Stream] = {}
        # The error codes of the server's GOAWAY frames, read off the bytes: h2 takes the first
        # GOAWAY as the connection's end and refuses the frames a graceful close still sends.
        self.goaway_codes: list[int] = []
        self._unscanned = bytearray()
        self._h2_done = False
        self.eof = False
        self.server_settings: dict[int, int] = {}
        self.flush()

    def close(self) -> None:
        self.sock.close()

    def flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def send(self, path: str, headers: dict[str, str], body: bytes | None, *, end: bool = True,
             method: str = "POST") -> int:
        stream_id = self.conn.get_next_available_stream_id()
        fields = [(":method", method), (":path", path), (":scheme", "https"), (":authority", "127.0.0.1"),
                  *headers.items()]
        self.conn.send_headers(stream_id, fields, end_stream=body is None and end)
        if body is not None:
            self.conn.send_data(stream_id, body, end_stream=end)
        self.streams[stream_id] = H2Stream()
        self.flush()
        return stream_id

    def post(self, proto, key: str, *, stream: bool = False, end: bool = True, body: bytes | None = None) -> int:
        data = body if body is not None else json.dumps(proto.body(stream=stream)).encode()
        return self.send(proto.path, proto.headers({"x-api-key": key}), data, end=end)

    def reset(self, stream_id: int) -> None:
        self.conn.reset_stream(stream_id)
        self.flush()

    def pump(self, until, timeout: float = 10.0) -> None:
        """Reads frames until `until()` holds, the server closes, or `timeout` passes (an error)."""
        deadline = time.monotonic() + timeout
        while not until():
            if self.eof:
                return
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the server did not answer in time"
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except (ConnectionResetError, ssl.SSLError):
                data = b""
            if not data:
                self.eof = True
                return
            events = []
            if not self._h2_done:
                try:
                    events = self.conn.receive_data(data)
                except h2.exceptions.ProtocolError:
                    self._h2_done = True
            for event in events:
                self._handle(event)
            if not self._h2_done:
                self.flush()
            self._scan_frames(data)

    def _scan_frames(self, data: bytes) -> None:
        self._unscanned += data
        while len(self._unscanned) >= 9:
            length = int.from_bytes(self._unscanned[:3], "big")
            if len(self._unscanned) < 9 + length:
                return
            kind, flags = self._unscanned[3], self._unscanned[4]
            if kind == 0x7:  # GOAWAY: last stream ID, then the error code
                self.goaway_codes.append(int.from_bytes(self._unscanned[13:17], "big"))
            elif kind == 0x6 and not flags & 0x1 and self._h2_done:
                # A PING after GOAWAY, which h2 no longer answers: acknowledged as any client does.
                self.sock.sendall(b"\x00\x00\x08\x06\x01\x00\x00\x00\x00" + bytes(self._unscanned[9:17]))
            del self._unscanned[:9 + length]

    def _handle(self, event) -> None:
        stream = self.streams.get(getattr(event, "stream_id", None) or 0)
        if isinstance(event, h2.events.ResponseReceived) and stream:
            stream.headers = dict(event.headers)
            stream.status = int(stream.headers[":status"])
        elif isinstance(event, h2.events.DataReceived):
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if stream:
                stream.data += event.data
        elif isinstance(event, h2.events.StreamEnded) and stream:
            stream.ended = True
        elif isinstance(event, h2.events.StreamReset) and stream:
            stream.reset_code = event.error_code
        elif isinstance(event, h2.events.RemoteSettingsChanged):
            self.server_settings.update({code: change.new_value for code, change in event.changed_settings.items()})

    def response(self, stream_id: int, timeout: float = 10.0) -> H2Stream:
        stream = self.streams[stream_id]
        self.pump(lambda: stream.ended or stream.reset_code is not None, timeout)
        return stream


def http2_client(ca: Path, cert: tuple[str, str] | None = None) -> httpx2.Client:
    context = ssl.create_default_context(cafile=str(ca))
    if cert:
        context.load_cert_chain(*cert)
    return httpx2.Client(http2=True, verify=context, timeout=30)


# --------------------------------------------------------------------------
# Clients over HTTP/2
# --------------------------------------------------------------------------


def test_curl_multiplexes_streamed_requests_on_one_connection(tls_server, mock, tmp_path):
    srv, url, ca = tls_server
    key = srv.create_key()
    streams = 4
    for _ in range(streams):
        mock.enqueue(slow_openai_stream(words=6, delay=0.2))
    outputs = [tmp_path / f"stream-{i}.txt" for i in range(streams)]
    argv = ["curl", "-sS", "--http2", "--parallel", "--parallel-max", str(streams), "--cacert", str(ca),
            "-H", f"x-api-key: {key}", "-H", "content-type: application/json", "-H", "anthropic-version: 2023-06-01",
            "-d", json.dumps(ANTHROPIC.body(stream=True)), "-w", "%{http_version} %{num_connects}\\n"]
    for output in outputs:
        argv += ["-o", str(output), url + "/v1/messages"]
    started = time.monotonic()
    curl = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    assert curl.returncode == 0, curl
    reports = [line.split() for line in curl.stdout.splitlines()]
    assert len(reports) == streams, curl.stdout
    assert all(version == "2" for version, _ in reports), curl.stdout
    assert sum(int(connects) for _, connects in reports) == 1, f"more than one connection: {curl.stdout}"
    for output in outputs:
        text = output.read_text()
        assert "event: message_stop" in text and "w5 " in text, text[-500:]
    # Each stream takes about a second upstream; one after the other would take four.
    assert took < 3.5, took
    assert len(mock.model_requests()) == streams


def test_hundreds_of_requests_multiplexed_by_curl_keep_their_one_connection(tls_server, mock, tmp_path):
    """curl resets a stream whose body reached its content-length before END_STREAM did; 200 such
    resets in 30 s trip swift-nio-http2's flood guard, which ends the connection with GOAWAY
    ENHANCE_YOUR_CALM and fails requests in flight. A whole reply goes out in one flush, so none."""
    srv, url, ca = tls_server
    key = srv.create_key()
    count = 450
    config = tmp_path / "curl.cfg"
    config.write_text(f'url = "{url}/v1/chat/completions"\noutput = "/dev/null"\n' * count)
    curl = subprocess.run(
        ["curl", "-sS", "-v", "--http2", "--parallel", "--parallel-max", "8", "--cacert", str(ca),
         "-H", f"authorization: Bearer {key}", "-H", "content-type: application/json",
         "-d", json.dumps(OPENAI.body()), "-w", "%{http_code} %{num_connects}\\n", "-K", str(config)],
        capture_output=True, text=True, timeout=240)
    reports = [line.split() for line in curl.stdout.splitlines()]
    assert "GOAWAY" not in curl.stderr, [line for line in curl.stderr.splitlines() if "GOAWAY" in line]
    assert curl.returncode == 0, curl.stderr[-2000:]
    assert [code for code, _ in reports] == ["200"] * count, curl.stdout
    assert sum(int(connects) for _, connects in reports) == 1, "the connection was replaced"


def test_the_sdks_over_http2_plain_and_streamed(tls_server):
    srv, url, ca = tls_server
    key = srv.create_key()
    import anthropic
    import openai

    versions: list[str] = []
    hooks = {"response": [lambda response: versions.append(response.http_version)]}
    with anthropic.Anthropic(base_url=url, api_key=key, max_retries=0,
                             http_client=anthropic.DefaultHttpxClient(verify=str(ca), http2=True,
                                                                      event_hooks=hooks)) as client:
        reply = client.messages.create(model="claude-test", max_tokens=20, messages=[{"role": "user", "content": "hi"}])
        assert reply.content[0].text
        with client.messages.stream(model="claude-test", max_tokens=20,
                                    messages=[{"role": "user", "content": "hi"}]) as stream:
            assert "".join(stream.text_stream)
    with openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0,
                       http_client=openai.DefaultHttpxClient(verify=str(ca), http2=True, event_hooks=hooks)) as client:
        completion = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hi"}])
        assert completion.choices[0].message.content
        chunks = client.chat.completions.create(model="gpt-test", stream=True,
                                                messages=[{"role": "user", "content": "hi"}])
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert versions == ["HTTP/2"] * 4, versions
    statuses, _ = poll(lambda: (lambda s: s if len(s) == 4 else None)(usage_statuses(srv)), timeout=5)
    assert statuses == [200] * 4


@proto_param
def test_sse_events_arrive_as_they_are_made_over_http2(tls_server, mock, proto):
    srv, url, ca = tls_server
    key = srv.create_key()
    mock.enqueue(slow_openai_stream(words=5, delay=0.4))
    with http2_client(ca) as client:
        with client.stream("POST", url + proto.path, headers=proto.headers({"x-api-key": key}),
                           json=proto.body(stream=True)) as response:
            assert response.status_code == 200 and response.http_version == "HTTP/2"
            assert response.headers["content-type"].startswith("text/event-stream")
            started = time.monotonic()
            arrivals, text = [], ""
            for piece in response.iter_text():
                arrivals.append(time.monotonic() - started)
                text += piece
    # Five words 0.4 s apart: the first reached the client long before the last was made.
    assert len(arrivals) >= 3 and arrivals[-1] - arrivals[0] > 1.0, arrivals
    assert "w4 " in text
    assert ("event: message_stop" if proto.is_anthropic else "[DONE]") in text, text[-300:]


# --------------------------------------------------------------------------
# Cancellation: a reset stream stops its work, and only its work
# --------------------------------------------------------------------------


@proto_param
@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
def test_a_stream_reset_by_the_client_stops_its_upstream_work(tls_server, mock, proto, stream):
    srv, _, ca = tls_server
    key = srv.create_key()
    # The upstream withholds its headers: only cancellation can stop the call, no write fails.
    mock.enqueue(Stall(20))
    client = H2Client(srv.port, ca)
    try:
        stalled = client.post(proto, key, stream=stream)
        assert mock.wait_for_requests(1)
        client.reset(stalled)
        assert mock.wait_for_disconnect(timeout=1.5), "the upstream call outlived its reset stream"
        # The connection and its other streams carry on.
        answered = client.response(client.post(proto, key))
        assert answered.status == 200, answered.data[:500]
        assert DEFAULT_TEXT in answered.data.decode()
    finally:
        client.close()
    statuses, _ = poll(lambda: (lambda s: s if len(s) == 2 else None)(usage_statuses(srv)), timeout=5)
    assert sorted(statuses) == [200, 499], statuses


# --------------------------------------------------------------------------
# Limits on HTTP/2
# --------------------------------------------------------------------------


@proto_param
def test_a_body_over_the_limit_is_a_413_in_the_protocols_shape_over_http2(sluice, pki, mock, proto):
    srv, url, ca = start_tls(sluice, pki, body_limit=4096)
    key = srv.create_key()
    body = proto.body(text="x" * 20_000)
    with http2_client(ca) as client:
        response = client.post(url + proto.path, headers=proto.headers({"x-api-key": key}), json=body)
        assert response.http_version == "HTTP/2"
        proto.assert_error(response, "too_large", secrets=[key])
        # The connection stays usable for the next request.
        fine = client.post(url + proto.path, headers=proto.headers({"x-api-key": key}), json=proto.body())
        assert fine.http_version == "HTTP/2"
        proto.assert_ok(fine)
    assert len(mock.model_requests()) == 1


@proto_param
def test_a_body_that_stops_arriving_is_answered_408_on_its_stream(sluice, pki, proto):
    srv, _, ca = start_tls(sluice, pki, extra_config={"body_timeout": "1s"})
    key = srv.create_key()
    whole = json.dumps(proto.body()).encode()
    client = H2Client(srv.port, ca)
    try:
        started = time.monotonic()
        stalled = client.post(proto, key, body=whole[:20], end=False)
        answer = client.response(stalled, timeout=10)
        assert 0.9 < time.monotonic() - started < 4, time.monotonic() - started
        assert answer.status == 408, answer.data[:500]
        body = answer.json()
        assert "stopped arriving" in body["error"]["message"], body
        if proto.is_anthropic:
            assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error", body
        else:
            assert set(body) == {"error"} and body["error"]["type"] == "invalid_request_error", body
    finally:
        client.close()


def test_an_idle_http2_connection_is_closed_after_the_idle_timeout(sluice, pki):
    srv, _, ca = start_tls(sluice, pki, extra_config={"idle_timeout": "1s"})
    client = H2Client(srv.port, ca)
    try:
        started = time.monotonic()
        client.pump(lambda: False, timeout=8)
        assert client.eof
        assert 0.9 < time.monotonic() - started < 5, time.monotonic() - started
        assert client.goaway_codes and set(client.goaway_codes) == {0}, client.goaway_codes
    finally:
        client.close()


def test_an_idle_http2_client_that_never_answers_the_close_is_cut_off(sluice, pki):
    """The connection manager's idle close waits for the client's PING answer; a client that has
    gone silent after its request must not hold the connection (and a descriptor) for ever."""
    srv, _, ca = start_tls(sluice, pki, extra_config={"idle_timeout": "1s"})
    client = H2Client(srv.port, ca)
    try:
        answer = client.response(client.send("/healthz", {}, None, method="GET"), timeout=10)
        assert answer.status == 200
        answered = time.monotonic()
        # Silent from now on: nothing read, so the server's GOAWAY and PING go unanswered.
        time.sleep(4)
        assert not client.eof
        client.sock.settimeout(10)
        received = b""
        try:
            while chunk := client.sock.recv(65536):
                received += chunk
        except (ConnectionResetError, ssl.SSLError):
            pass
        except TimeoutError:
            pytest.fail("the silent client's connection was still open 14 s after its last answer")
        closed_after = time.monotonic() - answered
        # The idle timeout (1 s) plus the grace for the answer (5 s).
        assert 5 < closed_after < 9, closed_after
        assert received, "the server's GOAWAY never came"
    finally:
        client.close()
    with http2_client(ca) as fresh:
        assert fresh.get(https_url(srv) + "/healthz").status_code == 200


def test_concurrent_streams_are_capped_and_a_reset_flood_ends_the_connection(tls_server):
    srv, _, ca = tls_server
    key = srv.create_key()
    client = H2Client(srv.port, ca)
    try:
        client.pump(lambda: bool(client.server_settings), timeout=5)
        assert client.server_settings.get(h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS) == 100, client.server_settings
        # Opening a stream and resetting it at once, over and over (the "rapid reset" attack):
        # swift-nio-http2 allows 200 resets in 30 s, then sends GOAWAY and closes.
        for _ in range(300):
            if client.eof or client.goaway_codes:
                break
            try:
                client.reset(client.post(OPENAI, key, end=False, body=b"{"))
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError, h2.exceptions.ProtocolError):
                break
        client.pump(lambda: False, timeout=10)
        assert client.eof, "the connection survived a flood of resets"
        assert client.goaway_codes and client.goaway_codes[-1] != 0, client.goaway_codes
    finally:
        client.close()
    # The server itself is fine.
    with http2_client(ca) as fresh:
        assert fresh.get(https_url(srv) + "/healthz").status_code == 200


# --------------------------------------------------------------------------
# TLS over HTTP/2: mutual TLS, and HTTP/1.1 for clients that don't offer h2
# --------------------------------------------------------------------------


def test_mutual_tls_over_http2_records_the_client_certificate(sluice, pki, tmp_path):
    clients = Authority(tmp_path, "client-ca")
    member = tuple(map(str, clients.issue("alice-laptop", server=False)))
    stranger = tuple(map(str, Authority(tmp_path, "other-ca").issue("mallory", server=False)))
    srv = sluice(start=False)
    srv.config["tls"] = {"cert_file": str(pki["certificate"]), "key_file": str(pki["key"]),
                         "client_ca_file": str(clients.certificate)}
    srv.write_config()
    ca = pki["ca"].certificate
    url = serve_https(srv, ca, client_certificate=member)
    key = srv.create_key()
    with http2_client(ca, cert=member) as client:
        for forged in ({}, {"x-sluice-client-certificate": "CN=root"}):
            response = client.post(url + "/v1/messages", headers=ANTHROPIC.headers({"x-api-key": key, **forged}),
                                   json=ANTHROPIC.body())
            assert response.http_version == "HTTP/2"
            ANTHROPIC.assert_ok(response)
    rows, _ = poll(lambda: (lambda r: r if len(r) == 2 else None)(query_usage(srv)), timeout=5.0)
    assert rows == [("CN=alice-laptop",), ("CN=alice-laptop",)], rows
    srv.wait_for_log(r"client_cert=CN=alice-laptop")
    for certificate in (None, stranger):
        with pytest.raises((httpx2.ConnectError, httpx2.ReadError, httpx2.WriteError, httpx2.RemoteProtocolError)):
            with http2_client(ca, cert=certificate) as client:
                client.post(url + "/v1/messages", headers=ANTHROPIC.headers({"x-api-key": key}), json=ANTHROPIC.body())


@pytest.mark.parametrize("offered", [["http/1.1"], None], ids=["http1.1-only", "no-alpn"])
def test_clients_that_do_not_offer_h2_get_http_1_1(tls_server, offered):
    srv, _, ca = tls_server
    context = ssl.create_default_context(cafile=str(ca))
    if offered:
        context.set_alpn_protocols(offered)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            assert tls.selected_alpn_protocol() == (offered[0] if offered else None)
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := tls.recv(65536):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    # httpx2 without http2 offers only http/1.1, and keeps to it.
    with httpx2.Client(verify=str(ca)) as client:
        assert client.get(https_url(srv) + "/healthz").http_version == "HTTP/1.1"


# --------------------------------------------------------------------------
# Graceful shutdown: GOAWAY, and streams in flight finish within the grace period
# --------------------------------------------------------------------------


@proto_param
def test_streams_in_flight_over_http2_finish_at_shutdown(sluice, pki, mock, proto):
    srv, url, ca = start_tls(sluice, pki, extra_config={"shutdown_grace": "10s"})
    key = srv.create_key(unique_name("shutdown"))
    mock.enqueue(slow_openai_stream(words=8, delay=0.25))
    curl = subprocess.Popen(
        ["curl", "-sS", "-N", "--http2", "--cacert", str(ca), "-H", f"x-api-key: {key}",
         *[argument for name, value in proto.headers().items() for argument in ("-H", f"{name}: {value}")],
         "-d", json.dumps(proto.body(stream=True)), "-w", "\n%{http_version}", url + proto.path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = curl.stdout.readline()
        assert first, curl.stderr.read()
        srv.send_signal(signal.SIGTERM)
        rest, errors = curl.communicate(timeout=20)
    finally:
        curl.kill()
    text = (first + rest).decode()
    assert curl.returncode == 0, errors
    assert text.endswith("\n2"), text[-200:]
    assert "w7 " in text and "shutting down" not in text, text[-500:]
    assert ("event: message_stop" if proto.is_anthropic else "[DONE]") in text, text[-300:]
    assert srv.proc.wait(timeout=15) == 0
    assert usage_statuses(srv) == [200]

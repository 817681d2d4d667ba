"""A remote backend over TLS and HTTP/2: nghttpd (Debian's nghttp2-server) as the upstream, with a
certificate from a private CA that the backend's `ca_file` trusts.

nghttpd serves a file for any method, so the upstream's answer is a stored OpenAI event stream;
its verbose log shows the HTTP/2 frames Sluice sent, which is what these tests check.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

import mock_upstream as m
from protocol_checks import post_json
from sluice_harness import backend, describe, route, run_sluice, unique_name

ANSWER = "over HTTP/2"


def nghttpd_binary() -> str:
    path = shutil.which("nghttpd") or ("/usr/sbin/nghttpd" if Path("/usr/sbin/nghttpd").exists() else None)
    assert path, "nghttpd is missing: scripts/setup --test installs nghttp2-server"
    return path


@pytest.fixture(scope="module")
def tls_upstream(tmp_path_factory):
    """nghttpd on a free port with a certificate for 127.0.0.1 issued by a throwaway CA."""
    folder = tmp_path_factory.mktemp("tls-upstream")
    ca_key, ca_cert, key, request, cert = (folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    extensions = folder / "san.cnf"
    extensions.write_text("subjectAltName=IP:127.0.0.1\n")
    for command in (
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_cert, "-days", "2", "-subj", "/CN=Sluice test CA"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial", "-out", cert, "-days", "2",
         "-extfile", extensions],
    ):
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)

    root = folder / "root"
    (root / "v1" / "chat").mkdir(parents=True)
    stream = m.openai_sse(m.openai_stream_chunks(ANSWER, usage=m.openai_usage(5, 3)))
    (root / "v1" / "chat" / "completions").write_bytes(b"".join(stream))

    port = m.free_port()
    log = folder / "nghttpd.log"
    with log.open("wb") as output:
        server = subprocess.Popen([nghttpd_binary(), "-v", "-d", str(root), str(port), str(key), str(cert)],
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while "listen" not in log.read_text(errors="replace").lower() and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text(errors="replace")
            time.sleep(0.05)
        yield {"url": f"https://127.0.0.1:{port}/v1", "ca_file": str(ca_cert), "log": log}
    finally:
        server.terminate()
        server.wait(timeout=10)


def upstream_log(tls_upstream) -> str:
    return tls_upstream["log"].read_text(errors="replace")


def test_a_backend_trusting_the_private_ca_streams_over_http2(sluice, tls_upstream):
    srv = sluice(backends=[backend("h2", tls_upstream["url"], ca_file=tls_upstream["ca_file"])], routes=[route("*", "h2")])
    key = srv.create_key(unique_name("h2"))
    before = upstream_log(tls_upstream).count(":path: /v1/chat/completions")
    with srv.anthropic(key) as client:
        for _ in range(3):
            reply = client.messages.create(model="m", max_tokens=20, messages=[{"role": "user", "content": "hi"}])
            assert reply.content[0].text == ANSWER
            assert (reply.usage.input_tokens, reply.usage.output_tokens) == (5, 3)
    log = upstream_log(tls_upstream)
    # Each request went out as HTTP/2 HEADERS frames carrying the upstream key…
    assert log.count(":path: /v1/chat/completions") - before == 3, log[-4000:]
    assert "authorization: Bearer upstream-secret" in log
    # …all three on one connection: HTTP/2 connections are multiplexed and kept.
    assert log.count("SETTINGS frame <length=") >= 1
    sessions = {line.split("]")[0] for line in log.splitlines() if ":path: /v1/chat/completions" in line}
    assert len(sessions) == 1, sessions


def test_without_the_ca_the_upstream_certificate_is_refused(sluice, tls_upstream):
    srv = sluice(backends=[backend("h2", tls_upstream["url"], max_attempts=1)], routes=[route("*", "h2")])
    key = srv.create_key(unique_name("untrusted"))
    r = post_json(srv, "/v1/messages", key, {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]})
    assert r.status_code == 502, describe(r)
    assert "backend 'h2' failed" in r.json()["error"]["message"]
    assert "certificate" in r.json()["error"]["message"].lower()


def test_an_unreadable_ca_file_stops_start_up_naming_it(sluice, tmp_path):
    missing = tmp_path / "no-such-ca.pem"
    srv = sluice(backends=[backend("h2", "https://127.0.0.1:1/v1", ca_file=str(missing))], routes=[route("*", "h2")],
                 start=False)
    done = run_sluice(["serve", "--config", str(srv.config_path)], env=srv.env(), cwd=srv.workdir, timeout=30)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1] == f"sluice: backend 'h2': ca_file '{missing}' cannot be read", done.stderr

"""HTTPS on Sluice's own listener: certificates from a private CA the tests make with openssl, the
SDKs, curl and Claude Code trusting that CA, certificates replaced while the server runs, mutual
TLS, and old protocol versions refused.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests

from sluice_harness import ANTHROPIC, OPENAI, Sluice, poll, requires_claude, run_claude_code, sluice_binary
from test_claude_code import FILE_CONTENT, FINAL_TEXT, write_then_answer


def openssl(*args: object) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


class Authority:
    """A throwaway CA that issues certificates for 127.0.0.1 (servers) or a named client."""

    def __init__(self, folder: Path, name: str):
        self.folder = folder
        self.key, self.certificate = folder / f"{name}.key", folder / f"{name}.pem"
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", self.certificate,
                "-days", "2", "-subj", f"/CN={name}")

    def issue(self, name: str, *, server: bool = True) -> tuple[Path, Path]:
        key, request, certificate = (self.folder / f"{name}{suffix}" for suffix in (".key", ".csr", ".pem"))
        extensions = self.folder / f"{name}.cnf"
        extensions.write_text("subjectAltName=IP:127.0.0.1\n" if server else "extendedKeyUsage=clientAuth\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", f"/CN={name}")
        openssl("x509", "-req", "-in", request, "-CA", self.certificate, "-CAkey", self.key, "-CAcreateserial",
                "-out", certificate, "-days", "2", "-extfile", extensions)
        return certificate, key


def query_usage(srv: Sluice) -> list[tuple]:
    """The client_certificate column of every usage row, oldest first."""
    connection = sqlite3.connect(f"file:{srv.db}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute("SELECT client_certificate FROM usage ORDER BY id").fetchall()
    finally:
        connection.close()


def https_url(srv: Sluice) -> str:
    return f"https://127.0.0.1:{srv.port}"


def serve_https(srv: Sluice, ca: Path, client_certificate: tuple[str, str] | None = None) -> str:
    """Starts `srv` (its config already has tls:) and waits until it answers over HTTPS (presenting
    `client_certificate`, (certificate, key), where mutual TLS asks for one)."""
    argv = [str(sluice_binary()), "serve", "--config", str(srv.config_path)]
    with open(srv.log_path, "ab") as log:
        srv.proc = subprocess.Popen(argv, cwd=srv.workdir, env=srv.env(), stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert srv.proc.poll() is None, f"sluice exited:\n{srv.log()[-3000:]}"
        try:
            if requests.get(https_url(srv) + "/healthz", verify=str(ca), cert=client_certificate,
                            timeout=2).status_code == 200:
                return https_url(srv)
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"sluice did not answer over HTTPS; log:\n{srv.log()[-3000:]}")


def peer_certificate_subject(port: int, ca: Path) -> str:
    """The common name of the certificate a new connection is given."""
    context = ssl.create_default_context(cafile=str(ca))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            subject = dict(item[0] for item in tls.getpeercert()["subject"])
            return subject["commonName"]


@pytest.fixture
def pki(tmp_path) -> dict:
    ca = Authority(tmp_path, "sluice-test-ca")
    certificate, key = ca.issue("gateway-one")
    return {"ca": ca, "certificate": certificate, "key": key}


@pytest.fixture
def https(sluice, pki):
    srv = sluice(start=False)
    live_certificate, live_key = srv.workdir / "tls.pem", srv.workdir / "tls.key"
    live_certificate.write_bytes(pki["certificate"].read_bytes())
    live_key.write_bytes(pki["key"].read_bytes())
    srv.config["tls"] = {"cert_file": str(live_certificate), "key_file": str(live_key)}
    srv.write_config()
    url = serve_https(srv, pki["ca"].certificate)
    return srv, url


def test_a_client_that_never_finishes_the_handshake_is_closed(sluice, pki):
    srv = sluice(start=False, extra_config={"header_timeout": "1s"})
    srv.config["tls"] = {"cert_file": str(pki["certificate"]), "key_file": str(pki["key"])}
    srv.write_config()
    serve_https(srv, pki["ca"].certificate)
    silent = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    half = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    half.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # the start of a ClientHello, then nothing
    started = time.monotonic()
    for connection in (silent, half):
        try:
            assert connection.recv(4096) == b"", "the server sent something to a client that said nothing"
        except ConnectionResetError:
            pass
        connection.close()
    assert time.monotonic() - started < 5, "a stalled handshake held its connection past header_timeout"


def test_the_sdks_and_curl_speak_https_plain_and_streamed(https, pki):
    srv, url = https
    ca = str(pki["ca"].certificate)
    key = srv.create_key()
    import anthropic
    import openai

    with anthropic.Anthropic(base_url=url, api_key=key, max_retries=0, http_client=anthropic.DefaultHttpxClient(verify=ca)) as client:
        reply = client.messages.create(model="claude-test", max_tokens=20, messages=[{"role": "user", "content": "hi"}])
        assert reply.content[0].text
        with client.messages.stream(model="claude-test", max_tokens=20,
                                    messages=[{"role": "user", "content": "hi"}]) as stream:
            assert "".join(stream.text_stream)
    with openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0,
                       http_client=openai.DefaultHttpxClient(verify=ca)) as client:
        completion = client.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "hi"}])
        assert completion.choices[0].message.content
        chunks = client.chat.completions.create(model="gpt-test", stream=True,
                                                messages=[{"role": "user", "content": "hi"}])
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    curl = subprocess.run(["curl", "-sS", "--cacert", ca, "-H", f"x-api-key: {key}", "-H", "content-type: application/json",
                           "-H", "anthropic-version: 2023-06-01", "-d", '{"model":"m","max_tokens":9,"stream":true,'
                           '"messages":[{"role":"user","content":"hi"}]}', url + "/v1/messages"],
                          capture_output=True, text=True, timeout=30)
    assert curl.returncode == 0 and "event: message_stop" in curl.stdout, curl
    # Without the CA the certificate is not trusted: TLS really is in the way.
    untrusted = subprocess.run(["curl", "-sS", url + "/healthz"], capture_output=True, text=True, timeout=30)
    assert untrusted.returncode != 0
    # Plain HTTP on the TLS port gets no HTTP answer.
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{srv.port}/healthz", timeout=5)


def test_a_replaced_certificate_is_served_to_new_connections_and_a_broken_one_is_not(https, pki):
    srv, _ = https
    ca = pki["ca"].certificate
    assert peer_certificate_subject(srv.port, ca) == "gateway-one"
    certificate, key = pki["ca"].issue("gateway-two")
    # As certbot or cert-manager would: the new files are moved into place.
    for source, target in ((key, "tls.key"), (certificate, "tls.pem")):
        staged = srv.workdir / f"{target}.new"
        staged.write_bytes(source.read_bytes())
        os.replace(staged, srv.workdir / target)
    deadline = time.monotonic() + 10
    while peer_certificate_subject(srv.port, ca) != "gateway-two":
        assert time.monotonic() < deadline, "the new certificate was never served"
        time.sleep(0.2)
    srv.wait_for_log("loaded the listener's TLS certificate")

    # A half-written certificate: logged, and the current one stays.
    (srv.workdir / "tls.pem").write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n")
    srv.wait_for_log("the new TLS certificate was not loaded", timeout=10)
    assert peer_certificate_subject(srv.port, ca) == "gateway-two"
    assert srv.running


def test_tls_older_than_1_2_is_refused(https, pki):
    srv, _ = https
    for version in ("-tls1", "-tls1_1"):
        result = subprocess.run(["openssl", "s_client", version, "-cipher", "DEFAULT:@SECLEVEL=0", "-connect",
                                 f"127.0.0.1:{srv.port}", "-CAfile", str(pki["ca"].certificate)],
                                capture_output=True, text=True, timeout=30, input="")
        assert result.returncode != 0, result.stdout
        assert "protocol version" in result.stdout + result.stderr, result.stdout + result.stderr
    modern = subprocess.run(["openssl", "s_client", "-tls1_2", "-connect", f"127.0.0.1:{srv.port}", "-CAfile",
                             str(pki["ca"].certificate)], capture_output=True, text=True, timeout=30, input="")
    assert "Verify return code: 0 (ok)" in modern.stdout, modern.stdout


def test_mutual_tls_refuses_clients_without_a_certificate_from_the_client_ca(sluice, pki, tmp_path):
    clients = Authority(tmp_path, "client-ca")
    strangers = Authority(tmp_path, "other-ca")
    member = clients.issue("alice-laptop", server=False)
    stranger = strangers.issue("mallory", server=False)
    srv = sluice(start=False)
    srv.config["tls"] = {"cert_file": str(pki["certificate"]), "key_file": str(pki["key"]),
                         "client_ca_file": str(clients.certificate)}
    srv.write_config()
    serve_https(srv, pki["ca"].certificate, client_certificate=tuple(map(str, member)))
    ca = str(pki["ca"].certificate)
    key = srv.create_key()
    answered = requests.post(https_url(srv) + "/v1/messages", verify=ca, cert=tuple(map(str, member)), timeout=30,
                             headers=ANTHROPIC.headers({"x-api-key": key}), json=ANTHROPIC.body())
    ANTHROPIC.assert_ok(answered)
    # The certificate's subject is logged with the request and recorded with its usage.
    srv.wait_for_log(r"client_cert=CN=alice-laptop")
    rows, _ = poll(lambda: query_usage(srv) or None, timeout=5.0)
    assert rows == [("CN=alice-laptop",)], rows
    # A client cannot claim a certificate it did not present.
    forged = requests.post(https_url(srv) + "/v1/messages", verify=ca, cert=tuple(map(str, member)), timeout=30,
                           headers=ANTHROPIC.headers({"x-api-key": key, "x-sluice-client-certificate": "CN=root"}),
                           json=ANTHROPIC.body())
    ANTHROPIC.assert_ok(forged)
    rows, _ = poll(lambda: (lambda r: r if len(r) == 2 else None)(query_usage(srv)), timeout=5.0)
    assert rows == [("CN=alice-laptop",), ("CN=alice-laptop",)], rows
    for client_certificate in (None, tuple(map(str, stranger))):
        with pytest.raises(requests.exceptions.SSLError):
            requests.post(https_url(srv) + "/v1/chat/completions", verify=ca, cert=client_certificate, timeout=10,
                          headers=OPENAI.headers({"authorization": f"Bearer {key}"}), json=OPENAI.body())


def test_over_plain_http_a_client_certificate_header_is_dropped(sluice):
    srv = sluice()
    key = srv.create_key()
    r = ANTHROPIC.post(srv, key, headers={"x-sluice-client-certificate": "CN=forged"})
    ANTHROPIC.assert_ok(r)
    rows, _ = poll(lambda: query_usage(srv) or None, timeout=5.0)
    assert rows == [(None,)], rows
    assert "forged" not in srv.log()


def test_a_certificate_that_does_not_load_stops_the_start(sluice, pki):
    srv = sluice(start=False)
    srv.config["tls"] = {"cert_file": str(pki["certificate"]), "key_file": str(pki["ca"].key)}
    srv.write_config()
    served = subprocess.run([str(sluice_binary()), "serve", "--config", str(srv.config_path)], env=srv.env(),
                            capture_output=True, text=True, timeout=30)
    assert served.returncode != 0
    assert "cannot be used together" in served.stderr, served.stderr


def test_listening_beyond_loopback_without_tls_warns(sluice):
    srv = sluice(start=False)
    srv.config["listen"] = f"0.0.0.0:{srv.port}"
    srv.write_config()
    srv.config_path.write_text(srv.config_path.read_text().replace(f'"127.0.0.1:{srv.port}"', f'"0.0.0.0:{srv.port}"'))
    srv.start()
    srv.wait_for_log("without TLS")
    assert srv.log().count("without TLS") == 1


@requires_claude
def test_claude_code_over_https_with_a_private_ca(https, pki, mock, tmp_path):
    srv, url = https
    workdir = tmp_path / "project"
    workdir.mkdir()
    mock.default = write_then_answer(workdir)
    key = srv.create_key()
    result = run_claude_code(url, workdir, {"ANTHROPIC_AUTH_TOKEN": key},
                             "Create hello.txt saying hello",
                             extra_env={"NODE_EXTRA_CA_CERTS": str(pki["ca"].certificate)})
    assert result.returncode == 0, f"claude failed:\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert (workdir / "hello.txt").read_text() == FILE_CONTENT
    assert FINAL_TEXT in result.stdout

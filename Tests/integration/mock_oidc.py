"""A minimal OpenID Connect provider for the single sign-on tests, run in-process on loopback.

It serves what an issuer must: the discovery document, a JWKS with one RS256 key, an authorization
endpoint that signs in `provider.next_user` at once (no login form) and redirects back with a code,
and a token endpoint that redeems each code once, checks the client secret and the PKCE verifier,
and returns an ID token signed RS256.

`provider.token_fault` makes the next ID tokens wrong in one way: "bad_signature" (signed by a key
not in the JWKS, under the published kid), "wrong_audience", "expired", "wrong_nonce",
"wrong_issuer", "unknown_kid".  `provider.log` records each request (path and parameters).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class MockOpenIDProvider:
    def __init__(self, client_id: str = "sluice-console", client_secret: str = "s3cret-for-tests"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.next_user: dict[str, Any] = {"sub": "u-admin", "email": "admin@example.com", "email_verified": True}
        self.token_fault: str | None = None
        self.codes: dict[str, dict[str, Any]] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "MockOpenIDProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.next_user = {"sub": "u-admin", "email": "admin@example.com", "email_verified": True}
            self.token_fault = None
            self.log.clear()

    def requests_to(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [params for p, params in self.log if p == path]

    # -- what the endpoints answer -------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}]}

    def id_token(self, user: dict[str, Any], nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, "nonce": nonce, **user}
        key, kid = self.key, self.kid
        fault = self.token_fault
        if fault == "bad_signature":
            key = self.other_key
        elif fault == "wrong_audience":
            claims["aud"] = "another-client"
        elif fault == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif fault == "wrong_nonce":
            claims["nonce"] = "not-the-nonce"
        elif fault == "wrong_issuer":
            claims["iss"] = "https://evil.example.com"
        elif fault == "unknown_kid":
            kid = "never-published"
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                with provider._lock:
                    provider.log.append((url.path, params))
                if url.path == "/.well-known/openid-configuration":
                    return self._send(200, provider.discovery())
                if url.path == "/jwks":
                    return self._send(200, provider.jwks())
                if url.path == "/authorize":
                    return self._authorize(params)
                self._send(404, {"error": "not_found"})

            def _authorize(self, params: dict[str, str]) -> None:
                if (params.get("response_type") != "code" or params.get("client_id") != provider.client_id
                        or params.get("code_challenge_method") != "S256" or not params.get("code_challenge")
                        or "openid" not in params.get("scope", "").split()):
                    return self._send(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(24)
                with provider._lock:
                    provider.codes[code] = {"user": dict(provider.next_user), "nonce": params.get("nonce", ""),
                                            "challenge": params["code_challenge"],
                                            "redirect_uri": params.get("redirect_uri"), "used": False}
                query = urllib.parse.urlencode({"code": code, "state": params.get("state", "")})
                self._send(302, headers={"Location": f"{params.get('redirect_uri')}?{query}"})

            def do_POST(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                with provider._lock:
                    provider.log.append((url.path, {k: v for k, v in form.items() if k != "code_verifier"}))
                if url.path != "/token":
                    return self._send(404, {"error": "not_found"})
                expected = base64.b64encode(f"{provider.client_id}:{provider.client_secret}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._send(401, {"error": "invalid_client"})
                with provider._lock:
                    grant = provider.codes.get(form.get("code", ""))
                    if (form.get("grant_type") != "authorization_code" or grant is None or grant["used"]
                            or form.get("redirect_uri") != grant["redirect_uri"]
                            or pkce_challenge(form.get("code_verifier", "")) != grant["challenge"]):
                        return self._send(400, {"error": "invalid_grant"})
                    grant["used"] = True
                token = provider.id_token(grant["user"], grant["nonce"])
                self._send(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                                 "id_token": token})

        return Handler

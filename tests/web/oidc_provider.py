"""A tiny OpenID Connect provider for the tests, served on 127.0.0.1 from a thread: discovery,
authorize (approves at once, as whoever `person` says), token (checks the client secret, the
redirect URI and the PKCE verifier), userinfo and JWKS, with an RSA key made at start-up.

Only what a sign-in round trip needs; it exists so the app's real OIDC code talks real HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


class Provider:
    def __init__(self, client_id="craftpath", client_secret=None):
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.person = {"email": "", "name": "", "email_verified": True}
        self.kid = secrets.token_hex(4)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._server = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> Provider:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def environment(self) -> dict[str, str]:
        """The CRAFTPATH_OIDC_* variables that point craftpath at this provider."""
        return {"CRAFTPATH_OIDC_CLIENT_ID": self.client_id,
                "CRAFTPATH_OIDC_CLIENT_SECRET": self.client_secret,
                "CRAFTPATH_OIDC_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
                "CRAFTPATH_OIDC_TOKEN_ENDPOINT": f"{self.url}/token",
                "CRAFTPATH_OIDC_USERINFO_ENDPOINT": f"{self.url}/userinfo",
                "CRAFTPATH_OIDC_JWKS_ENDPOINT": f"{self.url}/jwks"}

    # --- the WSGI app ---------------------------------------------------------------------------
    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        handler = {"/.well-known/openid-configuration": self._discovery,
                   "/authorize": self._authorize, "/token": self._token,
                   "/userinfo": self._userinfo, "/jwks": self._jwks}.get(path)
        if handler is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        status, headers, body = handler(environ, query)
        start_response(status, headers)
        return [body]

    @staticmethod
    def _json(data, status="200 OK"):
        return status, [("Content-Type", "application/json")], json.dumps(data).encode()

    def _discovery(self, environ, query):
        return self._json({"issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                           "token_endpoint": f"{self.url}/token",
                           "userinfo_endpoint": f"{self.url}/userinfo",
                           "jwks_uri": f"{self.url}/jwks", "response_types_supported": ["code"],
                           "id_token_signing_alg_values_supported": ["RS256"],
                           "code_challenge_methods_supported": ["S256"]})

    def _authorize(self, environ, query):
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return self._json({"error": "invalid_request"}, "400 Bad Request")
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"],
                             "challenge": query.get("code_challenge"),
                             "person": dict(self.person)}
        target = query["redirect_uri"] + "?" + urlencode({"code": code,
                                                          "state": query.get("state", "")})
        return "302 Found", [("Location", target)], b""

    def _token(self, environ, query):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        grant = self._codes.pop(form.get("code", ""), None)
        if (grant is None or form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret
                or form.get("redirect_uri") != grant["redirect_uri"]):
            return self._json({"error": "invalid_grant"}, "400 Bad Request")
        if grant["challenge"]:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return self._json({"error": "invalid_grant"}, "400 Bad Request")
        person = grant["person"]
        now = int(time.time())
        claims = {"iss": self.url, "sub": person["email"], "aud": self.client_id, "iat": now,
                  "exp": now + 300, "nonce": grant["nonce"], "email": person["email"]}
        private = self._key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
        id_token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(16)
        self._tokens[access_token] = person
        return self._json({"access_token": access_token, "token_type": "Bearer",
                           "expires_in": 300, "id_token": id_token})

    def _userinfo(self, environ, query):
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        person = self._tokens.get(token)
        if person is None:
            return self._json({"error": "invalid_token"}, "401 Unauthorized")
        return self._json({"sub": person["email"], **person})

    def _jwks(self, environ, query):
        key = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        key.update(kid=self.kid, use="sig", alg="RS256")
        return self._json({"keys": [key]})

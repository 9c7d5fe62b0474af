"""Helpers for the API tests: a test client that sends a personal access token."""

from __future__ import annotations

import json

from django.test import Client


class TokenClient:
    """Django's test client with `Authorization: Bearer …` on every request and JSON bodies."""

    def __init__(self, secret: str):
        self.client = Client()
        self.secret = secret

    def _call(self, method: str, path: str, body=None, **headers):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}
        extra.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
        if body is not None:
            return getattr(self.client, method)(path, json.dumps(body),
                                                content_type="application/json", **extra)
        return getattr(self.client, method)(path, **extra)

    def get(self, path, **headers):
        return self._call("get", path, **headers)

    def post(self, path, body=None, **headers):
        return self._call("post", path, {} if body is None else body, **headers)

    def put(self, path, body=None, **headers):
        return self._call("put", path, body or {}, **headers)

    def patch(self, path, body=None, **headers):
        return self._call("patch", path, body or {}, **headers)

    def delete(self, path, **headers):
        return self._call("delete", path, **headers)


def token_client(person, scope: str = "write") -> TokenClient:
    from craftpath.web.api import tokens

    return TokenClient(tokens.create(person, f"{scope} test", scope).secret)

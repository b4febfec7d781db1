"""A browser's share of HTTP for `make loadtest`: one cookie jar per simulated person, forms
posted with their CSRF token (urlencoded or multipart with files), redirects followed by the
caller as separate page loads. Standard library only (http.client)."""

from __future__ import annotations

import http.client
import re
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

TIMEOUT_S = 120


@dataclass
class Response:
    status: int
    location: str
    body: str
    ms: float
    headers: dict[str, str]


def _multipart(
    fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = f"----loadtest{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, filename, data, content_type in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One person's cookies against one server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        fields: list[tuple[str, str]] | None = None,
        files: list[tuple[str, str, bytes, str]] | None = None,
    ) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "vi"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body: bytes | None = None
        if method == "POST":
            # A same-origin form post, as the browser sends it (CSRF checks the Referer on
            # HTTPS only; the Origin, when sent, must be ours).
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            if files:
                body, headers["Content-Type"] = _multipart(fields or [], files)
            else:
                body = urlencode(fields or []).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            data = raw.read()
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    cookie = SimpleCookie()
                    cookie.load(value)
                    for key, morsel in cookie.items():
                        self.cookies[key] = morsel.value
        finally:
            connection.close()
        location = urlsplit(response_headers.get("location", ""))
        return Response(
            status=raw.status,
            location=location.path + (f"?{location.query}" if location.query else ""),
            body=data.decode("utf-8", errors="replace"),
            ms=(time.perf_counter() - started) * 1000,
            headers=response_headers,
        )


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise ValueError("no CSRF token in the page")
    return match.group(1)

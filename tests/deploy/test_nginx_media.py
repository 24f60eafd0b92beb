"""deploy/nginx/rakwon.conf serves /media/ as rakwon_site/media.py does (issue 10): only the types
Rakwon makes are shown, anything else is a download, and every answer is sandboxed.

The test runs the config's own /media/ block in a real nginx on loopback. Set RAKWON_NGINX to an
nginx binary if it is not on PATH (Debian: apt-get install nginx-light, or unpack its .deb).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "rakwon.conf"
SANDBOX = "sandbox; default-src 'none'"
NGINX = os.environ.get("RAKWON_NGINX") or shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")

pytestmark = pytest.mark.skipif(NGINX is None, reason="no nginx binary (set RAKWON_NGINX to one)")


def _block(text: str, marker: str) -> str:
    found = re.search(rf"# BEGIN {marker}\n(.*?)\n[ \t]*# END {marker}\n", text, re.S)
    assert found, f"deploy/nginx/rakwon.conf has no '# BEGIN {marker}' … '# END {marker}' block"
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    root = tmp_path_factory.mktemp("nginx")
    media = root / "media"
    media.mkdir()
    (media / "clip.mp4").write_bytes(bytes(range(100)))
    (media / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (media / "pwn.js").write_bytes(b"GIF89a/*\x00*/=alert(document.domain);")
    (media / "pwn.html").write_bytes(b"<script>alert(1)</script>")
    (media / "pwn.svg").write_bytes(b"<svg onload=alert(1)>")
    text = CONFIG.read_text()
    location = _block(text, "media location").replace("/srv/rakwon/var/media/", f"{media}/")
    port = _free_port()
    temp = "\n".join(
        f"    {name}_temp_path {root}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (root / "nginx.conf").write_text(
        f"daemon off;\nmaster_process off;\npid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n{_block(text, 'media map')}\n"
        f"    server {{\n        listen 127.0.0.1:{port};\n{location}\n    }}\n}}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"nginx refused the config: {process.stderr.read().decode()}")
            time.sleep(0.05)
    yield port
    process.terminate()
    process.wait(timeout=10)


def _get(port: int, path: str, **headers) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.parametrize("name", ["pwn.js", "pwn.html", "pwn.svg"])
def test_nginx_other_types_are_downloads_in_a_sandbox(nginx, name):
    response, _body = _get(nginx, f"/media/{name}")
    assert (
        response.status,
        response.getheader("Content-Type"),
        response.getheader("Content-Disposition"),
        response.getheader("Content-Security-Policy"),
        response.getheader("X-Content-Type-Options"),
    ) == (200, "application/octet-stream", "attachment", SANDBOX, "nosniff")


@pytest.mark.parametrize(("name", "content_type"), [("clip.mp4", "video/mp4"), ("logo.png", "image/png")])
def test_nginx_types_rakwon_makes_are_shown_in_a_sandbox(nginx, name, content_type):
    response, _body = _get(nginx, f"/media/{name}")
    assert (
        response.status,
        response.getheader("Content-Type"),
        response.getheader("Content-Disposition"),
        response.getheader("Content-Security-Policy"),
        response.getheader("X-Content-Type-Options"),
    ) == (200, content_type, None, SANDBOX, "nosniff")


def test_nginx_byte_ranges_still_work(nginx):
    response, body = _get(nginx, "/media/clip.mp4", Range="bytes=10-19")
    assert (response.status, response.getheader("Content-Range"), body) == (
        206,
        "bytes 10-19/100",
        bytes(range(10, 20)),
    )
    assert response.getheader("Content-Security-Policy") == SANDBOX

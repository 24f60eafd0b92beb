"""Page weight of the public pages: compressed bytes on the wire, against the page budget.

Starts the real server (daphne, DEBUG=0, a throw-away SQLite database loaded with the demo expo),
fetches each page as a first-time visitor would (the lobby and bookmarks signed in as a confirmed
attendee made for the run) (`Accept-Encoding: br, gzip`) with every
same-origin stylesheet, script, font and icon it references (uploaded images under /media/ are not
counted), prints a table and, on its last line, one JSON object {page: bytes}. Exits 1 if a page
is over budget (settings.PAGE_WEIGHT_BUDGET_BYTES).

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli

ROOT = Path(__file__).resolve().parent.parent
EVENT_SLUG = "it-expo"
# A confirmed attendee of the demo expo, made for the run; prints a sign-in token for the lobby.
VISITOR_SETUP = f"""
from django.utils import timezone
from events.models import Attendee, Event, User
from events.services.signin import issue_signin_link
event = Event.objects.get(slug="{EVENT_SLUG}")
user = User.objects.create_user("bench.visitor@example.org", display_name="Bench Visitor")
attendee = Attendee.objects.create(event=event, user=user, kind="individual", status="confirmed",
    display_name="Bench Visitor", email=user.email, language="en", confirmed_at=timezone.now())
print(issue_signin_link(attendee)[1])
"""
ASSET_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class AssetFinder(HTMLParser):
    """Collects what a browser would load for the page: stylesheets, icons, scripts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "link" and ASSET_RELS & set(attributes.get("rel", "").lower().split()):
            self.assets.append(attributes.get("href", ""))
        elif tag in ("script", "img") and attributes.get("src"):
            self.assets.append(attributes["src"])
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[bytes, bytes]:
    """The body as it crossed the wire (still compressed), and decoded."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
        if response.geturl() != url:  # e.g. the lobby sending a signed-out visitor to sign in
            raise SystemExit(f"{url} was redirected to {response.geturl()}: nothing to measure")
        wire = response.read()
        encoding = response.headers.get("Content-Encoding", "")
    if encoding == "br":
        return wire, brotli.decompress(wire)
    if encoding == "gzip":
        return wire, gzip.decompress(wire)
    return wire, wire


def same_origin_asset(base: str, reference: str) -> str | None:
    url = urljoin(base, reference)
    if urlsplit(url).netloc != urlsplit(base).netloc or urlsplit(url).path.startswith("/media/"):
        return None
    return url


def page_weight(url: str, opener: urllib.request.OpenerDirector | None = None) -> dict:
    """Bytes of the page and everything same-origin it loads, as on a cold cache (each once)."""
    wire, html = fetch(url, opener)
    finder = AssetFinder()
    finder.feed(html.decode("utf-8"))
    queue = [asset for ref in finder.assets if (asset := same_origin_asset(url, ref))]
    assets: dict[str, int] = {}
    while queue:
        asset = queue.pop(0)
        if asset in assets:
            continue
        asset_wire, body = fetch(asset, opener)
        assets[asset] = len(asset_wire)
        if urlsplit(asset).path.endswith(".css"):
            for match in CSS_URL.finditer(body.decode("utf-8", "replace")):
                reference = match.group(1) or match.group(2)
                if not reference.startswith("data:") and (found := same_origin_asset(asset, reference)):
                    queue.append(found)
    return {"path": urlsplit(url).path, "html": len(wire), "assets": assets, "links": finder.links}


def wait_for(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"daphne exited with code {server.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"daphne did not listen on 127.0.0.1:{port} within {seconds} s")


def first_link(links: list[str], pattern: str) -> str:
    for link in links:
        if re.fullmatch(pattern, link):
            return link
    raise SystemExit(f"no link matching {pattern} on the page")


def signed_in(base: str, token: str) -> urllib.request.OpenerDirector:
    """A browser-like opener that followed the attendee's sign-in link (its session cookie kept)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}/signin/{token}/", timeout=30) as response:
        response.read()
    return opener


def measure(base: str, token: str) -> dict[str, dict]:
    results = {}
    results["home"] = page_weight(f"{base}/")
    results["event"] = page_weight(f"{base}/{EVENT_SLUG}/")
    results["schedule"] = page_weight(f"{base}/{EVENT_SLUG}/schedule/")
    hall = first_link(results["event"]["links"], rf"/{EVENT_SLUG}/halls/\d+/")
    results["hall"] = page_weight(base + hall)
    booth = first_link(results["hall"]["links"], rf"/{EVENT_SLUG}/booths/\d+/")
    results["booth"] = page_weight(base + booth)
    results["agenda"] = page_weight(f"{base}/{EVENT_SLUG}/agenda/")
    results["search"] = page_weight(f"{base}/{EVENT_SLUG}/find/?q=a")
    attendee = signed_in(base, token)
    results["lobby"] = page_weight(f"{base}/{EVENT_SLUG}/lobby/", attendee)
    results["bookmarks"] = page_weight(f"{base}/{EVENT_SLUG}/bookmarks/", attendee)
    # Signed in, a booth page also carries the live socket, chat and the live-video player.
    results["booth (signed in)"] = page_weight(base + booth, attendee)
    return results


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="rakwon-bench-") as scratch:
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "RAKWON_VAR_DIR": scratch,
            "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        env.pop("STATIC_ROOT", None)
        env.pop("MEDIA_ROOT", None)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        from rakwon_site.settings import PAGE_WEIGHT_BUDGET_BYTES as budget

        for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        made = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", VISITOR_SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = made.stdout.strip().splitlines()[-1]
        port = free_port()
        daphne = [
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "rakwon_site.asgi:application",
        ]
        # stdout carries daphne's access log; errors still reach stderr.
        server = subprocess.Popen([sys.executable, *daphne], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            wait_for(port, server)
            results = measure(f"http://127.0.0.1:{port}", token)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    totals = {}
    header = f"{'page':<17} {'path':<22} {'html':>6} {'assets':>6} {'files':>5} {'total':>6}"
    print(f"{header}  (budget {budget})")
    for name, result in results.items():
        asset_bytes = sum(result["assets"].values())
        totals[name] = result["html"] + asset_bytes
        verdict = "ok" if totals[name] <= budget else "OVER"
        print(
            f"{name:<17} {result['path']:<22} {result['html']:>6} {asset_bytes:>6} "
            f"{len(result['assets']):>5} {totals[name]:>6}  {verdict}"
        )
    print("assets: " + ", ".join(sorted({urlsplit(a).path for r in results.values() for a in r["assets"]})))
    print(json.dumps(totals))
    return 0 if all(total <= budget for total in totals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

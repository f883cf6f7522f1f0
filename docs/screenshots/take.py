"""Take the README's screenshots from a real Klient with demo data, in Debian's Chromium.

    .venv/bin/python docs/screenshots/take.py

Starts `klient serve` on a free port with a fresh data directory, signs in as the demo
administrator and as Anna, and writes PNGs next to this file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"Klient did not start at {url}")


def sign_in(page, base: str, email: str, language: str = "en") -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "klient-demo")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state("networkidle")


def main() -> None:
    data = tempfile.mkdtemp(prefix="klient-shots-")
    env = {**os.environ, "KLIENT_DATA_DIR": data}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    port, smtp_port = free_port(), free_port()
    subprocess.run([BIN / "klient", "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "klient", "demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [BIN / "klient", "serve", "--port", str(port), "--smtp-port", str(smtp_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/sign-in/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"]
            )

            def shot(email: str, path: str, name: str, language: str = "en", **viewport):
                context = browser.new_context(
                    viewport={"width": 1360, "height": 900, **viewport}
                )
                page = context.new_page()
                sign_in(page, base, email, language)
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(HERE / name), full_page=False)
                context.close()

            admin, anna = "admin@klient.localhost", "anna@klient.localhost"
            shot(admin, "/", "inbox.png")
            shot(anna, "/", "inbox-pl.png", "pl")
            shot(admin, "/", "inbox-uk.png", "uk")
            shot(admin, "/c/K-1001/", "conversation.png", height=1300)
            shot(admin, "/reports/", "reports.png")
            shot(admin, "/reports/settings/sla/", "sla-settings.png")
            shot(anna, "/knowledge/", "knowledge.png", "pl")
            shot(anna, "/collab/", "collab.png")
            shot(anna, "/", "inbox-phone.png", "pl", width=390, height=844)
            shot(anna, "/c/K-1003/", "conversation-phone.png", "pl", width=390, height=844)
            shot(admin, "/new/", "new-conversation.png")
            shot(admin, "/settings/teams/", "settings-teams.png")
            shot(admin, "/settings/agents/", "settings-agents.png")
            shot(admin, "/settings/quarantine/", "settings-quarantine.png")
            context = browser.new_context(viewport={"width": 900, "height": 1000})
            page = context.new_page()
            page.goto(f"{base}/forms/contact/?lang=pl")
            page.screenshot(path=str(HERE / "request-form-pl.png"), full_page=True)
            page.goto(f"{base}/portal/?lang=fr")
            page.screenshot(path=str(HERE / "portal-sign-in-fr.png"))
            context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"screenshots written to {HERE}")


if __name__ == "__main__":
    main()

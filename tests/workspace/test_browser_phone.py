"""Every agent page works on a phone (390×844, Debian's Chromium): nothing scrolls
sideways, every control is inside the screen, and the top bar folds into a menu whose
links can be read.

The pages are found by following the links an administrator sees, starting at the inbox,
so a page added later is checked without editing this test. Set KLIENT_SCREENSHOTS to a
folder to keep a phone screenshot of each page."""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from asgi_server import CHROMIUM
from klient import demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]

PHONE = {"width": 390, "height": 844}

# Not agent pages: the customers' side, the API, Django's admin, downloads, sign-out.
NOT_AGENT_PAGES = re.compile(
    r"^/(portal|forms|api|admin|static|i18n|sign-out)(/|$)"
    r"|\.csv$|/attachments/|/raw/?$|/download/?$|/original/?$|/m/\d+/"
)
MOST_PAGES = 80

# A control is "outside" when any part of it is left of 0 or right of the viewport, unless
# it sits in a box that scrolls sideways on its own (a wide table) and that box is on screen.
CONTROLS_OUTSIDE_THE_SCREEN = """
() => {
  const onScreen = r => r.left >= -1 && r.right <= window.innerWidth + 1;
  const inScrollingBoxOnScreen = el => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') {
        return onScreen(box.getBoundingClientRect());
      }
    }
    return false;
  };
  return [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
  .filter(el => {
    if (el.type === 'hidden') return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return false;  // not rendered (closed menu, hidden)
    return !onScreen(r) && !inScrollingBoxOnScreen(el);
  })
  .map(el => {
    const r = el.getBoundingClientRect();
    const what = (el.textContent || el.name || el.id || '').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()} ${what} [${Math.round(r.left)}..${Math.round(r.right)}]`;
  });
}
"""


# Ids used twice, and form fields no label names (a screen reader would read "edit text").
DUPLICATE_IDS_AND_UNLABELLED_FIELDS = """
() => {
  const ids = [...document.querySelectorAll('[id]')].map(el => el.id);
  const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]
    .map(id => `id ${id} twice`);
  const unlabelled = [...document.querySelectorAll('input, select, textarea')]
    .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby') && !el.title)
    .map(el => `no label for ${el.tagName.toLowerCase()} ${el.name || el.id}`);
  return twice.concat(unlabelled);
}
"""


def agent_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    found = []
    for href in hrefs:
        href, _fragment = urldefrag(href)
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if NOT_AGENT_PAGES.search(parts.path):
            continue
        found.append(path)
    return found


def page_key(path: str) -> str:
    """One visit per page shape: /c/K-1001/ and /c/K-1002/ are the same page; inbox
    views and filters (?view=…) are different pages, numbered pages are not."""
    path = re.sub(r"K-\d+", "K-n", path)
    path = re.sub(r"/\d+(?=/|$)", "/n", path)
    path = re.sub(r"([?&])(page|after|before|cursor)=[^&]*", r"\1\2=n", path)
    path = re.sub(r"[?&]language=[^&]*", "", path)  # an article in another language
    return path


@pytest.mark.django_db(transaction=True)
def test_every_agent_page_fits_a_phone_keeps_its_controls_on_screen_and_labels_them(
    asgi_server, chromium, tmp_path
):
    from django.contrib.auth import get_user_model

    demo.seed()
    admin = get_user_model().objects.get(email="admin@klient.localhost")
    page = asgi_server.page_for(chromium, admin, viewport=PHONE, is_mobile=True, has_touch=True)
    shots = Path(os.environ.get("KLIENT_SCREENSHOTS") or tmp_path) / "phone"
    shots.mkdir(parents=True, exist_ok=True)

    queue: deque[str] = deque(["/"])
    seen: set[str] = {page_key("/")}
    problems: dict[str, list[str]] = {}
    visited: list[str] = []
    while queue and len(visited) < MOST_PAGES:
        path = queue.popleft()
        response = page.goto(asgi_server.url + path)
        assert response is not None
        if response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        outside = page.evaluate(CONTROLS_OUTSIDE_THE_SCREEN)
        found = []
        if width > PHONE["width"]:
            found.append(f"scrollWidth {width}")
        found += outside
        found += page.evaluate(DUPLICATE_IDS_AND_UNLABELLED_FIELDS)
        if found:
            problems[path] = found
        name = re.sub(r"[^A-Za-z0-9]+", "_", page_key(path)).strip("_") or "inbox"
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        for link in agent_links(page, asgi_server.url):
            if page_key(link) not in seen:
                seen.add(page_key(link))
                queue.append(link)

    assert len(visited) >= 8, visited  # the crawl really walked the app
    assert problems == {}, problems


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_top_bar_folds_into_a_menu_with_readable_links(asgi_server, chromium):
    from django.contrib.auth import get_user_model
    from playwright.sync_api import expect

    demo.seed()
    admin = get_user_model().objects.get(email="admin@klient.localhost")
    page = asgi_server.page_for(chromium, admin, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(asgi_server.url + "/")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Reports")).to_be_hidden()
    top_bar_height = page.locator(".topbar").bounding_box()["height"]
    assert top_bar_height < 80, top_bar_height  # one row, not eight

    page.get_by_role("button", name="Menu").click()
    reports = nav.get_by_role("link", name="Reports")
    expect(reports).to_be_visible()
    colours = reports.evaluate(
        """el => {
          let bg = 'rgba(0, 0, 0, 0)', node = el;
          while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
            bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
          }
          return [getComputedStyle(el).color, bg];
        }"""
    )
    assert colours[0] != colours[1], colours  # not white on white
    reports.click()
    expect(page).to_have_url(re.compile(r"/reports/"))

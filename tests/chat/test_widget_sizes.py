"""The widget a customer's page pays for: the loader alone until the visitor opens the chat,
both small enough for a phone on a bad connection (issue 16: loader <= 10 KB, app <= 60 KB
gzip), served as scripts any site may load, with no framework inside."""

import gzip
import re

import pytest

pytestmark = pytest.mark.django_db

LOADER_LIMIT = 10 * 1024
APP_LIMIT = 60 * 1024


def gzipped_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))  # what a server's gzip sends by default


def test_the_loader_and_the_app_stay_within_their_gzip_budgets(client):
    loader = client.get("/chat/widget.js").content
    app = client.get("/chat/app.js").content

    loader_size, app_size = gzipped_size(loader), gzipped_size(app)
    print(f"\nloader {len(loader)} B raw, {loader_size} B gzip (limit {LOADER_LIMIT})")
    print(f"app    {len(app)} B raw, {app_size} B gzip (limit {APP_LIMIT})")

    assert loader_size <= LOADER_LIMIT
    assert app_size <= APP_LIMIT


def test_the_loader_is_a_script_any_site_may_load_and_cache(client):
    response = client.get("/chat/widget.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    again = client.get("/chat/widget.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.head("/chat/widget.js").status_code == 200  # uptime checks, CDNs


def test_the_loader_asks_for_the_app_by_its_current_version(client):
    loader = client.get("/chat/widget.js").content.decode()
    app = client.get("/chat/app.js")

    assert "__KLIENT_APP_VERSION__" not in loader
    version = re.search(r'var version = "([0-9a-f]{16})"', loader).group(1)
    assert app["ETag"] == f'"{version}"'
    assert app["Content-Type"].startswith("text/javascript")
    assert app["Cache-Control"] == "public, max-age=604800"  # a new version is a new address


def test_neither_script_carries_a_framework(client):
    for path in ("/chat/widget.js", "/chat/app.js"):
        source = client.get(path).content.decode()
        for framework in ("React", "jQuery", "Vue", "preact", "angular", "Svelte", "htmx"):
            assert framework.lower() not in source.lower(), (path, framework)
        assert "import " not in source  # no modules to fetch: plain ES2017 in one file


def test_the_demo_page_embeds_the_one_tag_as_the_issue_writes_it(client, settings):
    settings.KLIENT_BASE_URL = "https://desk.example"

    page = client.get("/chat/demo/?lang=pl").content.decode()

    assert (
        '<script src="https://desk.example/chat/widget.js" data-team="Support" async></script>'
        in page
    )
    assert '<html lang="pl">' in page

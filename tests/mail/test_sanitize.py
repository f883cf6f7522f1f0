"""sanitize_html() and html_to_text()."""

from __future__ import annotations

from klient.mail.sanitize import html_to_text, sanitize_html

HTML = (
    "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
    '<body onload="steal()"><p>Hello <b>there</b></p>'
    '<a href="https://example.net/x" target="_blank" onclick="evil()">link</a>'
    '<img src="https://tracker.example.net/p.gif" alt="logo">'
    '<img src="cid:photo1@example.com" alt="photo">'
    '<img src="data:image/png;base64,iVBORw0KGgo=">'
    '<form action="https://phish.example"><input name="pw"></form>'
    '<iframe src="https://evil.example"></iframe>'
    "<table><tr><td>Order</td><td>8812</td></tr></table></body></html>"
)


def test_scripts_styles_event_handlers_forms_and_iframes_are_removed():
    html = sanitize_html(HTML).html
    for forbidden in ("<script", "alert(", "<style", "color:red", "onload", "onclick", "<form",
                      "<input", "<iframe", "evil.example"):  # fmt: skip
        assert forbidden not in html, forbidden
    assert "<p>Hello <b>there</b></p>" in html
    assert "<td>Order</td><td>8812</td>" in html


def test_links_get_safe_rel_and_lose_target():
    html = sanitize_html(HTML).html
    assert '<a href="https://example.net/x" rel="noopener noreferrer nofollow">link</a>' in html
    assert "target" not in html


def test_javascript_links_lose_their_href():
    html = sanitize_html('<a href="javascript:alert(1)">x</a>').html
    assert "javascript" not in html
    assert ">x</a>" in html


def test_remote_images_are_blocked_by_default_and_reported():
    result = sanitize_html(HTML)
    assert result.had_remote_images
    assert "tracker.example.net" not in result.html
    assert 'alt="logo"' in result.html  # the placeholder keeps its alt text


def test_protocol_relative_remote_images_are_blocked_too():
    result = sanitize_html('<img src="//tracker.example.net/p.gif">')
    assert result.had_remote_images
    assert "tracker" not in result.html


def test_remote_images_are_kept_when_allowed():
    result = sanitize_html(HTML, allow_remote_images=True)
    assert result.had_remote_images
    assert 'src="https://tracker.example.net/p.gif"' in result.html


def test_cid_images_are_kept_and_data_uris_dropped():
    html = sanitize_html(HTML).html
    assert 'src="cid:photo1@example.com"' in html
    assert "data:" not in html


def test_html_without_remote_images_reports_none():
    result = sanitize_html('<p>Hi</p><img src="cid:a@b">')
    assert not result.had_remote_images


def test_inline_styles_keep_safe_properties_only():
    html = sanitize_html(
        '<p style="color: blue; background-image: url(https://t.example/x.gif)">x</p>'
    ).html
    assert "color" in html
    assert "url(" not in html


def test_empty_html_gives_empty_result():
    result = sanitize_html("")
    assert (result.html, result.had_remote_images) == ("", False)


def test_html_to_text_renders_blocks_breaks_lists_cells_and_entities():
    html = (
        "<div>Hello,<br>world</div><p>Second &amp; last&nbsp;para</p>"
        "<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>"
        "<script>var x = 1;</script><!-- comment -->"
    )
    assert html_to_text(html) == "Hello,\nworld\n\nSecond & last para\n\n- one\n- two\n\na b"


def test_html_to_text_of_empty_is_empty():
    assert html_to_text("") == ""

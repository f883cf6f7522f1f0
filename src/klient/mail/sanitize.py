"""Inbound HTML made safe to show to agents, and a fast HTML-to-text rendering (no Django).

nh3 (ammonia) does the sanitising with an explicit allow-list built for email: tables, inline
formatting, links and images. Remote images are blocked by default (tracking pixels, IP leaks):
they are detected on nh3's normalised output, which always quotes attributes with ``"``, so a
regular expression over it is reliable and avoids a Python callback per attribute.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import nh3

__all__ = ["SanitizedHtml", "html_to_text", "sanitize_html"]

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "address", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center",
        "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "font",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
        "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
# Removed together with their content (everything else not allowed keeps its text).
CONTENT_STRIPPED_TAGS = frozenset(
    {"script", "style", "title", "noscript", "template", "iframe", "object", "embed", "svg",
     "math", "select", "textarea", "button", "head"}
)  # fmt: skip
_COMMON_ATTRIBUTES = {"title", "dir", "lang", "align", "valign", "style"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON_ATTRIBUTES,
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "border"},
    "table": {"width", "border", "cellpadding", "cellspacing", "bgcolor", "summary"},
    "td": {"width", "height", "colspan", "rowspan", "bgcolor", "nowrap", "headers", "scope"},
    "th": {"width", "height", "colspan", "rowspan", "bgcolor", "nowrap", "headers", "scope"},
    "tr": {"bgcolor", "height"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
# No url()-bearing properties (background, background-image, list-style-image, content...).
ALLOWED_STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font", "font-family", "font-size", "font-style",
        "font-weight", "font-variant", "text-align", "text-decoration", "text-indent",
        "text-transform", "line-height", "letter-spacing", "word-spacing", "white-space",
        "vertical-align", "direction", "width", "height", "max-width", "min-width", "margin",
        "margin-top", "margin-right", "margin-bottom", "margin-left", "padding", "padding-top",
        "padding-right", "padding-bottom", "padding-left", "border", "border-top", "border-right",
        "border-bottom", "border-left", "border-color", "border-style", "border-width",
        "border-collapse", "border-spacing", "border-radius", "display",
    }
)  # fmt: skip
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "cid"})  # data: and the rest dropped
LINK_REL = "noopener noreferrer nofollow"

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CONTENT_STRIPPED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
    filter_style_properties=set(ALLOWED_STYLE_PROPERTIES),
)

_IMG_TAG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>', re.IGNORECASE)
_REMOTE_SRC = re.compile(r'\ssrc="(?:https?:)?//[^"]*"', re.IGNORECASE)


@dataclass(frozen=True)
class SanitizedHtml:
    html: str
    had_remote_images: bool


def sanitize_html(html: str, *, allow_remote_images: bool = False) -> SanitizedHtml:
    """Sanitise inbound HTML: allow-listed tags/attributes only, links get
    ``rel="noopener noreferrer nofollow"`` and lose ``target``; scripts, styles, forms, frames
    and event handlers are removed; ``data:`` URIs are dropped; ``cid:`` images are kept.

    Remote (http/https) image sources are removed unless ``allow_remote_images``; the image
    keeps its ``alt`` text as a placeholder and ``had_remote_images`` tells the UI to offer
    loading them."""
    if not html:
        return SanitizedHtml("", had_remote_images=False)
    cleaned = _CLEANER.clean(html)
    if "<img" not in cleaned:
        return SanitizedHtml(cleaned, had_remote_images=False)
    found = False

    def _block(match: re.Match[str]) -> str:
        nonlocal found
        tag = match.group(0)
        if not _REMOTE_SRC.search(tag):
            return tag
        found = True
        if allow_remote_images:
            return tag
        return _REMOTE_SRC.sub(' data-remote-image="blocked"', tag, count=1)

    cleaned = _IMG_TAG.sub(_block, cleaned)
    return SanitizedHtml(cleaned, had_remote_images=found)


# -- HTML to text -------------------------------------------------------------------------------

_DROP_BLOCKS = re.compile(
    r"<(script|style|head|title|noscript|template)\b.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_BREAK = re.compile(
    r"<(?:br|/p|/div|/tr|/h[1-6]|/blockquote|/table|/ul|/ol|/pre|hr|/dt|/dd)\b[^>]*>",
    re.IGNORECASE,
)
_BLOCK_START = re.compile(r"<(?:p|div|tr|h[1-6]|blockquote|table|ul|ol|pre|dl)\b[^>]*>", re.I)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_HSPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """A readable plain-text rendering of HTML: blocks and ``<br>`` become line breaks, table
    cells are separated by spaces, list items get "- ", entities are decoded. Fast (regular
    expressions), not a layout engine."""
    if not html:
        return ""
    text = _DROP_BLOCKS.sub("", html)
    text = text.replace("\r\n", "\n").replace("\n", " ")
    text = _BREAK.sub("\n", text)
    text = _BLOCK_START.sub("\n", text)
    text = _LIST_ITEM.sub("\n- ", text)
    text = _CELL_END.sub(" ", text)
    text = _TAG.sub("", text)
    text = html_lib.unescape(text)
    lines = [_HSPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()

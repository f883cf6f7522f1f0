"""MIME boundary lines recognised without compiling a regular expression per message.

The stdlib's feed parser compiles a regular expression for every new multipart boundary
(`email.feedparser.FeedParser._parsegen`). Boundaries are unique per message, so each
multipart mail costs a compilation in pure Python, about 0.7 ms: more than parsing the
rest of the message, and 16 % of analysing the ingest corpus. `install()` gives the feed
parser a `re` whose `compile` answers that one pattern with `BoundaryMatcher`, an exact
equivalent written with string operations (tested against the regular expression with
hypothesis); every other pattern is compiled by `re` as before.
"""

from __future__ import annotations

import email.feedparser
import re
from types import ModuleType
from typing import Any

# The pattern the feed parser builds: '(?P<sep>' + re.escape('--' + boundary) + SUFFIX.
PREFIX = "(?P<sep>"
SUFFIX = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


class BoundaryMatch:
    """The groups of a boundary line, as the regular expression's match names them."""

    __slots__ = ("_groups",)

    def __init__(self, sep: str, end: str | None, ws: str, linesep: str | None) -> None:
        self._groups = {"sep": sep, "end": end, "ws": ws, "linesep": linesep}

    def group(self, name: str | int = 0) -> str | None:
        if name == 0:
            return "".join(value for value in self._groups.values() if value)
        return self._groups[str(name)]


# What may follow the separator, "--" and blanks, and the line ending it makes: `$` also
# matches before a final newline, so one more "\n" may follow.
_LINE_ENDINGS = {
    "": None,
    "\r\n": "\r\n",
    "\r\n\n": "\r\n",
    "\r": "\r",
    "\n": "\n",
    "\n\n": "\n",
}


class BoundaryMatcher:
    """`re.compile(PREFIX + re.escape(separator) + SUFFIX)`, matching with str methods."""

    __slots__ = ("pattern", "separator")

    def __init__(self, separator: str, pattern: str) -> None:
        self.separator = separator
        self.pattern = pattern

    def match(self, line: str) -> BoundaryMatch | None:
        separator = self.separator
        if not line.startswith(separator):
            return None
        rest = line[len(separator) :]
        end = None
        if rest.startswith("--"):
            end, rest = "--", rest[2:]
        after_ws = rest.lstrip(" \t")
        if after_ws not in _LINE_ENDINGS:
            return None
        ws = rest[: len(rest) - len(after_ws)]
        return BoundaryMatch(separator, end, ws, _LINE_ENDINGS[after_ws])


def matcher_for(pattern: str) -> BoundaryMatcher | None:
    """A BoundaryMatcher when `pattern` is exactly the feed parser's boundary pattern."""
    if not (pattern.startswith(PREFIX) and pattern.endswith(SUFFIX)):
        return None
    escaped = pattern[len(PREFIX) : -len(SUFFIX)]
    separator = _UNESCAPE.sub(r"\1", escaped)
    if re.escape(separator) != escaped:
        return None
    return BoundaryMatcher(separator, pattern)


class _FeedparserRe(ModuleType):
    """`re` as the feed parser sees it: the boundary pattern gets a BoundaryMatcher."""

    def __init__(self) -> None:
        super().__init__("re")

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and not flags:
            matcher = matcher_for(pattern)
            if matcher is not None:
                return matcher
        return re.compile(pattern, flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


def install() -> None:
    """Give email.feedparser the boundary matcher (idempotent)."""
    feedparser: Any = email.feedparser
    if not isinstance(feedparser.re, _FeedparserRe):
        feedparser.re = _FeedparserRe()

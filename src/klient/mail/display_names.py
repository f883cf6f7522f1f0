"""Address headers whose display names every mail client reads back as written (no Django).

"Anna Kowalska — Support", "Łucja Żółć — Wsparcie", "Олена Шевченко — Підтримка": a
non-ASCII name goes out as RFC 2047 encoded words (UTF-8, base64). The standard library's
folder may cut an encoded word in the middle of a word ("Підтри" + "мка"): legal, but
decoders that keep the space between two encoded words (Python's own header parser among
them) then show "Підтри мка". Here an encoded word ends only after a space, so a name is
cut between its words; words that are plain atoms stay plain between the encoded ones,
since the space between an atom and an encoded word is kept by every decoder.

An ASCII name with specials ("Kowalska, Anna") is a quoted string."""

from __future__ import annotations

import base64
from collections.abc import Sequence

__all__ = ["fold_tokens", "mailbox_list_tokens", "phrase_tokens"]

MAX_ENCODED_WORD = 75  # RFC 2047, section 2
LINE_LENGTH = 78  # RFC 5322, section 2.1.1 (SHOULD)
_PREFIX, _SUFFIX = "=?utf-8?b?", "?="
# Base64 turns 3 bytes into 4 characters: 45 bytes fill the 63 characters left.
_MAX_CHUNK_BYTES = (MAX_ENCODED_WORD - len(_PREFIX) - len(_SUFFIX)) // 4 * 3
_ATEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
)


def _is_atom(word: str) -> bool:
    # A word that looks like an encoded word would be decoded by the reader: encode it.
    return bool(word) and all(ch in _ATEXT for ch in word) and "=?" not in word


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _encoded(chunk: str) -> str:
    return _PREFIX + base64.b64encode(chunk.encode("utf-8")).decode("ascii") + _SUFFIX


def _pieces(words: Sequence[str]) -> list[str]:
    """The run's words, each but the last with its following space, and a word too long
    for one encoded word cut between characters (the only cut inside a word)."""
    pieces: list[str] = []
    for index, word in enumerate(words):
        piece = word if index == len(words) - 1 else word + " "
        current = ""
        for ch in piece:
            if len((current + ch).encode("utf-8")) > _MAX_CHUNK_BYTES:
                pieces.append(current)
                current = ""
            current += ch
        pieces.append(current)
    return pieces


def _encoded_words(words: Sequence[str]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in _pieces(words):
        if current and len((current + piece).encode("utf-8")) > _MAX_CHUNK_BYTES:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return [_encoded(chunk) for chunk in chunks]


def phrase_tokens(name: str) -> list[str]:
    """The display name as header tokens, to be joined by (folding) spaces. Runs of
    white space become one space; line breaks are white space too."""
    words = name.split()
    if not words:
        return []
    if all(word.isascii() for word in words):
        if all(_is_atom(word) for word in words):
            return words
        return [_quoted(" ".join(words))]
    tokens: list[str] = []
    run: list[str] = []
    for word in words:
        if _is_atom(word):
            if run:
                tokens += _encoded_words(run)
                run = []
            tokens.append(word)
        else:
            run.append(word)
    if run:
        tokens += _encoded_words(run)
    return tokens


def mailbox_list_tokens(mailboxes: Sequence[tuple[str, str]]) -> list[str]:
    """Tokens of a list of (display name, ASCII address) mailboxes, comma-separated."""
    tokens: list[str] = []
    for index, (display_name, addr_spec) in enumerate(mailboxes):
        phrase = phrase_tokens(display_name)
        mailbox = [*phrase, f"<{addr_spec}>"] if phrase else [addr_spec]
        if index < len(mailboxes) - 1:
            mailbox[-1] += ","
        tokens += mailbox
    return tokens


def fold_tokens(name: str, tokens: Sequence[str], linesep: str) -> str:
    """`Name: token token…` folded between tokens at LINE_LENGTH where it can be; a token
    is never cut (a message id or an encoded word must stay whole)."""
    lines: list[str] = []
    current = f"{name}:"
    for token in tokens:
        if len(current) + 1 + len(token) > LINE_LENGTH and current != f"{name}:":
            lines.append(current)
            current = ""
        current = f"{current} {token}"
    lines.append(current)
    return linesep.join(lines) + linesep

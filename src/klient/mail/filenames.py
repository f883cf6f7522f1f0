"""Attachment filenames made safe to show and store (no Django).

Normalisation happens *before* any validation: a name like ``invoice\\u202efdp.exe`` displays as
``invoiceexe.pdf`` and would fool an extension check run on the raw value.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "DANGEROUS_EXTENSIONS",
    "MAX_FILENAME_LENGTH",
    "is_dangerous_extension",
    "normalise_filename",
]

MAX_FILENAME_LENGTH = 200
FALLBACK_FILENAME = "attachment"

# Zero-width, bidi controls and BOM; control characters (Cc) are removed by category below.
_INVISIBLE = dict.fromkeys(
    [*range(0x200B, 0x2010), 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_SEPARATORS = re.compile(r"[/\\]+")
_WHITESPACE = re.compile(r"\s+")

DANGEROUS_EXTENSIONS = frozenset(
    {
        "ade", "adp", "apk", "app", "appx", "bat", "cab", "chm", "cmd", "com", "cpl", "dll", "dmg",
        "docm", "exe", "gadget", "hta", "htm", "html", "inf", "ins", "iso", "jar", "js", "jse",
        "lnk", "mht", "mhtml", "msc", "msi", "msix", "msp", "mst", "pif", "pl", "ps1", "ps1xml",
        "ps2", "psc1", "psm1", "py", "pyw", "reg", "scf", "scr", "sct", "sh", "shtml", "svg",
        "svgz", "url", "vb", "vbe", "vbs", "vhd", "vhdx", "ws", "wsc", "wsf", "wsh", "xht",
        "xhtml", "xlsm", "xml", "pptm",
    }
)  # fmt: skip


def _strip_invisible(text: str) -> str:
    text = text.translate(_INVISIBLE)
    if text.isprintable():
        return text
    # Cc (controls), Cf (format: remaining bidi/zero-width marks), Co/Cs/Cn: drop them all.
    return "".join(ch for ch in text if ch.isprintable() or ch.isspace())


def normalise_filename(name: str) -> str:
    """Return a display- and storage-safe filename; ``"attachment"`` if nothing usable is left.

    NFKC, zero-width/bidi/control characters removed, only the last path component kept,
    leading/trailing dots and whitespace stripped, inner whitespace collapsed, at most 200
    characters with the extension kept. Idempotent."""
    text = name or ""
    for _ in range(4):  # removing a character can make NFKC compose again: run to a fixpoint
        cleaned = _normalise_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text or FALLBACK_FILENAME


def _normalise_once(text: str) -> str:
    text = _strip_invisible(unicodedata.normalize("NFKC", text))
    # Keep the last meaningful path component; after NFKC, which can create separators
    # (U+FF0F FULLWIDTH SOLIDUS becomes "/").
    parts = [_WHITESPACE.sub(" ", p).strip(". ") for p in _SEPARATORS.split(text)]
    text = next((p for p in reversed(parts) if p), "")
    if len(text) > MAX_FILENAME_LENGTH:
        stem, dot, ext = text.rpartition(".")
        if dot and stem and 0 < len(ext) <= 16:
            text = stem[: MAX_FILENAME_LENGTH - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            text = text[:MAX_FILENAME_LENGTH].rstrip(". ")
    return text


def is_dangerous_extension(name: str) -> bool:
    """True if the (normalised) name ends in an extension a browser or OS may execute/render.

    Informational: such files are always served as downloads, never inline."""
    clean = normalise_filename(name).lower()
    _, dot, ext = clean.rpartition(".")
    return bool(dot) and ext.strip() in DANGEROUS_EXTENSIONS

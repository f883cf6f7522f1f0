"""Compile Klient's translations (.po) into the binary catalogs (.mo) that gettext reads,
in pure Python, so an install needs no GNU gettext.

`python -m klient.core.compile_messages [LOCALE_DIR ...]` compiles every `*.po` under the
given folders (default: the `locale` folder of the klient package). It follows CPython's
`Tools/i18n/msgfmt.py`: the same GNU .mo layout, fuzzy and untranslated entries left out
(gettext then falls back to the English msgid), message contexts as `context\\x04msgid`,
plural forms as NUL-joined strings. No Django: it runs before settings exist.
"""

from __future__ import annotations

import ast
import struct
import sys
from array import array
from dataclasses import dataclass, field
from pathlib import Path

MO_MAGIC = 0x950412DE
DEFAULT_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


class PoSyntaxError(ValueError):
    pass


@dataclass
class PoEntry:
    """One message of a .po file. `msgstr` maps a plural index (0 when singular) to text."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def parse_po(text: str, source: str = "<po>") -> list[PoEntry]:
    """Every entry of a .po file, the header (msgid "") included, in file order."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    section: tuple[str, int] | None = None
    seen_keyword = False

    def finish() -> None:
        nonlocal entry, section, seen_keyword
        if seen_keyword:
            entries.append(entry)
        entry, section, seen_keyword = PoEntry(), None, False

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if not line or line.startswith("|"):
                continue
        elif line.startswith("#"):
            if section is not None and section[0] == "msgstr":
                finish()
            if line.startswith("#,") and "fuzzy" in (f.strip() for f in line[2:].split(",")):
                entry.fuzzy = True
            continue
        if not line:
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and section is not None and section[0] == "msgstr":
            finish()
        entry.obsolete = entry.obsolete or obsolete
        if keyword == "msgctxt":
            section, value = ("msgctxt", 0), rest
            entry.msgctxt = ""
        elif keyword == "msgid":
            section, value = ("msgid", 0), rest
        elif keyword == "msgid_plural":
            section, value = ("msgid_plural", 0), rest
            entry.msgid_plural = ""
        elif keyword.startswith("msgstr"):
            index = 0
            if keyword != "msgstr":
                if not (keyword.startswith("msgstr[") and keyword.endswith("]")):
                    raise PoSyntaxError(f"{source}:{number}: unknown keyword {keyword!r}")
                index = int(keyword[7:-1])
            section, value = ("msgstr", index), rest
            entry.msgstr.setdefault(index, "")
        elif line.startswith('"'):
            value = line
        else:
            raise PoSyntaxError(f"{source}:{number}: cannot read {raw!r}")
        if section is None:
            raise PoSyntaxError(f"{source}:{number}: a string outside any entry")
        seen_keyword = True
        try:
            chunk = ast.literal_eval(value)
        except (ValueError, SyntaxError) as exc:
            raise PoSyntaxError(f"{source}:{number}: bad string {value!r}") from exc
        if not isinstance(chunk, str):
            raise PoSyntaxError(f"{source}:{number}: bad string {value!r}")
        name, index = section
        if name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + chunk
        elif name == "msgid":
            entry.msgid += chunk
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + chunk
        else:
            entry.msgstr[index] += chunk
    finish()
    return entries


def mo_bytes(entries: list[PoEntry]) -> bytes:
    """A GNU .mo catalog of the translated, non-fuzzy, non-obsolete entries and the header."""
    messages: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.obsolete or not entry.translated:
            continue
        if entry.fuzzy and entry.msgid:
            continue
        key = entry.msgid
        if entry.msgid_plural is not None:
            key += "\0" + entry.msgid_plural
        if entry.msgctxt is not None:
            key = entry.msgctxt + "\x04" + key
        value = "\0".join(entry.msgstr[i] for i in sorted(entry.msgstr))
        messages[key.encode()] = value.encode()
    keys = sorted(messages)
    ids = strs = b""
    offsets: list[int] = []
    for raw_key in keys:
        offsets += [len(ids), len(raw_key), len(strs), len(messages[raw_key])]
        ids += raw_key + b"\0"
        strs += messages[raw_key] + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    table: list[int] = []
    for i in range(0, len(offsets), 4):
        table += [offsets[i + 1], offsets[i] + keystart]
    for i in range(0, len(offsets), 4):
        table += [offsets[i + 3], offsets[i + 2] + valuestart]
    header = struct.pack("Iiiiiii", MO_MAGIC, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return header + array("i", table).tobytes() + ids + strs


def compile_file(po_path: Path) -> Path:
    mo_path = po_path.with_suffix(".mo")
    data = mo_bytes(parse_po(po_path.read_text(encoding="utf-8"), str(po_path)))
    tmp = mo_path.with_suffix(".mo.tmp")
    tmp.write_bytes(data)
    tmp.replace(mo_path)
    return mo_path


def compile_all(*locale_dirs: Path) -> list[Path]:
    """Compile every .po under the folders; returns the .mo files written."""
    written = []
    for folder in locale_dirs or (DEFAULT_LOCALE_DIR,):
        for po_path in sorted(Path(folder).rglob("*.po")):
            written.append(compile_file(po_path))
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        written = compile_all(*(Path(a) for a in args))
    except (OSError, PoSyntaxError) as exc:
        print(f"compile_messages: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""VAT number formats of the countries Klient's customers write from (no Django).

Each validator takes the digits/letters after the country prefix and checks the length
and, where the country publishes one, the check digit. Spaces, dots and dashes are
ignored; a value without a prefix is tried as the hinted country first, then the others."""

from __future__ import annotations

import re

COUNTRIES = ("PL", "DE", "FR", "UA", "GB")
_NOISE = re.compile(r"[\s.\-/]")


def _pl(body: str) -> bool:
    """NIP: 10 digits, weighted check digit modulo 11."""
    if not re.fullmatch(r"\d{10}", body):
        return False
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    check = sum(int(d) * w for d, w in zip(body, weights, strict=False)) % 11
    return check != 10 and check == int(body[9])


def _de(body: str) -> bool:
    """USt-IdNr: 9 digits, check digit by ISO 7064 MOD 11,10."""
    if not re.fullmatch(r"[1-9]\d{8}", body):
        return False
    product = 10
    for digit in body[:8]:
        total = (int(digit) + product) % 10 or 10
        product = (2 * total) % 11
    return (11 - product) % 10 == int(body[8])


def _fr(body: str) -> bool:
    """Numéro de TVA: a two-character key and the 9-digit SIREN; a numeric key must be
    (12 + 3 × (SIREN mod 97)) mod 97."""
    if not re.fullmatch(r"[0-9A-HJ-NP-Z]{2}\d{9}", body):
        return False
    key, siren = body[:2], int(body[2:])
    if key.isdigit():
        return int(key) == (12 + 3 * (siren % 97)) % 97
    return True


def _ua(body: str) -> bool:
    """Індивідуальний податковий номер платника ПДВ: 12 digits."""
    return re.fullmatch(r"\d{12}", body) is not None


def _gb(body: str) -> bool:
    """9 digits (or 12 with a branch), weighted modulo 97 (old or 9755 scheme);
    GD/HA and 3 digits for government departments and health authorities."""
    if re.fullmatch(r"(GD[0-4]\d\d|HA[5-9]\d\d)", body):
        return True
    if not re.fullmatch(r"\d{9}(\d{3})?", body):
        return False
    total = sum(int(d) * w for d, w in zip(body[:7], range(8, 1, -1), strict=True))
    total += int(body[7:9])
    return total % 97 == 0 or (total + 55) % 97 == 0


VALIDATORS = {"PL": _pl, "DE": _de, "FR": _fr, "UA": _ua, "GB": _gb}
LANGUAGE_COUNTRY = {"pl": "PL", "de": "DE", "fr": "FR", "uk": "UA", "en": "GB"}


class VatError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "unsupported_country" or "invalid"


def normalise_vat(value: str, *, hint: str = "") -> str:
    """The VAT number with its country prefix ("PL5260250995"), or VatError."""
    compact = _NOISE.sub("", value).upper()
    if compact.startswith("XI"):  # Northern Ireland numbers follow the GB rules
        compact = "GB" + compact[2:]
    prefix = compact[:2]
    if prefix.isalpha() and not compact[:4].startswith(("GD", "HA")):
        if prefix not in VALIDATORS:
            raise VatError("unsupported_country")
        if VALIDATORS[prefix](compact[2:]):
            return compact
        raise VatError("invalid")
    hinted = LANGUAGE_COUNTRY.get(hint, hint.upper())
    order = [hinted] if hinted in VALIDATORS else []
    order += [c for c in COUNTRIES if c not in order]
    for country in order:
        if VALIDATORS[country](compact):
            return country + compact
    raise VatError("invalid")

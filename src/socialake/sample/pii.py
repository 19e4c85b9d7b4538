"""Realistic but harmless PII values: reserved e-mail domains, fictional phone ranges (Ofcom drama
numbers, US 555-01xx), Luhn-valid card numbers on public test BINs, documentation IP ranges
(RFC 5737 / RFC 3849) and IBANs with correct ISO 7064 check digits."""

from __future__ import annotations

import functools
import random
import unicodedata

PII_KINDS: tuple[str, ...] = ("email", "phone", "card", "ip", "iban")

EMAIL_DOMAINS: tuple[str, ...] = (
    "example.com", "example.org", "example.net", "mail.example.com", "example.co.uk",
    "post.example.de", "correo.example.es",
)

# Test-card prefixes (Visa 4111/4012/4242, Mastercard 5555/5105/2223, Amex 3782/3714, Discover
# 6011) with the card length; variants keep the prefix and get random digits + Luhn check digit.
CARD_PREFIXES: tuple[tuple[str, int], ...] = (
    ("411111", 16), ("401288", 16), ("424242", 16), ("555555", 16), ("510510", 16),
    ("222300", 16), ("378282", 15), ("371449", 15), ("601111", 16),
)

# (country, total length, BBAN layout): "n" digit, "a" upper-case letter.
IBAN_LAYOUTS: tuple[tuple[str, str], ...] = (
    ("GB", "aaaannnnnnnnnnnnnn"),
    ("DE", "nnnnnnnnnnnnnnnnnn"),
    ("FR", "nnnnnnnnnnnnnnnnnnnnnnn"),
    ("ES", "nnnnnnnnnnnnnnnnnnnn"),
    ("NL", "aaaannnnnnnnnn"),
    ("IT", "annnnnnnnnnnnnnnnnnnnnn"),
    ("PT", "nnnnnnnnnnnnnnnnnnnnn"),
)


def luhn_check_digit(payload: str) -> str:
    """Check digit that makes `payload + digit` pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 check digits: 98 - (BBAN + country + '00' as digits) mod 97."""
    rearranged = bban + country + "00"
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(digits) % 97:02d}"


@functools.lru_cache(maxsize=4096)
def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters/digits of `text` (accents dropped): 'Jürgen' -> 'jurgen'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def make_email(rng: random.Random, first: str, last: str) -> str:
    first_s, last_s = ascii_slug(first) or "user", ascii_slug(last) or "mail"
    style = rng.randrange(4)
    if style == 0:
        local = f"{first_s}.{last_s}"
    elif style == 1:
        local = f"{first_s[0]}{last_s}{rng.randrange(10, 99)}"
    elif style == 2:
        local = f"{first_s}_{last_s}"
    else:
        local = f"{first_s}{rng.randrange(1970, 2005)}"
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def _digits(rng: random.Random, k: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(k))


def make_phone(rng: random.Random, lang: str) -> str:
    """A phone number in a national or international format typical for `lang`."""
    d = lambda k: _digits(rng, k)  # noqa: E731 - local shorthand
    by_lang = {
        "en": (
            lambda: f"+44 20 7946 0{d(3)}",
            lambda: f"(020) 7946 0{d(3)}",
            lambda: f"+44 7700 900{d(3)}",
            lambda: f"+1 415-555-01{d(2)}",
            lambda: f"(415) 555-01{d(2)}",
            lambda: f"+1 (212) 555-01{d(2)}",
            lambda: f"+1415555{'01'}{d(2)}",
        ),
        "es": (lambda: f"+34 91{d(1)} {d(3)} {d(3)}", lambda: f"+34 6{d(2)} {d(3)} {d(3)}",
               lambda: f"+52 55 {d(4)} {d(4)}"),
        "de": (lambda: f"+49 30 {d(3)} {d(4)}", lambda: f"030 {d(3)} {d(4)}",
               lambda: f"+49 (0)89 {d(3)} {d(3)}"),
        "fr": (lambda: f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}",
               lambda: f"06 {d(2)} {d(2)} {d(2)} {d(2)}"),
        "pt": (lambda: f"+55 11 9{d(4)}-{d(4)}", lambda: f"+351 21 {d(3)} {d(4)}"),
        "it": (lambda: f"+39 06 {d(4)} {d(4)}", lambda: f"+39 3{d(2)} {d(3)} {d(4)}"),
        "nl": (lambda: f"+31 20 {d(3)} {d(4)}", lambda: f"06-{d(8)}"),
    }
    options = by_lang.get(lang, by_lang["en"])
    if lang != "en" and rng.random() < 0.2:
        options = by_lang["en"]
    return rng.choice(options)()


def make_card(rng: random.Random) -> str:
    """A Luhn-valid number on a test BIN, grouped as people type it (spaces, dashes or none)."""
    prefix, length = rng.choice(CARD_PREFIXES)
    payload = prefix + _digits(rng, length - len(prefix) - 1)
    number = payload + luhn_check_digit(payload)
    style = rng.randrange(3)
    if style == 2:
        return number
    sep = " " if style == 0 else "-"
    if length == 15:
        return sep.join((number[:4], number[4:10], number[10:]))
    return sep.join(number[i:i + 4] for i in range(0, 16, 4))


def make_ip(rng: random.Random) -> str:
    """An address from the documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24,
    2001:db8::/32)."""
    if rng.random() < 0.2:
        return f"2001:db8:{rng.randrange(1, 0xffff):x}::{rng.randrange(1, 0xffff):x}"
    net = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{net}.{rng.randrange(1, 255)}"


def make_iban(rng: random.Random, lang: str) -> str:
    """A checksum-valid IBAN, printed in groups of four or compact."""
    preferred = {"en": "GB", "de": "DE", "fr": "FR", "es": "ES", "nl": "NL", "it": "IT", "pt": "PT"}
    country = preferred.get(lang, "GB") if rng.random() < 0.7 else rng.choice(IBAN_LAYOUTS)[0]
    layout = dict(IBAN_LAYOUTS)[country]
    bban = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if ch == "a" else rng.choice("0123456789")
        for ch in layout
    )
    iban = country + iban_check_digits(country, bban) + bban
    if rng.random() < 0.6:
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


def make_pii(rng: random.Random, kind: str, lang: str, first: str, last: str) -> str:
    """One PII value of `kind` (one of PII_KINDS)."""
    if kind == "email":
        return make_email(rng, first, last)
    if kind == "phone":
        return make_phone(rng, lang)
    if kind == "card":
        return make_card(rng)
    if kind == "ip":
        return make_ip(rng)
    if kind == "iban":
        return make_iban(rng, lang)
    raise ValueError(f"unknown PII kind {kind!r}")

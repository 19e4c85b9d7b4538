"""Redaction of personal data in post text for silver: e-mail addresses, phone numbers, payment
cards, IP addresses and IBANs become placeholders; URLs stay but lose their tracking parameters.

Detection is two-stage. Cheap compiled regexes propose candidates (a digit run, an `x@y.tld`, a
dotted quad ...) and kept validation libraries decide: `phonenumbers` (Google's libphonenumber
metadata) for phones, `python-stdnum` for the Luhn and IBAN (ISO 7064 mod 97) checks, the standard
`ipaddress` module for IPs. This was chosen over presidio-analyzer's pattern recognizers by
measured precision/recall and throughput (docs/measurements/pii.md, scripts/evaluate_pii.py).

What is deliberately left alone: @mentions and fediverse handles (pseudonymised elsewhere),
hashtags, prices, scores, times, dates, quantities, version numbers, and everything inside a URL
(tweet/status ids, paths, the query parameters that are not tracking parameters).

All state is compiled at import, once per Python worker; nothing touches the network.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import unquote_plus, urlsplit

import pandas as pd
import phonenumbers
from phonenumbers import NumberParseException
from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn

# --------------------------------------------------------------------------------------------
# Public constants

PII_KINDS: tuple[str, ...] = ("email", "phone", "card", "ip", "iban")

PLACEHOLDERS: dict[str, str] = {
    "email": "<EMAIL>",
    "phone": "<PHONE>",
    "card": "<CARD>",
    "ip": "<IP>",
    "iban": "<IBAN>",
}

URLS_CLEANED = "urls_cleaned"
COUNT_KEYS: tuple[str, ...] = (*PII_KINDS, URLS_CLEANED)

# Columns of redact_pii_series' result, in order; REDACTION_SCHEMA_DDL is the matching Spark
# return type for a pandas UDF (`pandas_udf(redact_pii_series, REDACTION_SCHEMA_DDL)`).
COUNT_COLUMNS: tuple[str, ...] = tuple(f"pii_{k}" for k in PII_KINDS) + (URLS_CLEANED,)
REDACTION_COLUMNS: tuple[str, ...] = ("text", *COUNT_COLUMNS)
REDACTION_SCHEMA_DDL = "text string, " + ", ".join(f"{c} int" for c in COUNT_COLUMNS)

# Query parameters that only track the click, never select content. Matched case-insensitively on
# the decoded key. Keys that are content elsewhere ("t" is a YouTube timestamp, "s" a search term)
# are only stripped on the hosts where they are tracking.
TRACKING_PARAMS: frozenset[str] = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "igsh", "si", "mc_cid", "mc_eid", "ref_src", "ref_url",
    "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "mkt_tok", "oly_anon_id",
    "oly_enc_id", "vero_id", "wickedid", "_ga", "_gl", "s_cid", "ncid", "sr_share", "rdt",
})
TRACKING_PARAM_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_")
HOST_TRACKING_PARAMS: dict[str, frozenset[str]] = {
    "twitter.com": frozenset({"s", "t", "cxt"}),
    "x.com": frozenset({"s", "t", "cxt"}),
    "youtube.com": frozenset({"feature", "pp"}),
    "youtu.be": frozenset({"feature", "pp"}),
    "tiktok.com": frozenset({"_r", "_t", "is_from_webapp", "sender_device", "is_copy_url",
                             "web_id", "share_app_id", "share_link_id"}),
    "reddit.com": frozenset({"share_id", "context_share"}),
    "instagram.com": frozenset({"img_index"}),
}

# Regions tried, in order, for numbers written without a country code. They cover the
# languages of the corpus (en/es/de/fr/pt/it/nl) and their largest audiences.
NATIONAL_REGIONS: tuple[str, ...] = (
    "GB", "US", "DE", "FR", "ES", "IT", "NL", "PT", "BR", "MX", "CA", "IE", "AU", "AT", "CH",
    "BE", "AR", "CO",
)
# Regions whose numbers are written without a trunk "0" and grouped from a 2-3 digit lead
# ("612 345 678", "333 123 4567", "55 1234 5678", Brazil's "11 91234-5678"); North American
# numbers have their own 3-3-4 shape and are not tried here.
NO_TRUNK_REGIONS: tuple[str, ...] = ("ES", "IT", "PT", "MX", "BR")

# --------------------------------------------------------------------------------------------
# Compiled candidate patterns

# A cheap gate: text with none of these cannot hold anything this module changes.
_MAYBE_PII = re.compile(r"[0-9@]|://|www\.", re.IGNORECASE)

_URL = re.compile(r"(?:\bhttps?://|(?<![\w.@/-])www\.)[^\s<>\"'`\x00]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"…»)]}*"

_EMAIL = re.compile(
    r"(?<![\w.%+@-])[\w.%+-]*\w@(?:[\w-]+\.)+[^\W\d_]{2,}(?![\w@-]|\.\w)"
)

_IBAN = re.compile(r"(?<![\w#@])[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,30}(?![\w@])")

_IPV4 = re.compile(r"(?<![\w.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?!\w|\.[0-9])")
_IPV6 = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f:]*[0-9])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)"
    r"[0-9A-Fa-f:]{2,39}(?:(?<=:)[0-9]{1,3}(?:\.[0-9]{1,3}){3})?(?![\w:]|\.[0-9])"
)
# A dotted quad right after one of these words ("version 1.2.3.4", "update to 2.4.1.12") is a
# version, not an address ...
_VERSION_CONTEXT = re.compile(
    r"(?i)(?:\bv|\bver|version[e]?|versi[oó]n|versie|vers[aã]o|release|build|firmware|update|"
    r"patch|\bios|android|windows|macos|app|chrome|firefox|kernel|sdk|api)\b"
    r"\W{0,3}(?:(?:to|auf|zu|para|a|à|naar|al|alla|vers)\W{1,3})?$"
)
# ... unless a word about networks is nearer to it.
_IP_CONTEXT = re.compile(
    r"(?i)\b(?:ip|ipv4|ipv6|server|servidor|serveur|servizio|host|address|adresse|addr|"
    r"indirizzo|endere[cç]o|dirección|direccion|proxy|gateway|dns|vpn|ping|router)\b"
)

# Digit runs: groups of digits (or a parenthesised area code) joined by one separator each,
# optionally led by "+". Cards and phones are classified from the run; the run never starts right
# after a word character, "#", "@", a currency sign or a decimal point (hashtags, handles,
# prices, decimals).
_PAREN = r"\([ ]?[0-9]{1,5}[ ]?\)"
_SEP = r"[ \u00a0\u202f./-]"
# A separator is required between two digit groups, so a long digit string can only be split one
# way and a failed match cannot backtrack exponentially.
_RUN = re.compile(
    r"(?:(?<![\w+])\+[ ]?|(?<![\w@#$€£¥%+.,/\\&=*^-]))"
    rf"(?:{_PAREN}|[0-9]+)(?:{_SEP}[0-9]+|{_SEP}?{_PAREN}|(?<=\))[0-9]+)*"
    r"(?!\w|[.,][0-9])"
)
_RUN_GROUPS = re.compile(r"[0-9]+")

# Dates are masked before digit runs are read, so "2026-11-15 15:00" cannot pass as a phone.
_DATE = re.compile(
    r"(?<![\w.,/-])(?:[0-9]{1,2}([./-])[0-9]{1,2}\1(?:[0-9]{4}|[0-9]{2})|"
    r"[0-9]{4}([./-])[0-9]{1,2}\2[0-9]{1,2})(?![\w]|[./-]?[0-9])"
)
_US_SHAPE = re.compile(
    r"(?:1[-. \u00a0])?\(?[2-9][0-9]{2}\)?[-. \u00a0]?[0-9]{3}[-. \u00a0][0-9]{4}")
# How people group card numbers: fours (Visa, Mastercard, Discover; 13-19 digits), 4-6-5 (Amex)
# and 4-6-4 (Diners). Other groupings (order numbers 3-7-7) are not cards.
_CARD_GROUPING = re.compile(
    r"[0-9]{13,19}|[0-9]{4}(?:[ -][0-9]{4})+(?:[ -][0-9]{1,4})?|[0-9]{4}([ -])[0-9]{6}\1[0-9]{4,5}"
)
_MONEY_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:EUR|USD|GBP|R\$|MXN|BRL))\s?$", re.IGNORECASE)
_MONEY_AFTER = re.compile(
    r"^\s?(?:[$€£¥%‰]|(?:EUR|USD|GBP|BRL|MXN|euros?|dollars?|d[oó]lares|reais|pesos|pts|"
    r"points|puntos|punti|punten|punkte|km|kg|m²|views|vues|visitas|visualizzazioni|Aufrufe|"
    r"weergaven|visualizações|likes|followers|seguidores|abonnés|follower|volgers)\b)",
    re.IGNORECASE,
)
_PHONE_CONTEXT = re.compile(
    r"(?i)(?:\b(?:tel|tlf|tél|fon|phone|call|ring|text|sms|whatsapp|wa|mobile|mobil|móvil|movil|"
    r"cell|celular|telemóvel|telefone|telefono|teléfono|telefoon|telefon|llama|llámame|"
    r"llamad|ruf|anrufen|appel(?:le[zr]?)?|chiama(?:mi|te)?|bel)\b)[^\n]{0,24}$"
)

# Luhn-checked numbers that are not payment cards: device and SIM identifiers.
_NOT_CARD_CONTEXT = re.compile(r"(?i)\b(?:imei|meid|iccid|serial|s/n|sn)\b\W{0,3}$")

_HOST_PREFIXES = ("www.", "mobile.", "m.", "vm.", "vt.")
_MASK = "\x00"


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One finding in the original text: [start, end) code-point offsets, the kind (a PII kind or
    "url") and what replaces it (a placeholder, or the URL without tracking parameters)."""

    start: int
    end: int
    kind: str
    replacement: str


# --------------------------------------------------------------------------------------------
# URLs


def _host_of(url: str) -> str:
    try:
        netloc = urlsplit(url if "://" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    for prefix in _HOST_PREFIXES:
        if netloc.startswith(prefix):
            netloc = netloc[len(prefix):]
            break
    return netloc


def _is_tracking(key: str, host_params: frozenset[str]) -> bool:
    k = unquote_plus(key).strip().lower()
    return k in TRACKING_PARAMS or k in host_params or k.startswith(TRACKING_PARAM_PREFIXES)


def strip_tracking_params(url: str) -> str:
    """Return `url` without tracking query parameters (TRACKING_PARAMS, TRACKING_PARAM_PREFIXES,
    and HOST_TRACKING_PARAMS for its host). Every other parameter keeps its position and exact
    spelling, the fragment is kept, and a URL with nothing to strip is returned unchanged."""
    if "?" not in url:
        return url
    base, _, rest = url.partition("?")
    query, hash_sign, fragment = rest.partition("#")
    if not query:
        return url
    host = _host_of(base)
    host_params = HOST_TRACKING_PARAMS.get(host, frozenset())
    if not host_params and host.count(".") > 1:  # e.g. music.youtube.com, old.reddit.com
        host_params = HOST_TRACKING_PARAMS.get(host.split(".", 1)[1], frozenset())
    pieces = query.split("&")
    kept = [p for p in pieces if not _is_tracking(p.partition("=")[0], host_params)]
    if len(kept) == len(pieces):
        return url
    kept = [p for p in kept if p]
    return base + ("?" + "&".join(kept) if kept else "") + hash_sign + fragment


def _trim_url(text: str, start: int, end: int) -> int:
    """End of the URL once trailing punctuation is dropped; a ')' stays when it closes a '('
    opened inside the URL (Wikipedia links)."""
    while end > start and text[end - 1] in _URL_TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


# --------------------------------------------------------------------------------------------
# Validators


def _valid_card(digits: str) -> bool:
    # Issuer identification numbers start with 2-6 (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4,
    # Discover/Maestro/UnionPay 6); this keeps 19-digit snowflake ids (leading 1) out.
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and stdnum_luhn.is_valid(digits)


def _valid_iban(candidate: str) -> bool:
    # check_country=False: the mod-97 checksum and the country's length are checked, the
    # national BBAN check digits are not (some countries' rules are not in python-stdnum, and a
    # mistyped national check digit is still someone's account number).
    return stdnum_iban.is_valid(candidate.replace(" ", "").upper(), check_country=False)


def _ip_or_version(candidate: str, text: str, start: int) -> str | None:
    """"ip" for an address, "version" for a valid dotted quad right after a version word, None
    for anything that is no address."""
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return None
    if ":" in candidate:
        return "ip"
    before = text[max(0, start - 32):start]
    version = _VERSION_CONTEXT.search(before)
    if version is None:
        return "ip"
    ip_word = [m.start() for m in _IP_CONTEXT.finditer(before)]
    return "ip" if ip_word and ip_word[-1] > version.start() else "version"


def _parse(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(number, region)
    except NumberParseException:
        return None


def _valid_in(number: str, regions: Iterable[str]) -> bool:
    for region in regions:
        parsed = _parse(number, region)
        if parsed is not None and phonenumbers.is_valid_number(parsed):
            return True
    return False


def _possible_in(number: str, regions: Iterable[str]) -> bool:
    for region in regions:
        parsed = _parse(number, region)
        if parsed is not None and phonenumbers.is_possible_number(parsed):
            return True
    return False


def _is_phone(run: str, text: str, start: int, end: int) -> bool:
    """Whether the digit run text[start:end] (== run) is a phone number."""
    digits = "".join(_RUN_GROUPS.findall(run))
    n = len(digits)
    if n < 7 or n > 15:
        return False
    if run[0] == "+":
        # A "+" and a country code is the strongest signal there is; libphonenumber's validity
        # ranges reject fictional ranges people really post (+44 7700 900xxx), so only the
        # length for the country is checked.
        parsed = _parse(run, None)
        return parsed is not None and n >= 8 and phonenumbers.is_possible_number(parsed)
    if _MONEY_BEFORE.search(text, max(0, start - 5), start) or _MONEY_AFTER.match(
            text[end:end + 16]):
        return False
    if digits.startswith("00"):
        parsed = _parse("+" + digits[2:], None)
        return parsed is not None and n >= 10 and phonenumbers.is_possible_number(parsed)
    groups = _RUN_GROUPS.findall(run)
    if run[0] in "(0":
        # A trunk prefix plus at least 8 digits (shorter ones are postcodes, "01310-100"), in
        # groups of two or more after the first ("0 800 123 456", not "0 1 2 3 4 5 6 7 8").
        if min(map(len, groups[1:]), default=2) < 2:
            return False
        if n >= 9 and _valid_in(run, NATIONAL_REGIONS):
            return True
        # National numbers in fictional or newly opened ranges: right length, phone-like grouping.
        return 10 <= n <= 12 and len(groups) >= 2 and _possible_in(run, ("GB", "DE", "FR", "IT"))
    if _US_SHAPE.fullmatch(run):
        return True
    if (len(groups) >= 2 and 2 <= len(groups[0]) <= 3 and min(len(g) for g in groups) >= 2
            and 9 <= n <= 11 and _valid_in(run, NO_TRUNK_REGIONS)):
        return True
    if 8 <= n <= 12 and _PHONE_CONTEXT.search(text, max(0, start - 40), start):
        return _valid_in(run, NATIONAL_REGIONS)
    return False


# --------------------------------------------------------------------------------------------
# Detection


def _mask(masked: str, start: int, end: int) -> str:
    return masked[:start] + _MASK * (end - start) + masked[end:]


_MAX_DIGITS = 19  # the longest card number; phones have at most 15 digits


def _cut_points(run: str) -> list[int]:
    """Ends (within `run`) of the prefixes worth classifying, longest first: the whole run and
    each cut before a space between two groups, as long as the prefix holds at most _MAX_DIGITS
    digits (which also bounds the work on long runs of numbers). A dash, dot or slash binds its
    neighbours (order numbers, dates), so there is no cut there."""
    cuts: list[int] = []
    digits = 0
    for i, ch in enumerate(run):
        if "0" <= ch <= "9":
            digits += 1
            if digits > _MAX_DIGITS:
                return cuts[::-1]
        elif ch in " \u00a0\u202f" and i and run[i - 1] != "+":
            cuts.append(i)
    cuts.append(len(run))
    return cuts[::-1]


def _classify_run(run: str, text: str, start: int) -> tuple[str, int] | None:
    """(kind, length) of the longest prefix of the run that is a card or a phone number."""
    ends = _cut_points(run)
    maybe_card = not _NOT_CARD_CONTEXT.search(text, max(0, start - 12), start)
    for e in ends if maybe_card else ():
        prefix = run[:e].rstrip(" -./(")
        if "+" in prefix or "(" in prefix or "." in prefix or "/" in prefix:
            continue
        digits = prefix.replace(" ", "").replace("-", "")
        if len(digits) < 13:
            break
        if digits.isdigit() and _CARD_GROUPING.fullmatch(prefix) and _valid_card(digits):
            return "card", len(prefix)
    for e in ends:
        prefix = run[:e]
        while prefix and prefix[-1] in " -./(\u00a0\u202f":
            prefix = prefix[:-1]
        if prefix and _is_phone(prefix, text, start, start + len(prefix)):
            return "phone", len(prefix)
    return None


def find_pii_spans(text: str) -> list[PiiSpan]:
    """All findings in `text`, sorted by start, never overlapping: URLs (whose replacement is the
    URL without tracking parameters; kept even when unchanged so nothing inside a URL is
    redacted), then e-mails, IBANs, IPs, cards and phones, each searched in the text with the
    earlier findings masked out."""
    if not text or not _MAYBE_PII.search(text):
        return []
    spans: list[PiiSpan] = []
    masked = text

    if "://" in text or "www." in text or "WWW." in text:
        for m in _URL.finditer(text):
            end = _trim_url(text, m.start(), m.end())
            url = text[m.start():end]
            spans.append(PiiSpan(m.start(), end, "url", strip_tracking_params(url)))
            masked = _mask(masked, m.start(), end)

    if "@" in masked:
        for m in _EMAIL.finditer(masked):
            spans.append(PiiSpan(m.start(), m.end(), "email", PLACEHOLDERS["email"]))
            masked = _mask(masked, m.start(), m.end())

    for m in _IBAN.finditer(masked):
        candidate = m.group()
        # The pattern may run into following words ("... 0130 00 GRACIAS"); try shorter prefixes
        # at each space, longest first.
        cut_points = [len(candidate)] + [i for i in range(len(candidate) - 1, 14, -1)
                                         if candidate[i] == " "]
        for cut in cut_points:
            if _valid_iban(candidate[:cut]):
                end = m.start() + len(candidate[:cut].rstrip())
                spans.append(PiiSpan(m.start(), end, "iban", PLACEHOLDERS["iban"]))
                masked = _mask(masked, m.start(), end)
                break

    # IPv6 first: an IPv4-mapped address ends in a dotted quad.
    if "::" in masked or masked.count(":") >= 7:
        for m in _IPV6.finditer(masked):
            if _ip_or_version(m.group(), text, m.start()) == "ip":
                spans.append(PiiSpan(m.start(), m.end(), "ip", PLACEHOLDERS["ip"]))
                masked = _mask(masked, m.start(), m.end())
    if "." in masked:
        for m in _IPV4.finditer(masked):
            verdict = _ip_or_version(m.group(), text, m.start())
            if verdict == "ip":
                spans.append(PiiSpan(m.start(), m.end(), "ip", PLACEHOLDERS["ip"]))
            if verdict is not None:  # a version number is not a phone number either
                masked = _mask(masked, m.start(), m.end())

    for m in _DATE.finditer(masked):
        masked = _mask(masked, m.start(), m.end())
    pos = 0
    while True:
        m = _RUN.search(masked, pos)
        if m is None:
            break
        pos = m.end()
        run = m.group()
        if len(run) < 7:  # fewer than 7 characters cannot hold 7 digits
            continue
        found = _classify_run(run, text, m.start())
        if found is not None:
            kind, length = found
            end = m.start() + length
            spans.append(PiiSpan(m.start(), end, kind, PLACEHOLDERS[kind]))
            masked = _mask(masked, m.start(), end)
            pos = end

    spans.sort(key=lambda s: s.start)
    return spans


def _apply(text: str, spans: list[PiiSpan]) -> tuple[str, dict[str, int]]:
    """Text with the spans replaced, and counts per COUNT_KEYS (unchanged URLs not counted)."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    out: list[str] = []
    last = 0
    for span in spans:
        if span.kind == "url":
            if span.replacement == text[span.start:span.end]:
                continue
            counts[URLS_CLEANED] += 1
        else:
            counts[span.kind] += 1
        out.append(text[last:span.start])
        out.append(span.replacement)
        last = span.end
    if last == 0:
        return text, counts
    out.append(text[last:])
    return "".join(out), counts


def _redact_with_url_count(text: str | None) -> tuple[str | None, dict[str, int]]:
    if not text or not isinstance(text, str):  # None, "", and pandas' NaN for a missing value
        return text, dict.fromkeys(COUNT_KEYS, 0)
    return _apply(text, find_pii_spans(text))


def redact_pii(text: str | None) -> tuple[str | None, dict[str, int]]:
    """Replace e-mails, phones, cards, IPs and IBANs in `text` with PLACEHOLDERS and strip tracking
    parameters from its URLs. Returns the new text (None stays None) and the number of values
    redacted per PII kind (keys PII_KINDS; summing them gives the post's redaction count, URL
    cleaning is not counted here - redact_pii_series reports it). Redacting an already redacted
    text changes nothing."""
    redacted, counts = _redact_with_url_count(text)
    return redacted, {kind: counts[kind] for kind in PII_KINDS}


def redact_pii_series(texts: pd.Series) -> pd.DataFrame:
    """Batch form of redact_pii for a Spark pandas UDF (return type REDACTION_SCHEMA_DDL): one row
    per input, same index, columns REDACTION_COLUMNS (text, pii_email, pii_phone, pii_card,
    pii_ip, pii_iban as int32 counts, urls_cleaned)."""
    redacted: list[str | None] = []
    counts: dict[str, list[int]] = {k: [] for k in COUNT_KEYS}
    for value in texts.tolist():
        new_text, found = _redact_with_url_count(value if isinstance(value, str) else None)
        redacted.append(new_text)
        for key in COUNT_KEYS:
            counts[key].append(found[key])
    columns: dict[str, object] = {"text": pd.Series(redacted, index=texts.index, dtype=object)}
    for key, column in zip(COUNT_KEYS, COUNT_COLUMNS):
        columns[column] = pd.Series(counts[key], index=texts.index, dtype="int32")
    return pd.DataFrame(columns, index=texts.index)

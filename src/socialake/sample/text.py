"""Composing post text with exact entity offsets.

A post is a list of chunks joined by single spaces; a chunk is a list of tokens that are glued
together. A token is plain text or an entity (mention, hashtag, url, pii). Rendering a chunk list
for a platform gives the text plus spans `(kind, start, end, value)` whose [start, end) are
Python string (code point) offsets of the entity as shown in the text.
"""

from __future__ import annotations

import functools
import random
import string
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from socialake.schemas import PLATFORM_BLUESKY, PLATFORM_REDDIT, PLATFORM_X
from socialake.sample import ids
from socialake.sample.vocab import (
    FOOD_NAMES,
    LANGUAGE_PACKS,
    TOPIC_EMOJI,
    TOPIC_HASHTAGS,
    TOPIC_NAMES,
    TOPIC_URL_BASES,
    LanguagePack,
)

# token kinds
PLAIN = "text"
OPTIONAL = "optional"  # plain text that `fit` may drop to respect a length limit
FEELING = "feeling"    # the sentiment phrase: shown as plain text, never mutated or dropped
MENTION = "mention"
HASHTAG = "hashtag"
URL = "url"
PII = "pii"

# Token: (PLAIN|OPTIONAL|FEELING, str) | (MENTION, Author) | (HASHTAG, tag) | (URL, expanded)
#        | (PII, kind, value)
Token = tuple
Chunk = list  # list[Token]
Span = tuple  # (kind, start, end, value)


_QUARTERS = ("00", "15", "30", "45")


@functools.lru_cache(maxsize=None)
def _parse_template(template: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((literal, field) for literal, field, _, _ in string.Formatter().parse(template))


def fill_template(template: str, rng: random.Random, lang: str, topic: str) -> str:
    """Fill the {slots} of a topic sentence with plausible values."""
    out = []
    name = None
    for literal, field in _parse_template(template):
        out.append(literal)
        if field is None:
            continue
        if field == "name":
            name = ids.pick(rng, _names(lang, topic))
            out.append(name)
        elif field == "name2":
            names = _names(lang, topic)
            other = ids.pick(rng, names)
            if other == name:
                other = names[(names.index(other) + 1) % len(names)]
            out.append(other)
        elif field == "n":
            out.append(str(2 + int(rng.random() * 58)))
        elif field == "big":
            out.append(str(100 + int(rng.random() * 4900)))
        elif field == "score":
            out.append(f"{int(rng.random() * 5)}-{int(rng.random() * 4)}")
        elif field == "time":
            out.append(f"{8 + int(rng.random() * 15):02d}:{ids.pick(rng, _QUARTERS)}")
        elif field == "day":
            out.append(LANGUAGE_PACKS[lang].weekdays[int(rng.random() * 7)])
        elif field == "wind":
            out.append(str(70 + int(rng.random() * 91)))
        else:
            raise KeyError(f"unknown template slot {field!r} in {template!r}")
    return "".join(out)


def _names(lang: str, topic: str) -> Sequence[str]:
    return FOOD_NAMES[lang] if topic == "food_recipes" else TOPIC_NAMES[topic]


def hashtag_text(tag_template: str, year: int) -> str:
    return tag_template.replace("{year}", str(year))


def pick_hashtags(rng: random.Random, topic: str, year: int, *, signature: bool) -> list[str]:
    """0-2 topic hashtags; `signature` forces the topic's signature tag first."""
    tags = TOPIC_HASHTAGS[topic]
    chosen: list[str] = []
    if signature:
        chosen.append(tags[0])
        if rng.random() < 0.3:
            chosen.append(ids.pick(rng, tags[1:]))
    else:
        r = rng.random()
        if r < 0.45:
            count = 2 if r < 0.12 else 1
            pool = list(tags)
            for _ in range(count):
                # the signature tag is the most used one
                tag = tags[0] if rng.random() < 0.3 else ids.pick(rng, pool)
                if tag not in chosen:
                    chosen.append(tag)
    return [hashtag_text(t, year) for t in chosen]


def make_url(rng: random.Random, topic: str) -> str:
    base = ids.pick(rng, TOPIC_URL_BASES[topic])
    return f"{base}{topic.replace('_', '-')}-{10_000 + int(rng.random() * 989_999)}"


def sentence_case(phrase: str, rng: random.Random) -> str:
    return phrase[:1].upper() + phrase[1:] if rng.random() < 0.5 else phrase


@dataclass
class Recipe:
    """The platform-independent content decisions of one post."""

    lang: str
    topic: str
    sentiment: str
    chunks: list  # list[Chunk]


def compose_chunks(
    rng: random.Random,
    *,
    lang: str,
    topic: str,
    sentiment: str,
    hashtags: Sequence[str] = (),
    lead_mentions: Sequence[Any] = (),
    trail_mentions: Sequence[Any] = (),
    url: str | None = None,
    pii: Sequence[tuple[str, str]] = (),
    long_form: bool = False,
    emoji: bool = True,
    extra_sentences: int | None = None,
) -> list:
    """Chunks of a post: [mentions] [opener] topic sentence(s) [filler] sentiment [pii] [cc]
    [url] [hashtags]. `pii` is a list of (kind, value)."""
    pack: LanguagePack = LANGUAGE_PACKS[lang]
    chunks: list = []
    for author in lead_mentions:
        chunks.append([(MENTION, author)])
    if rng.random() < 0.2:
        chunks.append([(OPTIONAL, ids.pick(rng, pack.openers))])
    sentences = pack.topics[topic]
    if extra_sentences is None:
        extra_sentences = (1 + int(rng.random() * 3)) if long_form else \
            (1 if rng.random() < 0.4 else 0)
    picked: list[int] = []
    while len(picked) < min(len(sentences), 1 + extra_sentences):
        idx = int(rng.random() * len(sentences))
        if idx not in picked:
            picked.append(idx)
    body = [[(PLAIN if k == 0 else OPTIONAL, fill_template(sentences[idx], rng, lang, topic))]
            for k, idx in enumerate(picked)]
    if rng.random() < (0.35 if long_form else 0.2):
        body.append([(OPTIONAL, ids.pick(rng, pack.fillers))])
    feeling: list = []
    if sentiment != "neutral" or rng.random() < 0.75:
        phrase = sentence_case(ids.pick(rng, pack.sentiment[sentiment]), rng)
        if phrase[-1].isalnum():  # "hate this so much" needs a stop before the next sentence
            phrase += ids.pick(rng, (".", "!", "!!"))
        feeling = [(FEELING, phrase)]
    if feeling and rng.random() < 0.25:
        chunks.append(feeling)
        chunks.extend(body)
    else:
        chunks.extend(body)
        if feeling:
            chunks.append(feeling)
    for kind, value in pii:
        template = ids.pick(rng, pack.pii[kind])
        before, _, after = template.partition("{pii}")
        chunk: list = []
        if before:
            chunk.append((PLAIN, before))
        chunk.append((PII, kind, value))
        if after:
            chunk.append((PLAIN, after))
        chunks.append(chunk)
    if trail_mentions:
        chunks.append([(PLAIN, "cc")])
        for author in trail_mentions:
            chunks.append([(MENTION, author)])
    if emoji and rng.random() < 0.15:
        chunks.append([(OPTIONAL, ids.pick(rng, TOPIC_EMOJI[topic]))])
    if url:
        chunks.append([(URL, url)])
    for tag in hashtags:
        chunks.append([(HASHTAG, tag)])
    return chunks


def mutate_chunks(chunks: list, rng: random.Random, lang: str, n_edits: int) -> list:
    """A near-duplicate: `n_edits` word-level changes (insert an intensifier, drop a word, change
    a word's case, change the closing punctuation) in sentence chunks. Entities, PII templates and
    the sentiment phrase stay untouched, so the planted labels still hold."""
    pack = LANGUAGE_PACKS[lang]
    out = [list(chunk) for chunk in chunks]
    sentence_chunks = [
        ci for ci, chunk in enumerate(out)
        if len(chunk) == 1 and chunk[0][0] in (PLAIN, OPTIONAL) and " " in chunk[0][1]
    ]
    if not sentence_chunks:
        out.append([(PLAIN, ids.pick(rng, ("!!", "👀", "🔁", "^")))])
        return out
    for _ in range(n_edits):
        ci = ids.pick(rng, sentence_chunks)
        kind, sentence = out[ci][0]
        words = sentence.split(" ")
        op = rng.randrange(4)
        pos = rng.randrange(len(words))
        if op == 0:
            words.insert(pos, ids.pick(rng, pack.intensifiers))
        elif op == 1 and len(words) > 3:
            del words[pos]
        elif op == 2:
            words[pos] = words[pos].upper() if words[pos].islower() else words[pos].lower()
        else:
            last = words[-1]
            if last.endswith("."):
                words[-1] = last[:-1] + ids.pick(rng, ("!", "!!", "..."))
            else:
                words[-1] = last + "!"
        out[ci][0] = (kind, " ".join(words))
    return out


def mention_text(author: Any, platform: str) -> str:
    if platform == PLATFORM_REDDIT:
        return f"u/{author.username}"
    return f"@{author.username}"


def render(
    chunks: Sequence[Chunk], platform: str, rng: random.Random, *, sep: str = " ",
) -> tuple[str, list]:
    """Text and spans of `chunks` as shown on `platform` (X shows links as t.co)."""
    parts: list[str] = []
    spans: list = []
    length = 0
    for i, chunk in enumerate(chunks):
        if i:
            parts.append(sep)
            length += len(sep)
        for tok in chunk:
            kind = tok[0]
            if kind == PLAIN or kind == OPTIONAL or kind == FEELING:
                shown = tok[1]
            elif kind == MENTION:
                shown = mention_text(tok[1], platform)
                spans.append((MENTION, length, length + len(shown), tok[1]))
            elif kind == HASHTAG:
                shown = "#" + tok[1]
                spans.append((HASHTAG, length, length + len(shown), tok[1]))
            elif kind == URL:
                shown = ("https://t.co/" + ids.random_token(rng, 10)) if platform == PLATFORM_X \
                    else tok[1]
                spans.append((URL, length, length + len(shown), tok[1]))
            elif kind == PII:
                shown = tok[2]
                spans.append((PII, length, length + len(shown), tok[1]))
            else:
                raise ValueError(f"unknown token kind {kind!r}")
            parts.append(shown)
            length += len(shown)
    return "".join(parts), spans


def fit(chunks: list, limit: int, platform: str, rng: random.Random) -> tuple[str, list]:
    """Render within `limit` characters: drop optional chunks (opener, extra sentences, filler,
    emoji) from the end, then trailing hashtags. Topic sentence, sentiment and PII always stay."""
    text, spans = render(chunks, platform, rng)
    for droppable_kind in (OPTIONAL, HASHTAG):
        while len(text) > limit:
            candidates = [i for i, c in enumerate(chunks)
                          if len(c) == 1 and c[0][0] == droppable_kind]
            if not candidates:
                break
            del chunks[candidates[-1]]
            text, spans = render(chunks, platform, rng)
    return text, spans


def shift_spans(spans: Sequence[Span], offset: int) -> list:
    return [(k, s + offset, e + offset, v) for k, s, e, v in spans]


def text_limit(platform: str) -> int:
    if platform == PLATFORM_X:
        return 280
    if platform == PLATFORM_BLUESKY:
        return 300
    return 500


def weighted(rng: random.Random, items: Sequence[str], cum: Sequence[float]) -> str:
    """rng.choices without the list allocation (cum ends at the total weight)."""
    r = rng.random() * cum[-1]
    for item, c in zip(items, cum):
        if r < c:
            return item
    return items[-1]


def cumulative(weights: Mapping[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    items = tuple(weights)
    acc = 0.0
    cum = []
    for k in items:
        acc += weights[k]
        cum.append(acc)
    return items, tuple(cum)

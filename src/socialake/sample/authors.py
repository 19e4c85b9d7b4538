"""Authors of the sample world: computed from (seed, platform, index), never stored in a table.

Per platform, indices [0, n_hubs) are hub accounts (many followers, mentioned by everyone); the
other indices are split into contiguous community blocks of unequal size. An author's community,
language, names and platform ids are a pure function of the seed and its index, so any worker can
rebuild any author without shared state.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
import struct
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from socialake.schemas import (
    PLATFORM_BLUESKY,
    PLATFORM_GENERIC,
    PLATFORM_MASTODON,
    PLATFORM_REDDIT,
    PLATFORM_X,
)
from socialake.sample import ids
from socialake.sample.pii import ascii_slug
from socialake.sample.vocab import (
    HUB_HANDLES,
    LANGUAGE_PACKS,
    MASTODON_DOMAINS,
    MASTODON_LOCAL_DOMAIN,
)

ACCOUNTS_SINCE_US = 1_230_768_000_000_000  # 2009-01-01
_DISPLAY_EMOJI = ("🌱", "⚽", "☕", "🎮", "📚", "🌈")


def community_label(community: int) -> str:
    return f"c{community:02d}"


@dataclass(frozen=True)
class PlatformAuthors:
    """How one platform's authors are laid out: hubs first, then community blocks."""

    platform: str
    n_authors: int
    n_hubs: int
    n_communities: int
    block_starts: tuple[int, ...]  # n_communities + 1 boundaries of the non-hub blocks
    id_salt: int

    def community_of(self, index: int) -> int:
        if index < self.n_hubs:
            return index % self.n_communities
        return bisect.bisect_right(self.block_starts, index) - 1

    def pick_poster(self, rng: random.Random, hub_share: float = 0.03) -> int:
        """An author for a new post: mostly non-hubs, the low indices of each block more active."""
        if rng.random() < hub_share:
            return rng.randrange(self.n_hubs)
        # block sizes weight the community choice, u**1.5 skews activity within the block
        index = self.block_starts[0] + int((self.n_authors - self.n_hubs) * rng.random())
        community = bisect.bisect_right(self.block_starts, index) - 1
        start, end = self.block_starts[community], self.block_starts[community + 1]
        return start + int((end - start) * rng.random() ** 1.5)

    def pick_in_community(self, rng: random.Random, community: int) -> int:
        start, end = self.block_starts[community], self.block_starts[community + 1]
        return start + int((end - start) * rng.random())

    def pick_any(self, rng: random.Random) -> int:
        return self.n_hubs + int((self.n_authors - self.n_hubs) * rng.random())


def layout_platform(
    platform: str, n_authors: int, n_hubs: int, n_communities: int, seed: int
) -> PlatformAuthors:
    """Split the non-hub authors into `n_communities` blocks with Zipf-like sizes (each >= 1)."""
    members = n_authors - n_hubs
    if members < n_communities:
        raise ValueError("fewer authors than communities")
    weights = [1.0 / (c + 2) ** 0.8 for c in range(n_communities)]
    total = sum(weights)
    spare = members - n_communities
    sizes = [1 + int(spare * w / total) for w in weights]
    # hand the rounding remainder to the largest fractional parts, deterministically
    remainder = members - sum(sizes)
    order = sorted(range(n_communities), key=lambda c: -(spare * weights[c] / total % 1))
    for c in order[:remainder]:
        sizes[c] += 1
    starts = [n_hubs]
    for size in sizes:
        starts.append(starts[-1] + size)
    return PlatformAuthors(
        platform=platform,
        n_authors=n_authors,
        n_hubs=n_hubs,
        n_communities=n_communities,
        block_starts=tuple(starts),
        id_salt=ids.derive_seed(seed, "id-salt", platform) & 0xFFFFFFFF,
    )


@dataclass(frozen=True)
class Author:
    platform: str
    index: int
    author_id: str        # as bronze keys authors (Reddit: the username)
    account_id: str       # the platform's account id (Reddit: t2_ fullname; else = author_id)
    handle: str           # X username, Reddit name, Mastodon acct, Bluesky handle, CSV user_name
    username: str         # the local part people type after '@' (Mastodon/Bluesky differ)
    display_name: str
    community: int
    is_hub: bool
    lang: str
    first_name: str
    last_name: str
    bio: str
    location: str
    city: tuple[str, str, str, float, float] | None
    followers: int
    following: int
    statuses: int
    created_us: int
    numeric_id: int       # X numeric id (v1.1 "id"), else 0
    url: str              # profile URL (Mastodon/Bluesky)
    domain: str           # Mastodon instance of the account


class _HashDraws:
    """Uniform draws in [0, 1) from one 64-byte BLAKE2b digest of the author's key: much
    cheaper than seeding a Mersenne Twister per author, and just as reproducible."""

    __slots__ = ("_values", "_next")

    def __init__(self, *key: object) -> None:
        digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=64).digest()
        self._values = struct.unpack("<16I", digest)
        self._next = 0

    def random(self) -> float:
        value = self._values[self._next]
        self._next += 1
        return value / 4_294_967_296.0

    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.random() * len(items))]

    def normal_pair(self) -> tuple[float, float]:
        """Two independent standard normals (Box-Muller)."""
        radius = math.sqrt(-2.0 * math.log(1.0 - self.random()))
        angle = 2.0 * math.pi * self.random()
        return radius * math.cos(angle), radius * math.sin(angle)


def _weighted_choice(rng: Any, weights: Mapping[str, float]) -> str:
    r = rng.random() * sum(weights.values())
    acc = 0.0
    last = ""
    for key, w in weights.items():
        acc += w
        last = key
        if r < acc:
            return key
    return last


def make_author(
    seed: int,
    layout: PlatformAuthors,
    index: int,
    language_weights: Mapping[str, float],
    start_us: int,
) -> Author:
    """Build author `index` of `layout.platform` (pure function of its arguments)."""
    draws = _HashDraws(seed, "author", layout.platform, index)
    is_hub = index < layout.n_hubs
    u_lang = draws.random()
    lang = "en" if is_hub and u_lang < 0.8 else _weighted_choice(draws, language_weights)
    pack = LANGUAGE_PACKS[lang]
    first, last = draws.pick(pack.first_names), draws.pick(pack.last_names)
    u_city = draws.random()
    city = pack.cities[int(u_city / 0.7 * len(pack.cities))] if u_city < 0.7 else None
    n1, n2 = draws.normal_pair()
    n3, _ = draws.normal_pair()
    if is_hub:
        base = HUB_HANDLES[index % len(HUB_HANDLES)]
        username = base if index < len(HUB_HANDLES) else f"{base}{index // len(HUB_HANDLES)}"
        display = "".join(" " + ch if ch.isupper() and i else ch for i, ch in enumerate(base))
        bio = "Official account. News, analysis and live coverage."
        followers = int(10 ** (5 + 1.7 * draws.random()))
    else:
        first_s, last_s = ascii_slug(first) or "user", ascii_slug(last) or "x"
        style = int(draws.random() * 4)
        if style == 0:
            stem = f"{first_s}_{last_s}"
        elif style == 1:
            stem = f"{first_s}{last_s[:3]}"
        elif style == 2:
            stem = f"{first_s[0]}{last_s}"
        else:
            stem = f"the{first_s}"
        username = f"{stem[:8]}{index}"  # the index keeps handles unique per platform
        display = f"{first} {last}"
        u_emoji = draws.random()
        if u_emoji < 0.1:
            display += " " + _DISPLAY_EMOJI[int(u_emoji * 10 * len(_DISPLAY_EMOJI))]
        i = int(draws.random() * len(pack.bios))
        j = int(draws.random() * (len(pack.bios) - 1))
        bio = f"{pack.bios[i]} {pack.bios[j + 1 if j >= i else j]}"
        followers = min(250_000, int(math.exp(4.8 + 1.5 * n1)))
    following = int(math.exp(5.5 + n2))
    statuses = int(math.exp(6.5 + 1.5 * n3)) + 1
    created_us = ACCOUNTS_SINCE_US + int(draws.random() * (start_us - 30 * 86_400_000_000
                                                           - ACCOUNTS_SINCE_US))
    perm = ids.permute32(index, layout.id_salt)
    account_id = ""
    numeric_id = 0
    url = ""
    domain = ""
    handle = username
    platform = layout.platform
    if platform == PLATFORM_X:
        numeric_id = 1_000_000_000 + perm
        author_id = str(numeric_id)
        url = f"https://twitter.com/{username}"
    elif platform == PLATFORM_REDDIT:
        username = username.replace(".", "_")
        handle = username
        author_id = username  # bronze keys Reddit authors by their (permanent) username
        account_id = "t2_" + ids.base36(perm + 36 ** 5)
        url = f"https://www.reddit.com/user/{username}"
    elif platform == PLATFORM_MASTODON:
        domain = MASTODON_LOCAL_DOMAIN if is_hub else draws.pick(MASTODON_DOMAINS[lang])
        handle = username if domain == MASTODON_LOCAL_DOMAIN else f"{username}@{domain}"
        author_id = str(110_000_000_000_000_000 + perm * 65_536)
        url = f"https://{domain}/@{username}"
    elif platform == PLATFORM_BLUESKY:
        username = username.replace("_", "-").lower() + ".bsky.social"
        handle = username
        author_id = ids.plc_did(seed, "bluesky", index)
        url = f"https://bsky.app/profile/{username}"
    elif platform == PLATFORM_GENERIC:
        author_id = str(perm)
    else:
        raise ValueError(f"unknown platform {platform!r}")
    return Author(
        platform=platform,
        index=index,
        author_id=author_id,
        account_id=account_id or author_id,
        handle=handle,
        username=username,
        display_name=display,
        community=layout.community_of(index),
        is_hub=is_hub,
        lang=lang,
        first_name=first,
        last_name=last,
        bio=bio,
        location=f"{city[0]}, {city[1]}" if city else "",
        city=city,
        followers=followers,
        following=following,
        statuses=statuses,
        created_us=created_us,
        numeric_id=numeric_id,
        url=url,
        domain=domain,
    )


# Authors already built in this process, shared by the shards a worker runs one after another.
# Safe because make_author is a pure function of its key; bounded to cap worker memory.
_PROCESS_AUTHORS: dict[tuple, dict[int, Author]] = {}
PROCESS_AUTHOR_LIMIT = 100_000


class AuthorCache:
    """Memoised `make_author` for one platform (shared by all shards in the process)."""

    def __init__(
        self, seed: int, layout: PlatformAuthors, language_weights: Mapping[str, float],
        start_us: int,
    ) -> None:
        self._seed = seed
        self.layout = layout
        self._language_weights = language_weights
        self._start_us = start_us
        key = (seed, layout, tuple(language_weights.items()), start_us)
        if sum(len(c) for c in _PROCESS_AUTHORS.values()) > PROCESS_AUTHOR_LIMIT:
            _PROCESS_AUTHORS.clear()
        self._cache = _PROCESS_AUTHORS.setdefault(key, {})

    def get(self, index: int) -> Author:
        author = self._cache.get(index)
        if author is None:
            author = make_author(self._seed, self.layout, index, self._language_weights,
                                 self._start_us)
            if len(self._cache) < PROCESS_AUTHOR_LIMIT:
                self._cache[index] = author
        return author


def distinct_member_index(layout: PlatformAuthors, cluster_key: int, member: int) -> int:
    """Non-hub author for member `member` of a cluster: distinct members get distinct authors
    (a stride coprime with the number of non-hub authors walks without repeats)."""
    span = layout.n_authors - layout.n_hubs
    stride = 7919 if math.gcd(7919, span) == 1 else 7907
    return layout.n_hubs + (cluster_key + member * stride) % span


def author_rows(
    seed: int, layout: PlatformAuthors, indices: Sequence[int],
    language_weights: Mapping[str, float], start_us: int,
) -> dict[str, list]:
    """Columns of truth/authors.parquet for the given author indices."""
    cols: dict[str, list] = {k: [] for k in (
        "platform", "author_id", "platform_account_id", "handle", "display_name", "community",
        "is_hub", "followers", "lang", "location")}
    for index in indices:
        a = make_author(seed, layout, index, language_weights, start_us)
        cols["platform"].append(a.platform)
        cols["author_id"].append(a.author_id)
        cols["platform_account_id"].append(a.account_id)
        cols["handle"].append(a.handle)
        cols["display_name"].append(a.display_name)
        cols["community"].append(community_label(a.community))
        cols["is_hub"].append(a.is_hub)
        cols["followers"].append(a.followers)
        cols["lang"].append(a.lang)
        cols["location"].append(a.location)
    return cols

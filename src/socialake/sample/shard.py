"""Simulating one shard: a time-ordered stream of records for one source format.

A shard has a fixed number of record slots. Slot times are drawn first (diurnal base traffic,
spike posts inside the spike window, coordinated posts inside their two-minute window), then the
slots are walked in time order. A base slot becomes a due edit/deletion of an earlier post when
one is pending, else a new post; replies, retweets and quotes only point at posts already emitted
in this shard, so every reference resolves inside the landing data.
"""

from __future__ import annotations

import heapq
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from socialake.schemas import (
    EVENT_DELETE,
    EVENT_EDIT,
    EVENT_POST,
    FORMAT_CSV,
    FORMAT_JETSTREAM,
    FORMAT_MASTODON,
    FORMAT_PUSHSHIFT,
    FORMAT_X_V1,
    FORMAT_X_V2,
    PLATFORM_BLUESKY,
    PLATFORM_MASTODON,
    PLATFORM_REDDIT,
    PLATFORM_X,
)
from socialake.sample import formats, ids, text
from socialake.sample.authors import Author, AuthorCache, distinct_member_index
from socialake.sample.config import CSV_COLUMNS
from socialake.sample.pii import PII_KINDS, make_pii
from socialake.sample.plan import DIURNAL, US_PER_DAY, US_PER_HOUR, CoordPlan, DupMember, \
    ShardSpec
from socialake.sample.post import (
    KIND_COMMENT,
    KIND_POST,
    KIND_QUOTE,
    KIND_REPLY,
    KIND_RETWEET,
    KIND_SUBMISSION,
    Post,
)
from socialake.sample.truth import TruthBuffer, write_table
from socialake.sample.vocab import (
    COORDINATED_CAMPAIGNS,
    LANGUAGE_PACKS,
    LANGUAGE_SUBREDDITS,
    TOPIC_SUBREDDITS,
)

ROLE_BASE, ROLE_SPIKE, ROLE_COORD, ROLE_DUP = 0, 1, 2, 3
RING = 48          # recent posts kept per community for replies
RING_ALL = 256
# formats whose records can carry edits, with the mean delay of an edit (seconds)
EDIT_DELAY_S = {FORMAT_X_V2: 900, FORMAT_MASTODON: 1800, FORMAT_PUSHSHIFT: 3600}
DELETABLE = {FORMAT_X_V2, FORMAT_PUSHSHIFT, FORMAT_JETSTREAM}
REDDIT_T3_BASE = 10 * 36 ** 5
REDDIT_T1_BASE = 10 * 36 ** 6
CSV_ID_BASE = 700_000_000


def _ring_add(ring: list, item: Any, cap: int, rng: random.Random) -> None:
    if len(ring) < cap:
        ring.append(item)
    else:
        ring[int(rng.random() * cap)] = item


class ShardRun:
    """State of one shard while it is generated; `run()` writes files and returns a summary."""

    def __init__(self, spec: ShardSpec) -> None:
        self.spec = spec
        world = self.world = spec.world
        self.cfg = world.config
        self.fmt = spec.source_format
        self.platform = spec.platform
        self.rng = random.Random(ids.derive_seed(world.seed, "shard", self.fmt, spec.shard_no))
        self.layout = world.layouts[self.platform]
        self.authors = AuthorCache(world.seed, self.layout, self.cfg.language_weights,
                                   world.start_us)
        self.topics, self.topic_cum = text.cumulative(self.cfg.topic_weights)
        self.langs, self.lang_cum = text.cumulative(self.cfg.language_weights)
        self.diurnal_cum = text.cumulative({str(h): w for h, w in enumerate(DIURNAL)})[1]
        self.out_root = Path(spec.out_dir)
        self.writer = self._make_writer()
        self.truth = TruthBuffer()
        n_comm = world.n_communities
        self.recent_by_comm: list[list[Post]] = [[] for _ in range(n_comm)]
        self.recent_all: list[Post] = []
        self.hub_posts: list[Post] = []
        self.threads_by_comm: list[list[Post]] = [[] for _ in range(n_comm)]
        self.threads_all: list[Post] = []
        self.used_ids: set[int] = set()
        self.seq = 0
        self.pending: list = []
        self.pending_no = 0
        self.dup_recipes: dict[str, tuple] = {}
        self.coord_authors: dict[str, list[int]] = {}
        # only ordinary posts draw PII (not duplicates, coordinated posts, deletion markers):
        # scale up so that about pii_rate of all posts carry it
        self.pii_p = self.cfg.pii_rate / 0.93
        self.counters: Counter = Counter()
        self.hourly_topic = [0] * (self.cfg.days * 24)
        self.hourly_tag = [0] * (self.cfg.days * 24)
        self.malformed: list[dict] = []
        self.coord_members: dict[str, list[dict]] = {p.cluster_id: [] for p in spec.coordinated}
        self.pii_kinds_cum = text.cumulative(self.cfg.pii_kind_weights)
        self.slot_index = 0

    # --- setup ---------------------------------------------------------------------------

    def _make_writer(self) -> Any:
        spec, cfg, rng = self.spec, self.cfg, self.rng
        if self.fmt == FORMAT_X_V2:
            return formats.XV2Writer(self.out_root, spec.shard_no, rng, cfg.x_v2_page_size,
                                     spec.n_slots)
        if self.fmt == FORMAT_X_V1:
            return formats.XV1Writer(self.out_root, spec.shard_no, rng, cfg.json_array_size,
                                     spec.n_slots)
        if self.fmt == FORMAT_MASTODON:
            return formats.MastodonWriter(self.out_root, spec.shard_no, rng,
                                          cfg.json_array_size, spec.n_slots,
                                          last_day=ids.iso_ms(self.world.end_us - 1)[:10])
        if self.fmt == FORMAT_PUSHSHIFT:
            return formats.PushshiftWriter(self.out_root, spec.shard_no, rng)
        if self.fmt == FORMAT_JETSTREAM:
            return formats.JetstreamWriter(self.out_root, spec.shard_no, rng)
        if self.fmt == FORMAT_CSV:
            return formats.CsvWriter(self.out_root, spec.shard_no, rng, CSV_COLUMNS)
        raise ValueError(f"unknown source format {self.fmt!r}")

    def _base_time(self) -> int:
        rng = self.rng
        day = int(rng.random() * self.cfg.days)
        r = rng.random() * self.diurnal_cum[-1]
        hour = 0
        while self.diurnal_cum[hour] <= r:
            hour += 1
        return (self.world.start_us + day * US_PER_DAY + hour * US_PER_HOUR
                + int(rng.random() * US_PER_HOUR))

    def _slots(self) -> tuple[list, set[int]]:
        """(time, role, payload) per slot in time order, and the malformed slot indices."""
        spec, rng = self.spec, self.rng
        spike = self.world.spike
        n_coord = sum(c.size for c in spec.coordinated)
        n_base = spec.n_slots - spec.n_spike - n_coord
        slots: list = [(self._base_time(), ROLE_BASE, None) for _ in range(n_base)]
        for _ in range(spec.n_spike):
            slots.append((spike.start_us + int(rng.random() * (spike.end_us - spike.start_us)),
                          ROLE_SPIKE, None))
        for plan in spec.coordinated:
            for member in range(plan.size):
                slots.append((plan.t0_us + int(rng.random() * 120_000_000), ROLE_COORD,
                              (plan, member)))
        slots.sort(key=lambda s: s[0])
        base_positions = [i for i, s in enumerate(slots) if s[1] == ROLE_BASE]
        chosen = rng.sample(base_positions, len(spec.dup_members) + spec.n_malformed)
        for pos, member in zip(chosen, spec.dup_members):
            slots[pos] = (slots[pos][0], ROLE_DUP, member)
        return slots, set(chosen[len(spec.dup_members):])

    # --- ids -----------------------------------------------------------------------------

    def _mint(self, t_us: int) -> str:
        """A new post id unique across shards (shard bits) and within this one (checked)."""
        if self.platform == PLATFORM_X:
            make, mask = ids.x_snowflake, 0xFFF
        else:
            make, mask = ids.mastodon_id, 0x1FF
        seq = self.seq
        self.seq += 1
        tries = 0
        value = make(t_us, self.spec.id_bits, seq & mask)
        while value in self.used_ids:
            seq += 1
            tries += 1
            if tries > mask:  # every sequence number of this millisecond is taken
                t_us += 1000
                tries = 0
            value = make(t_us, self.spec.id_bits, seq & mask)
        self.used_ids.add(value)
        return str(value)

    def _mint_rkey(self, t_us: int) -> str:
        value = t_us
        while value in self.used_ids:
            value += 1
        self.used_ids.add(value)
        return ids.tid(value, self.spec.id_bits)

    # --- choices -------------------------------------------------------------------------

    def _topic_for(self, community: int) -> str:
        if self.rng.random() < self.cfg.community_topic_affinity:
            return self.world.community_topics[community]
        return text.weighted(self.rng, self.topics, self.topic_cum)

    def _sentiment_for(self, topic: str) -> str:
        pos, neg, _ = self.cfg.sentiment_priors[topic]
        r = self.rng.random()
        return "positive" if r < pos else "negative" if r < pos + neg else "neutral"

    def _mention_author(self, author: Author) -> Author | None:
        rng, layout = self.rng, self.layout
        for _ in range(3):
            if rng.random() < self.cfg.hub_mention_rate:
                index = int(rng.random() * layout.n_hubs)
            elif rng.random() < self.cfg.same_community_rate:
                index = layout.pick_in_community(rng, author.community)
            else:
                index = layout.pick_any(rng)
            if index != author.index:
                return self.authors.get(index)
        return None

    def _mentions(self, author: Author) -> tuple[list, list]:
        """(lead, trailing) mentions of an ordinary post."""
        rng = self.rng
        rate = self.cfg.mention_rate * (0.15 if self.platform == PLATFORM_REDDIT else 1.0)
        if rng.random() >= rate:
            return [], []
        picked = []
        for _ in range(1 if rng.random() < 0.75 else 2):
            other = self._mention_author(author)
            if other is not None and other not in picked:
                picked.append(other)
        if self.platform != PLATFORM_REDDIT and rng.random() < 0.5:
            return picked, []
        return [], picked

    def _pii(self, author: Author, lang: str) -> list[tuple[str, str]]:
        rng = self.rng
        if rng.random() >= self.pii_p:
            return []
        kinds = [text.weighted(rng, *self.pii_kinds_cum)]
        if rng.random() < 0.1:
            kinds.append(rng.choice(PII_KINDS))
        return [(k, make_pii(rng, k, lang, author.first_name, author.last_name)) for k in kinds]

    def _recent_for(self, community: int) -> Post | None:
        rng = self.rng
        ring = self.recent_by_comm[community]
        if ring and rng.random() < self.cfg.same_community_rate:
            return ring[int(rng.random() * len(ring))]
        if self.recent_all:
            return self.recent_all[int(rng.random() * len(self.recent_all))]
        return None

    # --- building posts ------------------------------------------------------------------

    def _compose(self, author: Author, *, lang: str, topic: str, sentiment: str,
                 lead: list, trail: list, signature: bool, long_form: bool = False,
                 with_url: bool | None = None, reserve: int = 0) -> tuple[str, list]:
        """Text and spans of an ordinary post (hashtags, link and PII drawn here)."""
        rng = self.rng
        hashtags = [] if self.platform == PLATFORM_REDDIT else text.pick_hashtags(
            rng, topic, self.world.year, signature=signature)
        url = None
        if with_url is None:
            with_url = rng.random() < self.cfg.url_rate
        if with_url:
            url = text.make_url(rng, topic)
        pii = self._pii(author, lang)
        chunks = text.compose_chunks(rng, lang=lang, topic=topic, sentiment=sentiment,
                                     hashtags=hashtags, lead_mentions=lead, trail_mentions=trail,
                                     url=url, pii=pii, long_form=long_form)
        return text.fit(chunks, text.text_limit(self.platform) - reserve, self.platform, rng)

    def _new_post(self, t_us: int, role: int, payload: Any, malformed: bool) -> Post:
        if role == ROLE_DUP:
            return self._dup_post(t_us, payload)
        if role == ROLE_COORD:
            return self._coord_post(t_us, *payload)
        spike = role == ROLE_SPIKE
        if self.platform == PLATFORM_REDDIT:
            return self._reddit_post(t_us, spike=spike)
        return self._social_post(t_us, spike=spike, plain=malformed)

    def _social_post(self, t_us: int, *, spike: bool, plain: bool) -> Post:
        """X, Mastodon, Bluesky and CSV posts: original, reply, retweet or quote."""
        rng, cfg, platform = self.rng, self.cfg, self.platform
        author = self.authors.get(self.layout.pick_poster(rng))
        lang = author.lang
        is_x = platform == PLATFORM_X
        r = rng.random()
        can_reply = self.fmt != FORMAT_CSV
        if is_x and not spike and not plain and r < cfg.retweet_rate:
            if self.hub_posts and rng.random() < 0.4:
                target = self.hub_posts[int(rng.random() * len(self.hub_posts))]
            else:
                target = self._recent_for(author.community)
            if target is not None and target.author is not author:
                return self._retweet(t_us, author, target)
        parent = None
        quoted = None
        if is_x and not spike and r < cfg.retweet_rate + cfg.quote_rate:
            quoted = self._recent_for(author.community)
        elif can_reply and not spike and r < cfg.retweet_rate + cfg.quote_rate + cfg.reply_rate:
            if self.hub_posts and rng.random() < cfg.hub_reply_rate:
                parent = self.hub_posts[int(rng.random() * len(self.hub_posts))]
            else:
                parent = self._recent_for(author.community)
            if parent is not None and parent.author is author:
                parent = None
        source = parent or quoted
        topic = self.world.spike.topic if spike else self._topic_for(author.community)
        if source is not None and rng.random() < 0.8:
            topic = source.topic
        sentiment = self._sentiment_for(topic)
        lead, trail = self._mentions(author)
        if parent is not None and platform in (PLATFORM_X, PLATFORM_MASTODON):
            lead = [parent.author] + [a for a in lead if a is not parent.author]
        post_id = self._post_id(t_us, author)
        signature = spike or (topic == self.world.spike.topic and rng.random() < 0.1)
        chunks_url = None
        if quoted is not None:
            chunks_url = f"https://twitter.com/{quoted.author.username}/status/{quoted.post_id}"
        media = is_x and rng.random() < cfg.media_rate
        body, spans = self._compose(author, lang=lang, topic=topic, sentiment=sentiment,
                                    lead=lead, trail=trail, signature=signature,
                                    with_url=True if chunks_url else None,
                                    reserve=24 if media else 0)  # room for the photo link
        if chunks_url:
            body, spans = self._replace_url(body, spans, chunks_url)
        post = Post(post_id=post_id, author=author, t_us=t_us, text=body, spans=spans,
                    lang=lang, topic=topic, sentiment=sentiment, kind=KIND_POST)
        post.is_spike = spike
        if media:
            self._attach_x_media(post)
        if parent is not None:
            post.kind = KIND_REPLY
            post.reply_to_id = parent.post_id
            post.reply_to_author = parent.author
            post.conversation_id = parent.conversation_id or parent.post_id
        if quoted is not None:
            post.kind = KIND_QUOTE
            post.ref = quoted
        self._decorate(post)
        if parent is not None and platform == PLATFORM_BLUESKY:
            root = parent.extra.get("root") or (parent.extra["uri"], parent.extra["cid"])
            post.extra["root"] = root
            post.extra["reply"] = {"parent": {"cid": parent.extra["cid"],
                                              "uri": parent.extra["uri"]},
                                   "root": {"cid": root[1], "uri": root[0]}}
        return post

    def _replace_url(self, body: str, spans: list, url: str) -> tuple[str, list]:
        """Point the post's link span at `url` (quote tweets link the quoted status)."""
        return body, [(k, s, e, url if k == text.URL else v) for k, s, e, v in spans]

    def _post_id(self, t_us: int, author: Author) -> str:
        if self.platform in (PLATFORM_X, PLATFORM_MASTODON):
            return self._mint(t_us)
        if self.platform == PLATFORM_BLUESKY:
            rkey = self._mint_rkey(t_us)
            return f"at://{author.author_id}/app.bsky.feed.post/{rkey}"
        return str(CSV_ID_BASE + self.spec.slot_offset + self.slot_index)

    def _decorate(self, post: Post) -> None:
        """Platform extras that the format writers render (Bluesky keys, Mastodon media, geo)."""
        rng = self.rng
        if self.platform == PLATFORM_BLUESKY:
            post.extra["rkey"] = post.post_id.rsplit("/", 1)[-1]
            post.extra["uri"] = post.post_id
            post.extra["cid"] = ids.cid(rng)
            urls = post.urls
            if urls and rng.random() < 0.5:
                post.extra["embed"] = {"$type": "app.bsky.embed.external", "external": {
                    "description": "", "title": urls[0].rsplit("/", 1)[-1].replace("-", " "),
                    "uri": urls[0]}}
        elif self.platform == PLATFORM_MASTODON and rng.random() < self.cfg.media_rate:
            media_id = str(int(post.post_id) + 1)
            post.extra["media"] = {
                "id": media_id, "type": "image",
                "url": f"https://files.mastodon.social/media_attachments/files/{media_id}.jpg",
                "preview_url": f"https://files.mastodon.social/media_attachments/files/"
                               f"{media_id}_small.jpg",
                "remote_url": None, "text_url": None, "meta": None,
                "description": "Photo: " + post.topic.replace("_", " "), "blurhash": None}
        elif self.platform == PLATFORM_X and post.author.city and \
                rng.random() < self.cfg.geo_rate:
            city = post.author.city
            geo: dict[str, Any] = {"city": city}
            if rng.random() < 0.3:
                geo["point"] = (round(city[4] + rng.uniform(-0.05, 0.05), 6),
                                round(city[3] + rng.uniform(-0.05, 0.05), 6))
            post.extra["geo"] = geo

    def _attach_x_media(self, post: Post) -> None:
        """A photo: its t.co link is appended to the text and listed in entities.urls."""
        rng = self.rng
        shown = "https://t.co/" + ids.random_token(rng, 10)
        expanded = f"https://twitter.com/{post.author.username}/status/{post.post_id}/photo/1"
        start = len(post.text) + 1
        post.text = post.text + " " + shown
        post.spans = post.spans + [(text.URL, start, start + len(shown), expanded)]
        key = f"3_{int(post.post_id) - 1}"
        post.extra["media"] = {"media_key": key, "type": "photo",
                               "url": f"https://pbs.twimg.com/media/{ids.random_token(rng, 15)}"
                                      f".jpg",
                               "width": 1200, "height": rng.choice((675, 800, 900, 1600)),
                               "alt_text": "Photo about " + post.topic.replace("_", " ")}

    def _retweet(self, t_us: int, author: Author, target: Post) -> Post:
        prefix = f"RT @{target.author.username}: "
        spans = [(text.MENTION, 3, 3 + 1 + len(target.author.username), target.author)]
        spans += text.shift_spans(target.spans, len(prefix))
        post = Post(post_id=self._post_id(t_us, author), author=author, t_us=t_us,
                    text=prefix + target.text, spans=spans, lang=target.lang,
                    topic=target.topic, sentiment=target.sentiment, kind=KIND_RETWEET)
        post.ref = target
        return post

    # --- Reddit --------------------------------------------------------------------------

    def _reddit_ids(self, kind_prefix: str) -> tuple[str, str]:
        base = REDDIT_T3_BASE if kind_prefix == "t3" else REDDIT_T1_BASE
        id36 = ids.base36(base + self.spec.slot_offset + self.slot_index)
        return id36, f"{kind_prefix}_{id36}"

    def _pick_thread(self, community: int, topic: str | None = None) -> Post | None:
        rng = self.rng
        if topic is not None:
            matching = [t for t in self.threads_all[-64:] if t.topic == topic]
            return matching[int(rng.random() * len(matching))] if matching else None
        ring = self.threads_by_comm[community]
        if ring and rng.random() < 0.6:
            return ring[int(rng.random() * len(ring))]
        if self.threads_all:
            return self.threads_all[-1 - int(rng.random() * (min(64, len(self.threads_all))))]
        return None

    def _reddit_post(self, t_us: int, *, spike: bool) -> Post:
        rng = self.rng
        author = self.authors.get(self.layout.pick_poster(rng))
        thread = None
        if rng.random() >= 0.15:
            thread = self._pick_thread(author.community,
                                       self.world.spike.topic if spike else None)
        if thread is None:
            topic = self.world.spike.topic if spike else self._topic_for(author.community)
            post = self._submission(t_us, author, author.lang, topic)
        else:
            lang = thread.lang if rng.random() < 0.9 else author.lang
            sentiment = self._sentiment_for(thread.topic)
            lead, trail = self._mentions(author)
            body, spans = self._compose(author, lang=lang, topic=thread.topic,
                                        sentiment=sentiment, lead=lead, trail=trail,
                                        signature=False, long_form=True)
            post = self._comment(t_us, author, thread, body, spans, lang, thread.topic,
                                 sentiment)
        post.is_spike = spike
        return post

    def _submission(self, t_us: int, author: Author, lang: str, topic: str,
                    title_text: str | None = None, title_spans: list | None = None) -> Post:
        rng = self.rng
        pack = LANGUAGE_PACKS[lang]
        sentiment = self._sentiment_for(topic)
        id36, fullname = self._reddit_ids("t3")
        subs = TOPIC_SUBREDDITS[topic] if lang == "en" else LANGUAGE_SUBREDDITS[lang]
        subreddit = subs[int(rng.random() * len(subs))]
        spans: list = []
        if title_text is not None:
            title, selftext, is_self, url = title_text, "", True, None
        else:
            sentences = pack.topics[topic]
            sentence = text.fill_template(sentences[int(rng.random() * len(sentences))], rng, lang,
                                          topic)
            title = rng.choice(pack.reddit_titles).replace("{s}", sentence)
            is_self = rng.random() >= 0.1
            url = None if is_self else text.make_url(rng, topic)
            selftext = ""
            if is_self and rng.random() < 0.7:
                selftext, spans = self._compose(author, lang=lang, topic=topic,
                                                sentiment=sentiment, lead=[], trail=[],
                                                signature=False, long_form=True,
                                                with_url=False)
            elif sentiment != "neutral":
                title = f"{title} {rng.choice(pack.sentiment[sentiment])}"
        full = title + ("\n\n" + selftext if selftext else "")
        spans = text.shift_spans(spans, len(title) + 2) if selftext else list(title_spans or [])
        slug = "_".join(text_slug(title).split("_")[:8])
        permalink = f"/r/{subreddit}/comments/{id36}/{slug}/"
        post = Post(post_id=fullname, author=author, t_us=t_us, text=full, spans=spans,
                    lang=lang, topic=topic, sentiment=sentiment, kind=KIND_SUBMISSION)
        post.conversation_id = fullname
        post.extra.update({
            "id36": id36, "subreddit": subreddit,
            "subreddit_id": "t5_" + ids.base36(ids.derive_seed("sub", subreddit) % 36 ** 6),
            "title": title, "selftext": selftext, "is_self": is_self,
            "url": url or f"https://www.reddit.com{permalink}",
            "domain": f"self.{subreddit}" if is_self else url.split("/")[2],
            "permalink": permalink, "comments": [], "num_comments": 0,
        })
        return post

    def _comment(self, t_us: int, author: Author, thread: Post, body: str, spans: list,
                 lang: str, topic: str, sentiment: str) -> Post:
        rng = self.rng
        id36, fullname = self._reddit_ids("t1")
        comments = thread.extra["comments"]
        parent = thread
        if comments and rng.random() < 0.5:
            same = [c for c in comments if c.author.community == author.community]
            pool = same if same and rng.random() < self.cfg.same_community_rate else comments
            parent = pool[int(rng.random() * len(pool))]
        post = Post(post_id=fullname, author=author, t_us=t_us, text=body, spans=spans,
                    lang=lang, topic=topic, sentiment=sentiment, kind=KIND_COMMENT)
        post.reply_to_id = parent.post_id
        post.reply_to_author = parent.author
        post.conversation_id = thread.post_id
        x = thread.extra
        post.extra.update({
            "id36": id36, "subreddit": x["subreddit"], "subreddit_id": x["subreddit_id"],
            "link_id": thread.post_id, "parent_id": parent.post_id,
            "permalink": f"{x['permalink']}{id36}/",
            "is_submitter": author is thread.author,
        })
        return post

    def _register_reddit(self, post: Post) -> None:
        rng = self.rng
        if post.kind == KIND_SUBMISSION:
            _ring_add(self.threads_by_comm[post.author.community], post, RING, rng)
            self.threads_all.append(post)
            if len(self.threads_all) > 4 * RING_ALL:
                del self.threads_all[:RING_ALL]
        else:
            thread_ring = None
            for t in self.threads_all[-64:]:
                if t.post_id == post.conversation_id:
                    thread_ring = t.extra["comments"]
                    t.extra["num_comments"] += 1
                    break
            if thread_ring is not None:
                _ring_add(thread_ring, post, 20, rng)

    # --- clusters ------------------------------------------------------------------------

    def _dup_recipe(self, member: DupMember) -> tuple:
        recipe = self.dup_recipes.get(member.cluster_id)
        if recipe is None:
            rng = random.Random(ids.derive_seed(self.world.seed, "dup", member.cluster_id))
            lang = text.weighted(rng, self.langs, self.lang_cum)
            topic = text.weighted(rng, self.topics, self.topic_cum)
            pos, neg, _ = self.cfg.sentiment_priors[topic]
            r = rng.random()
            sentiment = "positive" if r < pos else "negative" if r < pos + neg else "neutral"
            hashtags = text.pick_hashtags(rng, topic, self.world.year, signature=False)
            chunks = text.compose_chunks(rng, lang=lang, topic=topic, sentiment=sentiment,
                                         hashtags=hashtags, extra_sentences=1)
            text.fit(chunks, 260, "generic", rng)  # same text on every platform
            recipe = (lang, topic, sentiment, chunks)
            self.dup_recipes[member.cluster_id] = recipe
        return recipe

    def _dup_post(self, t_us: int, member: DupMember) -> Post:
        lang, topic, sentiment, chunks = self._dup_recipe(member)
        if not member.exact and member.member > 0:
            mrng = random.Random(ids.derive_seed(self.world.seed, "dup", member.cluster_id,
                                                 member.member))
            chunks = text.mutate_chunks(chunks, mrng, lang, 1 + int(mrng.random() * 2))
        body, spans = text.render(chunks, "generic", self.rng)
        author = self.authors.get(distinct_member_index(self.layout, member.cluster_key,
                                                        member.member))
        if self.platform == PLATFORM_REDDIT:
            thread = self._pick_thread(author.community)
            if thread is None:
                post = self._submission(t_us, author, lang, topic, title_text=body,
                                        title_spans=spans)
                post.sentiment = sentiment
            else:
                post = self._comment(t_us, author, thread, body, spans, lang, topic, sentiment)
        else:
            post = Post(post_id=self._post_id(t_us, author), author=author, t_us=t_us,
                        text=body, spans=spans, lang=lang, topic=topic, sentiment=sentiment)
            self._decorate(post)
            post.extra.pop("media", None)
            post.extra.pop("embed", None)
        if member.exact:
            post.dup_cluster = member.cluster_id
        else:
            post.near_cluster = member.cluster_id
        return post

    def _coord_post(self, t_us: int, plan: CoordPlan, member: int) -> Post:
        rng = self.rng
        authors = self.coord_authors.get(plan.cluster_id)
        if authors is None:
            layout = self.layout
            authors = rng.sample(range(layout.n_hubs, layout.n_authors), plan.size)
            self.coord_authors[plan.cluster_id] = authors
        author = self.authors.get(authors[member])
        topic, sentiment, template, tag = COORDINATED_CAMPAIGNS[plan.campaign]
        before, _, after = template.partition("{url}")
        chunks: list = [[(text.PLAIN, before.strip())], [(text.URL, plan.url)]]
        if after.strip():
            chunks.append([(text.PLAIN, after.strip())])
        chunks.append([(text.HASHTAG, tag)])
        n_edits = rng.choice((0, 1, 1, 2))
        if n_edits:
            chunks = text.mutate_chunks(chunks, rng, "en", n_edits)
        body, spans = text.render(chunks, self.platform, rng)
        post = Post(post_id=self._post_id(t_us, author), author=author, t_us=t_us, text=body,
                    spans=spans, lang="en", topic=topic, sentiment=sentiment)
        post.coord_cluster = plan.cluster_id
        post.near_cluster = plan.cluster_id
        self.coord_members[plan.cluster_id].append({
            "post_id": post.post_id, "author_id": author.author_id,
            "author_handle": author.handle, "created_at": ids.iso_ms(t_us)})
        return post

    # --- derived events ------------------------------------------------------------------

    def _schedule(self, post: Post) -> None:
        rng, cfg = self.rng, self.cfg
        if post.kind in (KIND_RETWEET, KIND_SUBMISSION):
            return
        r = rng.random()
        edit_rate = cfg.edit_rate * (1.5 if self.fmt == FORMAT_MASTODON else 1.0)
        if self.fmt in EDIT_DELAY_S and r < edit_rate:
            mean = EDIT_DELAY_S[self.fmt]
            due = post.t_us + int((30 + rng.expovariate(1 / mean)) * 1_000_000)
            self._push(due, "edit", post)
        elif self.fmt in DELETABLE and r < edit_rate + cfg.delete_rate:
            due = post.t_us + int((60 + rng.expovariate(1 / 43_200)) * 1_000_000)
            self._push(due, "delete", post)

    def _push(self, due: int, kind: str, post: Post) -> None:
        if due < self.world.end_us:
            self.pending_no += 1
            heapq.heappush(self.pending, (due, self.pending_no, kind, post))

    def _edited(self, original: Post, t_us: int) -> Post:
        rng = self.rng
        note = rng.choice(LANGUAGE_PACKS[original.lang].edit_notes)
        post = original.copy()
        post.edited_us = t_us
        sep = "\n\n" if self.platform == PLATFORM_REDDIT else " "
        post.text = original.text + sep + note
        if self.platform == PLATFORM_X:
            # an X edit is a new tweet; edit_history_tweet_ids lists every version, oldest first
            post.post_id = self._mint(t_us)
            history = [original.post_id]
            if rng.random() < 0.3:
                history.append(self._mint((original.t_us + t_us) // 2))
            history.append(post.post_id)
            post.edit_history = history
            post.edit_of = original.post_id
            post.conversation_id = original.conversation_id or original.post_id
            post.t_us = t_us
            post.edited_us = t_us
            if post.extra.get("media"):
                post.extra.pop("media")
        return post

    # --- main loop -----------------------------------------------------------------------

    def run(self) -> dict:
        spec, rng = self.spec, self.rng
        slots, malformed_slots = self._slots()
        spike = self.world.spike
        for i, (t_us, role, payload) in enumerate(slots):
            self.slot_index = i
            record_no = spec.slot_offset + i
            is_malformed = i in malformed_slots
            if role == ROLE_BASE and not is_malformed and self.pending \
                    and self.pending[0][0] <= t_us:
                _, _, kind, target = heapq.heappop(self.pending)
                self._emit_derived(record_no, t_us, kind, target)
                continue
            post = self._new_post(t_us, role, payload, is_malformed)
            malformed_kind = None
            if is_malformed:
                malformed_kind = rng.choice(formats.MALFORMED_KINDS[self.fmt])
            loc = self.writer.write_post(post, malformed_kind)
            reason = formats.MALFORMED_REASONS[malformed_kind] if malformed_kind else None
            hashtags, _ = self.truth.add(
                record_no=record_no, platform=self.platform, source_format=self.fmt, loc=loc,
                post=post, event_type=EVENT_POST, observed_us=t_us,
                malformed_kind=malformed_kind, reason_code=reason)
            if malformed_kind:
                self.malformed.append({
                    "file": loc[0], "line": loc[2], "location": loc[1],
                    "kind": malformed_kind, "expected_reason_code": reason,
                    "post_id": post.post_id, "record_no": record_no})
                continue
            hour = (t_us - self.world.start_us) // US_PER_HOUR
            if post.topic == spike.topic and post.kind != KIND_RETWEET:
                self.hourly_topic[hour] += 1
            if spike.hashtag in hashtags and post.kind != KIND_RETWEET:
                self.hourly_tag[hour] += 1
            self._register(post, role)
        files = self.writer.close()
        part = self.out_root / "truth" / "_parts" / f"posts-{self.fmt}-{spec.shard_no:05d}.parquet"
        table = self.truth.to_table()
        write_table(table, part)
        self.counters = count_truth(table)
        return self._summary(files, str(part))

    def _emit_derived(self, record_no: int, t_us: int, kind: str, target: Post) -> None:
        if kind == "edit":
            post = self._edited(target, t_us)
            loc = self.writer.write_edit(post)
            self.truth.add(record_no=record_no, platform=self.platform, source_format=self.fmt,
                           loc=loc, post=post, event_type=EVENT_EDIT, observed_us=t_us)
        else:
            loc = self.writer.write_delete(target, t_us)
            self.truth.add(record_no=record_no, platform=self.platform, source_format=self.fmt,
                           loc=loc, post=target, event_type=EVENT_DELETE, observed_us=t_us,
                           deleted=True)

    def _register(self, post: Post, role: int) -> None:
        rng = self.rng
        if self.platform == PLATFORM_REDDIT:
            self._register_reddit(post)
            if role == ROLE_BASE or role == ROLE_SPIKE:
                self._schedule(post)
            return
        if post.kind == KIND_RETWEET or role == ROLE_COORD:
            return
        _ring_add(self.recent_by_comm[post.author.community], post, RING, rng)
        _ring_add(self.recent_all, post, RING_ALL, rng)
        if post.author.is_hub:
            _ring_add(self.hub_posts, post, RING, rng)
        if role == ROLE_BASE or role == ROLE_SPIKE:
            self._schedule(post)

    def _summary(self, files: list[str], part: str) -> dict:
        return {
            "source_format": self.fmt,
            "platform": self.platform,
            "shard_no": self.spec.shard_no,
            "files": files,
            "truth_part": part,
            "counters": dict(self.counters),
            "malformed": self.malformed,
            "hourly_spike_topic": self.hourly_topic,
            "hourly_spike_hashtag": self.hourly_tag,
            "coordinated": self.coord_members,
            "embedded_statuses": getattr(self.writer, "embedded", 0),
        }


def count_truth(table: pa.Table) -> Counter:
    """Shard statistics for truth.json, computed from the shard's truth rows."""
    c: Counter = Counter()
    c["records"] = table.num_rows
    malformed = table["is_malformed"]
    c["malformed"] = pc.sum(malformed).as_py() or 0
    event = table["event_type"]
    c["edits"] = pc.sum(pc.equal(event, EVENT_EDIT)).as_py() or 0
    c["deletes"] = pc.sum(pc.equal(event, EVENT_DELETE)).as_py() or 0
    posts = table.filter(pc.and_(pc.equal(event, EVENT_POST), pc.invert(malformed)))
    c["posts"] = posts.num_rows
    for column in ("lang", "topic", "sentiment", "kind"):
        for item in pc.value_counts(posts[column]).to_pylist():
            c[f"{column}:{item['values']}"] = item["counts"]
    c["exact_dup_members"] = posts.num_rows - posts["dup_cluster"].null_count
    coordinated = posts["is_coordinated"]
    c["coordinated_members"] = pc.sum(coordinated).as_py() or 0
    c["near_dup_members"] = (posts.num_rows - posts["near_dup_cluster"].null_count
                             - c["coordinated_members"])
    c["spike_posts"] = pc.sum(posts["is_spike"]).as_py() or 0
    with_pii = posts.filter(posts["has_pii"])
    c["pii_posts"] = with_pii.num_rows
    for spans in with_pii["pii_spans"].to_pylist():
        for span in json.loads(spans):
            c["pii:" + span["kind"]] += 1
    return Counter({k: v for k, v in c.items() if v})


def text_slug(title: str) -> str:
    slug = "".join(ch if ch.isalnum() else "_" for ch in title.lower())
    return "_".join(part for part in slug.split("_") if part)


def run_shard(spec: ShardSpec) -> dict:
    """Generate one shard's landing files and truth part; returns its summary."""
    return ShardRun(spec).run()

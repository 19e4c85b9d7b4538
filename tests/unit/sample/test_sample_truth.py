"""The planted ground truth holds, checked against expectations written independently of the
generator (own Luhn / IBAN checks, own sentiment cue words, own clustering measures)."""

from __future__ import annotations

import ipaddress
import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pytest

PII_KINDS = {"email", "phone", "card", "ip", "iban"}
DOC_NETWORKS = [ipaddress.ip_network(n) for n in
                ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number]
    checksum = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        checksum += d
    return checksum % 10 == 0


def iban_ok(iban: str) -> bool:
    compact = iban.replace(" ", "")
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", re.sub(r"https?://\S+", " ", text.lower())))


def jaccard(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    return len(wa & wb) / len(wa | wb)


def new_posts(sample) -> list[dict]:
    """Rows that bronze should parse as fresh posts (not edits, deletions or malformed)."""
    return [r for r in sample.posts if r["event_type"] == "post" and not r["is_malformed"]]


def test_own_luhn_check_is_sound() -> None:
    assert luhn_ok("4111111111111111") and luhn_ok("378282246310005")
    assert not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB82 WEST 1234 5698 7654 33")


def test_pii_offsets_point_at_the_pii(sample) -> None:
    spans_seen = Counter()
    for row in sample.posts:
        spans = json.loads(row["pii_spans"])
        assert row["has_pii"] == bool(spans)
        for span in spans:
            assert span["kind"] in PII_KINDS
            assert 0 <= span["start"] < span["end"] <= len(row["text"])
            assert row["text"][span["start"]:span["end"]] == span["value"]
            spans_seen[span["kind"]] += 1
    assert set(spans_seen) == PII_KINDS


def test_planted_pii_values_are_valid(sample) -> None:
    for row in sample.posts:
        for span in json.loads(row["pii_spans"]):
            value = span["value"]
            if span["kind"] == "card":
                digits = re.sub(r"[ -]", "", value)
                assert digits.isdigit() and len(digits) in (15, 16), value
                assert luhn_ok(digits), value
            elif span["kind"] == "iban":
                assert re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9 ]+", value), value
                assert iban_ok(value), value
            elif span["kind"] == "email":
                assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.]+\.[a-z]{2,}", value), value
            elif span["kind"] == "phone":
                assert re.fullmatch(r"[+()0-9 -]+", value), value
                assert len(re.sub(r"\D", "", value)) >= 9, value
            elif span["kind"] == "ip":
                address = ipaddress.ip_address(value)
                assert any(address in net for net in DOC_NETWORKS), value


def test_about_three_percent_of_posts_carry_pii(sample) -> None:
    posts = new_posts(sample)
    share = sum(r["has_pii"] for r in posts) / len(posts)
    assert 0.02 <= share <= 0.045, share


def test_language_mix(sample) -> None:
    langs = Counter(r["lang"] for r in new_posts(sample))
    total = sum(langs.values())
    assert set(langs) == {"en", "es", "de", "fr", "pt", "it", "nl"}
    assert 0.68 <= langs["en"] / total <= 0.82
    for lang in ("es", "de", "fr", "pt", "it", "nl"):
        assert 0.005 <= langs[lang] / total <= 0.12, lang


def test_languages_look_like_their_label(sample) -> None:
    # independent cue words: articles / function words per language
    cues = {"es": {"el", "la", "de", "que", "en", "por", "con", "los", "una", "y", "a", "se",
                   "al", "del", "mi", "hoy", "es", "las", "un", "contra", "sin", "desde",
                   "hacia", "lo", "su", "muy", "ya", "para", "qué"},
            "de": {"der", "die", "das", "und", "mit", "ist", "von", "bei", "den", "ein", "im",
                   "zu", "auf", "ich", "es", "am", "in", "für", "seit", "wegen", "dem", "gegen",
                   "um", "nach", "noch", "schon", "nicht", "sich", "vom", "zum", "zur", "was"},
            "fr": {"le", "la", "les", "de", "du", "des", "et", "pour", "une", "sur", "à", "au",
                   "je", "en", "est", "aux", "dans", "avec", "un", "ce", "contre", "vers", "il",
                   "se", "pas", "plus", "déjà", "quelle", "très"},
            "pt": {"o", "a", "de", "do", "da", "com", "para", "que", "os", "na", "no", "em",
                   "é", "e", "um", "uma", "ao", "às", "meu", "meus", "contra", "pelo", "pela",
                   "já", "se", "não", "muito", "mais"},
            "it": {"il", "la", "di", "del", "per", "che", "con", "un", "alle", "ho", "da", "in",
                   "è", "al", "sul", "sono", "si", "dopo", "lo", "i", "gli", "della", "nella",
                   "contro", "sulla", "le", "a", "su", "verso", "già", "molto", "davvero"},
            "nl": {"de", "het", "een", "van", "met", "op", "naar", "voor", "is", "ik", "en",
                   "in", "al", "bij", "om", "aan", "te", "er", "vanaf", "sinds", "tegen",
                   "rond", "nog", "niet", "ook", "zijn", "wat", "heel", "echt"}}
    for lang, cue in cues.items():
        texts = [r["text"] for r in new_posts(sample) if r["lang"] == lang
                 and r["kind"] != "retweet" and not r["dup_cluster"]]
        hits = sum(bool(words(t) & cue) for t in texts)
        assert hits / len(texts) > 0.9, lang


def test_topic_and_sentiment_mix(sample) -> None:
    posts = new_posts(sample)
    configured = sample.summary["topics"]["configured"]
    topics = Counter(r["topic"] for r in posts)
    assert set(topics) == set(configured)
    total_w = sum(configured.values())
    for topic, weight in configured.items():
        assert abs(topics[topic] / len(posts) - weight / total_w) < 0.08, topic
    sentiments = Counter(r["sentiment"] for r in posts)
    for label in ("positive", "negative", "neutral"):
        assert sentiments[label] / len(posts) > 0.15, label


def test_sentiment_labels_match_the_words(sample) -> None:
    positive_cues = {"love", "brilliant", "best", "amazing", "impressed", "recommend", "slaps",
                     "obsessed", "yesss", "smiling", "good", "😍", "🎉", "🙌", "🥳", "👏"}
    negative_cues = {"worst", "terrible", "disappointed", "joke", "never", "disaster", "hate",
                     "waste", "fuming", "awful", "rip", "😡", "🤬", "😞", "😤", "😠", "👎"}

    def cues(text: str) -> tuple[bool, bool]:
        tokens = words(text) | set(text)
        return bool(tokens & positive_cues), bool(tokens & negative_cues)

    english = [r for r in new_posts(sample) if r["lang"] == "en" and not r["is_coordinated"]]
    pos = [cues(r["text"]) for r in english if r["sentiment"] == "positive"]
    neg = [cues(r["text"]) for r in english if r["sentiment"] == "negative"]
    assert sum(p and not n for p, n in pos) / len(pos) > 0.8
    assert sum(n and not p for p, n in neg) / len(neg) > 0.8


def test_authors_table_covers_truth(sample) -> None:
    authors = {(a["platform"], a["author_id"]): a for a in sample.authors}
    assert len(authors) == len(sample.authors)
    handles = Counter((a["platform"], a["handle"]) for a in sample.authors)
    assert max(handles.values()) == 1
    for row in sample.posts:
        author = authors[(row["platform"], row["author_id"])]
        assert author["community"] == row["community"]
        assert author["handle"] == row["author_handle"]
    communities = {a["community"] for a in sample.authors}
    assert 20 <= len(communities) <= 50
    hubs = [a for a in sample.authors if a["is_hub"]]
    assert hubs and min(a["followers"] for a in hubs) >= 100_000


def test_interactions_stay_in_communities_and_hubs_draw_mentions(sample) -> None:
    community = {(a["platform"], a["author_id"]): a["community"] for a in sample.authors}
    hub = {(a["platform"], a["author_id"]) for a in sample.authors if a["is_hub"]}
    same = total = 0
    for row in new_posts(sample):
        target = row["reply_to_author_id"]
        if target and row["platform"] != "reddit":  # Reddit threads mix communities
            total += 1
            same += community[(row["platform"], target)] == row["community"]
    assert total > 100 and same / total > 0.6
    mentions = Counter()
    same = total = 0
    for row in new_posts(sample):
        for target in row["mention_author_ids"]:
            key = (row["platform"], target)
            mentions[key] += 1
            if key not in hub:
                total += 1
                same += community[key] == row["community"]
    assert same / total > 0.6
    hub_rate = sum(mentions[h] for h in hub) / len(hub)
    others = len(sample.authors) - len(hub)
    other_rate = sum(v for k, v in mentions.items() if k not in hub) / others
    assert hub_rate > 5 * other_rate
    # influence: the most mentioned accounts are the hubs
    top = [key for key, _ in mentions.most_common(10)]
    assert sum(key in hub for key in top) >= 7


def test_exact_duplicate_clusters(sample) -> None:
    clusters = defaultdict(list)
    for row in sample.posts:
        if row["dup_cluster"] and not row["is_malformed"]:
            clusters[row["dup_cluster"]].append(row)
    assert clusters
    sizes = Counter(len(m) for m in clusters.values())
    assert sum(n * s for s, n in sizes.items()) >= 2 * len(clusters)
    for members in clusters.values():
        if len(members) < 2:
            continue
        assert len({m["text"] for m in members}) == 1
        assert len({(m["platform"], m["author_id"]) for m in members}) == len(members)
        assert len({(m["platform"], m["post_id"]) for m in members}) == len(members)


def test_near_duplicate_clusters(sample) -> None:
    clusters = defaultdict(list)
    for row in sample.posts:
        if row["near_dup_cluster"] and not row["is_coordinated"] and not row["is_malformed"]:
            clusters[row["near_dup_cluster"]].append(row)
    assert clusters
    changed = 0
    for members in clusters.values():
        first = members[0]["text"]
        for other in members[1:]:
            assert jaccard(first, other["text"]) >= 0.5
            changed += other["text"] != first
        assert len({(m["platform"], m["author_id"]) for m in members}) == len(members)
    assert changed > 0


def test_coordinated_cluster(sample) -> None:
    clusters = sample.summary["coordinated_clusters"]
    assert len(clusters) >= 1
    rows_by_cluster = defaultdict(list)
    for row in sample.posts:
        if row["is_coordinated"]:
            rows_by_cluster[row["coord_cluster"]].append(row)
    for cluster in clusters:
        rows = rows_by_cluster[cluster["cluster_id"]]
        assert len(rows) == cluster["size"]
        assert len({r["author_id"] for r in rows}) >= 10
        assert all(r["urls"] == [cluster["url"]] for r in rows)
        times = sorted(r["created_at"] for r in rows)
        assert times[-1] - times[0] <= timedelta(minutes=2)
        for r in rows[1:]:
            assert jaccard(rows[0]["text"], r["text"]) >= 0.6


def test_edits_reemit_or_supersede_earlier_posts(sample, native) -> None:
    first_seen = {}
    for row in sorted(sample.posts, key=lambda r: r["record_no"]):
        key = (row["platform"], row["post_id"])
        if row["event_type"] == "post" and not row["is_malformed"]:
            first_seen.setdefault(key, row)
    edits = [r for r in sample.posts if r["is_edit"]]
    assert {r["source_format"] for r in edits} >= {"mastodon", "x_v2"}
    for row in edits:
        assert row["edited_at"] is not None
        if row["source_format"] == "x_v2":
            original = first_seen[(row["platform"], row["post_id"])]
            history = native[(row["file"], row["location"])]["raw"]["edit_history_tweet_ids"]
            assert len(history) >= 2 and history[0] == original["post_id"]
            assert history[-1] == row["native_id"] != row["post_id"]
        else:
            original = first_seen[(row["platform"], row["post_id"])]
            assert row["edited_at"] > original["created_at"] == row["created_at"]
        assert row["text"] != original["text"] and row["text"].startswith(original["text"])
        assert original["record_no"] < row["record_no"]
        if row["source_format"] == "mastodon":
            raw = native[(row["file"], row["location"])]["raw"]
            assert raw["edited_at"] and raw["id"] == row["post_id"]


def test_deletions_point_at_earlier_posts(sample) -> None:
    first_seen = {}
    for row in sorted(sample.posts, key=lambda r: r["record_no"]):
        if row["event_type"] == "post" and not row["is_malformed"]:
            first_seen.setdefault((row["platform"], row["post_id"]), row)
    deletes = [r for r in sample.posts if r["is_deleted"]]
    assert {r["source_format"] for r in deletes} == {"x_v2", "pushshift", "jetstream"}
    for row in deletes:
        original = first_seen[(row["platform"], row["post_id"])]
        assert original["record_no"] < row["record_no"]
        assert row["observed_at"] > original["created_at"]


def test_post_ids_are_unique(sample) -> None:
    keys = Counter((r["platform"], r["post_id"]) for r in new_posts(sample))
    assert max(keys.values()) == 1


def test_timestamps_inside_a_fixed_window(sample) -> None:
    window = sample.summary["window"]
    end = datetime.fromisoformat(window["end"].replace("Z", "+00:00"))
    start = datetime.fromisoformat(window["start"].replace("Z", "+00:00"))
    assert end - start == timedelta(days=14)
    assert end.hour == end.minute == end.second == 0 and end.tzinfo == timezone.utc
    assert datetime(2024, 1, 1, tzinfo=timezone.utc) <= end < datetime(2026, 1, 2,
                                                                       tzinfo=timezone.utc)
    for row in new_posts(sample):
        assert start <= row["created_at"] < end


def test_spike_is_visible_in_hourly_volume(sample) -> None:
    spike = sample.summary["spike"]
    start = datetime.fromisoformat(sample.summary["window"]["start"].replace("Z", "+00:00"))
    w0 = datetime.fromisoformat(spike["window_start"].replace("Z", "+00:00"))
    w1 = datetime.fromisoformat(spike["window_end"].replace("Z", "+00:00"))
    assert w1 - w0 == timedelta(hours=2)
    hourly = Counter()
    tagged = 0
    for row in new_posts(sample):
        if row["topic"] == spike["topic"] and row["kind"] != "retweet":
            hourly[int((row["created_at"] - start).total_seconds() // 3600)] += 1
        if row["is_spike"]:
            tagged += spike["hashtag"] in row["hashtags"] or row["platform"] == "reddit"
    first = int((w0 - start).total_seconds() // 3600)
    in_window = (hourly[first] + hourly[first + 1]) / 2
    same_hours = [hourly[d * 24 + first % 24 + h] for d in range(14) for h in (0, 1)
                  if d != first // 24]
    baseline = sum(same_hours) / len(same_hours)
    assert 4 <= in_window / baseline <= 16, (in_window, baseline)
    assert tagged == sum(r["is_spike"] for r in new_posts(sample)) > 0


@pytest.mark.parametrize("fmt", ["x_v2", "pushshift", "mastodon", "jetstream", "x_v1.1", "csv"])
def test_every_format_is_mostly_english(sample, fmt) -> None:
    rows = [r for r in new_posts(sample) if r["source_format"] == fmt]
    assert rows
    assert Counter(r["lang"] for r in rows)["en"] / len(rows) > 0.5

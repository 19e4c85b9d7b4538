"""Seeded sample data for socialake: realistic social posts in the platforms' native formats,
plus the planted ground truth to evaluate the pipeline against.

    python -m socialake.sample --out DIR --posts N --seed S [--force] [--workers W]

or `generate(out_dir, n_posts, seed)` from code (returns the truth.json summary). Same N and
seed (and shard size) give byte-identical files whatever the number of workers; the 14-day
window ends at a midnight derived from the seed, never "now".

Output under DIR
----------------
landing/  what bronze ingests; a shard holds at most `shard_size` (50,000) records
    x_v2/shard-NNNNN/page-NNNNN.json      X API v2 search/lookup pages of 100 records:
                                          {data, includes{users, media?, places?}, errors?, meta}
    x_v1.1/shard-NNNNN/statuses-NNNNN.json  JSON arrays of 200 v1.1 statuses (even shards: REST
                                          full_text; odd shards: streaming text + extended_tweet)
    pushshift/RS_shard-NNNNN.ndjson.gz    Reddit t3 submissions, flat Pushshift NDJSON (gzip)
    pushshift/RC_shard-NNNNN.ndjson.gz    Reddit t1 comments
    mastodon/shard-NNNNN/statuses-NNNNN.json  JSON arrays of 200 Mastodon statuses
    jetstream/jetstream-NNNNN.ndjson      Bluesky Jetstream commit events (create / delete)
    csv/posts-NNNNN.csv                   generic CSV: id,user_id,user_name,created_at,text,lang
truth/
    posts.parquet    one row per landing record (schema: truth.POSTS_SCHEMA)
    authors.parquet  platform, author_id, platform_account_id, handle, display_name, community,
                     is_hub, followers, lang, location
    truth.json       counts per format, languages/topics (configured and observed), PII counts,
                     spike (topic, hashtag, window, observed hourly ratio), coordinated clusters
                     (ids, url, members), duplicate clusters, every malformed record (file,
                     line/location, kind, expected quarantine reason), CSV mapping, seed, N

The generic CSV needs this bronze column mapping (ReadContext.column_mapping, canonical field ->
CSV column): post_id <- id, author_id <- user_id, author_handle <- user_name,
created_at <- created_at (ISO-8601 UTC "2025-03-01T12:34:56Z", strptime "%Y-%m-%dT%H:%M:%SZ"),
text <- text, lang <- lang; delimiter ",", UTF-8, header row, no embedded newlines. The same
mapping is `CSV_COLUMN_MAPPING` here and truth.json["csv"]["column_mapping"].

Truth conventions
-----------------
* records == N exactly: every landing record (tweet in data[], errors[] entry, array item, NDJSON
  line, CSV row) is one posts.parquet row, located by `file` + `location`, written like bronze's
  source_offset ("$.data[3]", "$.errors[0]", "$[7]", "line 12", CSV "row 7" = 7th data row;
  `line` is the physical line, CSV header = line 1), and numbered by `record_no`. Bronze also
  emits X v1.1 nested retweeted_status/quoted_status objects as rows; truth.json counts them
  (formats["x_v1.1"]["embedded_statuses"]).
* post_id as bronze keys it: X tweet id (an X edit: its original id, edit_history_tweet_ids[0];
  `native_id` keeps the id written in the record), Reddit fullname (t1_/t3_), Mastodon status
  id, Bluesky at://<did>/app.bsky.feed.post/<rkey>, CSV id. author_id likewise (Reddit: the
  username; the t2_ fullname is authors.parquet platform_account_id).
* event_type: post | edit | delete. Mastodon and Reddit edits re-emit the same id later with
  edited_at set and changed text; an X edit is a new tweet whose edit_history_tweet_ids lists the
  earlier ids (edit_of_post_id is the first). Deletions (X errors[] "Not Found Error", Jetstream
  delete, Reddit "[deleted]"/"[removed]" re-emission) point at a post emitted earlier; their
  text and labels are null.
* ~0.5% of records are malformed (truncated JSON line, invalid UTF-8, CSV row or Mastodon status
  without id, non-numeric X id, bad timestamp): flagged `is_malformed` with
  `expected_reason_code`. Labels of a malformed row describe the post it would have been.
* `text` is the post text as bronze should extract it (truth.json["formats"][f]["text"] says
  how per format: Mastodon HTML stripped, Reddit t3 title + "\\n\\n" + selftext, X v1.1 full
  text). pii_spans is JSON [{kind, start, end, value}] with Python string (code point) offsets
  into `text`; kinds: email, phone, card (Luhn-valid test BINs), ip (documentation ranges),
  iban (valid check digits).
* Labels: topic (8), sentiment (positive/negative/neutral), lang (en ~75%, es, de, fr, pt, it,
  nl), community (c00..), dup_cluster (identical text, distinct authors), near_dup_cluster
  (1-2 words changed; coordinated posts carry their cluster id there too), coord_cluster /
  is_coordinated (>= 10 accounts, same link, within two minutes), is_spike (the extra posts
  of the spike). `lang` is the planted language even where the format has no language field
  (Reddit, where bronze leaves it null). At the 1,000-post minimum, topic shares can be ~10
  points off their weights.
"""

from socialake.sample.config import CSV_COLUMN_MAPPING, CSV_COLUMNS, GeneratorConfig
from socialake.sample.generator import SampleArgumentError, generate

__all__ = [
    "CSV_COLUMNS",
    "CSV_COLUMN_MAPPING",
    "GeneratorConfig",
    "SampleArgumentError",
    "generate",
]

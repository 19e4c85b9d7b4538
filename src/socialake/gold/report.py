"""What gold holds after a run, read back from the gold tables and the run ledger (so a resumed
run reports the products an earlier run finished too), rendered for the terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyspark.sql import functions as F

from socialake import schemas as S
from socialake.analytics import graph, sentiment, topics
from socialake.lake import Lake

if TYPE_CHECKING:
    from socialake.gold.ledger import Ledger
    from socialake.tracking import Tracker


@dataclass
class GoldReport:
    run_id: str
    silver_version: int
    changed: bool
    mlflow_run_id: str | None = None
    tracking_uri: str | None = None
    ui_command: str | None = None
    posts: int = 0
    sentiment_model: str = ""
    sentiment_metrics: dict[str, float] = field(default_factory=dict)
    sentiment_mix: dict[str, int] = field(default_factory=dict)
    topic_k: int = 0
    topic_metrics: dict[str, float] = field(default_factory=dict)
    topics: list[tuple[int, int, list[str]]] = field(default_factory=list)   # id, posts, words
    graph_engine: str = ""
    graph_nodes: int = 0
    graph_edges: int = 0
    modularity: float = 0.0
    communities: list[dict[str, Any]] = field(default_factory=list)   # the 10 largest
    community_count: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    coordination: list[dict[str, Any]] = field(default_factory=list)
    gexf: str | None = None
    embedding_model: str = ""
    html_report: str | None = None   # the self-contained HTML report of this run (serving.report)
    timings: str = ""

    def render(self) -> str:
        if not self.changed:
            return (f"gold, run {self.run_id}: silver.posts is still at version {self.silver_version} and every "
                    "product is done for it (ops.runs): nothing to do")
        total = sum(self.sentiment_mix.values()) or 1
        mix = ", ".join(f"{name} {count / total:.0%}" for name, count in self.sentiment_mix.items())
        lines = [
            f"gold, run {self.run_id}: silver.posts version {self.silver_version}, {self.posts:,} posts",
            f"  sentiment  model {self.sentiment_model}: {mix}",
            "             held-out TweetEval macro recall "
            f"{self.sentiment_metrics.get('macro_recall', float('nan')):.3f}",
            f"  topics     k={self.topic_k}, NPMI coherence {self.topic_metrics.get('npmi', 0):.3f}, diversity "
            f"{self.topic_metrics.get('diversity', 0):.2f}, log-perplexity {self.topic_metrics.get('log_perplexity', 0):.2f}",
        ]
        for topic_id, posts, words in sorted(self.topics, key=lambda t: -t[1])[:10]:
            lines.append(f"    topic {topic_id:>2}  {posts:>8,} posts  {' '.join(words[:8])}")
        lines.append(f"  graph      {self.graph_nodes:,} authors, {self.graph_edges:,} author pairs ({self.graph_engine}), "
                     f"modularity {self.modularity:.3f}, {self.community_count:,} communities")
        for community in self.communities[:5]:
            lines.append(f"    {community['community_id']}  {community['authors']:>6,} authors  "
                         f"topics: {', '.join(community['top_topics'][:2])}  "
                         f"mean sentiment {community['mean_sentiment']:+.2f}  "
                         + " ".join("#" + tag for tag in community["top_hashtags"][:3]))
        lines.append(f"  alerts     {len(self.alerts)} spike hour(s) (gold.alerts)")
        for alert in self.alerts[:8]:
            lines.append(f"    {alert['bucket_start']:%Y-%m-%d %H:00}  {alert['dimension']}={alert['value']}  "
                         f"{alert['posts']} posts vs baseline {alert['baseline_median']:.1f} (z {alert['robust_z']:.1f})")
        lines.append(f"  coordination {len(self.coordination)} group(s) (gold.coordination)")
        for group in self.coordination[:8]:
            lines.append(f"    {group['signal']:<15} {group['accounts']:>3} accounts {group['posts']:>4} posts in "
                         f"{group['span_seconds']:>5}s  score {group['score']:.1f}  {group['group_key'][:60]}")
        lines.append(f"  embeddings {self.embedding_model} (gold.post_embeddings; `socialake similar --post-key ...`)")
        if self.gexf:
            lines.append(f"  Gephi      {self.gexf}")
        if self.html_report:
            lines.append(f"  report     {self.html_report} (open it in a browser: no server needed)")
        lines.append(f"  MLflow     run {self.mlflow_run_id} in {self.tracking_uri}")
        lines.append(f"             open it: {self.ui_command}")
        if self.timings:
            lines.append(self.timings)
        return "\n".join(lines)


def build_report(lake: Lake, ledger: "Ledger", *, run_id: str, silver_version: int, changed: bool,
                 tracker: "Tracker", mlflow_run_id: str | None = None, timings: str = "") -> GoldReport:
    report = GoldReport(run_id=run_id, silver_version=silver_version, changed=changed, mlflow_run_id=mlflow_run_id,
                        tracking_uri=tracker.store.tracking_uri, ui_command=tracker.store.ui_command(), timings=timings)
    if not changed:
        return report
    done = ledger.latest_successes("gold")

    def table(name: str):
        return lake.read(name) if lake.exists(name) else None

    if (row := done.get("sentiment")) is not None:
        report.sentiment_model = row.model_labels.get("sentiment", "")
        report.sentiment_metrics = {k.removeprefix("sentiment_"): v for k, v in row.metrics.items()}
    if (scored := table(S.GOLD_POST_SENTIMENT)) is not None:
        report.posts = scored.count()
        report.sentiment_mix = {r[0]: r[1] for r in scored.groupBy(sentiment.SENTIMENT_LABEL).count()
                                .orderBy(sentiment.SENTIMENT_LABEL).collect()}
    if (row := done.get("topics")) is not None and (described := table(S.GOLD_DIM_TOPIC)) is not None:
        report.topic_metrics = {k.removeprefix("topics_"): v for k, v in row.metrics.items()}
        assigned = table(S.GOLD_POST_TOPICS)
        counts = {r[0]: r[1] for r in assigned.groupBy(topics.TOPIC_ID).count().collect()} if assigned else {}
        report.topics = [(r.topic_id, counts.get(r.topic_id, 0), list(r.top_terms))
                         for r in described.orderBy(topics.TOPIC_ID).collect()]
        report.topic_k = len(report.topics)
    if (row := done.get("graph")) is not None:
        report.graph_engine = row.params.get("graph_engine", "")
        report.graph_nodes, report.graph_edges = int(row.metrics.get("graph_nodes", 0)), int(row.metrics.get("graph_edges", 0))
        report.modularity, report.community_count = row.metrics.get("modularity", 0.0), int(row.metrics.get("communities", 0))
        report.gexf = row.files[0] if row.files else None
    if (summary := table(S.GOLD_COMMUNITIES)) is not None:
        report.communities = [r.asDict(recursive=True) for r in summary.orderBy(F.desc("authors"), graph.COMMUNITY)
                              .limit(10).collect()]
    if (alerts := table(S.GOLD_ALERTS)) is not None:
        report.alerts = [r.asDict() for r in alerts.orderBy(F.desc("robust_z")).collect()]
    if (groups := table(S.GOLD_COORDINATION)) is not None:
        report.coordination = [r.asDict() for r in groups.drop("evidence").orderBy(F.desc("score")).collect()]
    if (row := done.get("embeddings")) is not None:
        report.embedding_model = (f"{row.params.get('embedding_model')} ({row.params.get('embedding_dim')}-d, "
                                  f"{row.params.get('embedding_package')})")
    return report

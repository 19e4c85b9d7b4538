"""MLflow, the one place the jobs talk to it: where the store is, runs, registered models.

The tracking store defaults to sqlite under the lake root (MLflow refuses its old file store),
artifacts beside it. `mlflow ui --backend-store-uri <uri>` opens it (README, "MLflow").
Spark models are logged with explicit pip requirements: inferring them costs ~30 s a model.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from socialake.config import Config, ConfigError

log = logging.getLogger(__name__)

# What a logged Spark model needs to be loaded and applied elsewhere (pinned as in pyproject).
SPARK_MODEL_REQUIREMENTS = ["pyspark==4.2.0", "pandas<3", "pyarrow==22.0.0", "vaderSentiment==3.3.2",
                            "socialake"]


@dataclass(frozen=True)
class Store:
    tracking_uri: str
    artifact_root: str

    def ui_command(self) -> str:
        return f"mlflow ui --backend-store-uri {self.tracking_uri} --workers 1 --host 127.0.0.1 --port 5000"


def store_for(cfg: Config) -> Store:
    """tracking.uri, else MLFLOW_TRACKING_URI, else sqlite:///<lake root>/_mlflow/mlflow.db."""
    uri = cfg.tracking.uri or os.environ.get("MLFLOW_TRACKING_URI")
    root = cfg.lake.root
    local_root = "://" not in root
    if uri is None:
        if not local_root:
            raise ConfigError(
                f"lake.root {root} is remote, so MLflow needs a tracking server: set tracking.uri "
                "(or MLFLOW_TRACKING_URI), e.g. http://mlflow:5000 or sqlite:////data/mlflow.db"
            )
        Path(root, "_mlflow").mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{root}/_mlflow/mlflow.db"
    artifacts = cfg.tracking.artifact_root or (Path(root, "_mlflow", "artifacts").as_uri() if local_root
                                               else f"{root}/_mlflow/artifacts")
    return Store(tracking_uri=uri, artifact_root=artifacts)


class Tracker:
    """A thin wrapper: one experiment, runs nested under a pipeline run, models registered
    under `<prefix>-<name>` with an alias for the version in production."""

    def __init__(self, cfg: Config) -> None:
        # Nothing leaves the machine: MLflow's usage telemetry is off unless the user turns it on.
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        import mlflow

        logging.getLogger("mlflow").setLevel(logging.WARNING)
        logging.getLogger("alembic").setLevel(logging.WARNING)
        self.store = store_for(cfg)
        self.experiment_name = cfg.tracking.experiment
        self.model_prefix = cfg.tracking.model_prefix
        self._mlflow = mlflow
        mlflow.set_tracking_uri(self.store.tracking_uri)
        mlflow.set_registry_uri(self.store.tracking_uri)
        self.client = mlflow.MlflowClient(self.store.tracking_uri, self.store.tracking_uri)
        experiment = self.client.get_experiment_by_name(self.experiment_name)
        self.experiment_id = (experiment.experiment_id if experiment is not None else
                              self.client.create_experiment(self.experiment_name,
                                                            artifact_location=self.store.artifact_root))

    @contextlib.contextmanager
    def run(self, name: str, *, tags: Mapping[str, str] | None = None, nested: bool = False) -> Iterator[Any]:
        with self._mlflow.start_run(experiment_id=self.experiment_id, run_name=name, nested=nested,
                                    tags=dict(tags or {})) as active:
            yield active

    def log_params(self, params: Mapping[str, Any]) -> None:
        self._mlflow.log_params({k: (v if isinstance(v, (int, float, str, bool)) else str(v))
                                 for k, v in params.items()})

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        self._mlflow.log_metrics({k: float(v) for k, v in metrics.items() if v is not None}, step=step)

    def log_dict(self, data: Any, artifact_file: str) -> None:
        self._mlflow.log_dict(data, artifact_file)

    def log_text(self, text: str, artifact_file: str) -> None:
        self._mlflow.log_text(text, artifact_file)

    def log_spark_model(self, model: Any, *, name: str, register: bool = True) -> str | None:
        """Log a Spark PipelineModel in the active run; register it as `<prefix>-<name>`.
        Returns the registered version (or None when not registered)."""
        registered = f"{self.model_prefix}-{name}" if register else None
        info = self._mlflow.spark.log_model(model, artifact_path=name, pip_requirements=SPARK_MODEL_REQUIREMENTS,
                                            registered_model_name=registered)
        return str(info.registered_model_version) if registered and info.registered_model_version else None

    def promote(self, name: str, version: str, alias: str = "production") -> None:
        self.client.set_registered_model_alias(f"{self.model_prefix}-{name}", alias, version)

    def production_version(self, name: str, alias: str = "production") -> tuple[str, str] | None:
        """(version, run id) of the model with `alias`, or None when there is none yet."""
        from mlflow.exceptions import MlflowException

        try:
            version = self.client.get_model_version_by_alias(f"{self.model_prefix}-{name}", alias)
        except MlflowException:
            return None
        return str(version.version), str(version.run_id)

    def load_spark_model(self, name: str, version: str) -> Any:
        return self._mlflow.spark.load_model(f"models:/{self.model_prefix}-{name}/{version}")

    def model_version_tags(self, name: str, version: str) -> dict[str, str]:
        return dict(self.client.get_model_version(f"{self.model_prefix}-{name}", version).tags)

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        self.client.set_model_version_tag(f"{self.model_prefix}-{name}", version, key, value)

    def registered_model_tags(self, name: str) -> dict[str, str]:
        """Tags of the registered model `<prefix>-<name>` ({} when it is not registered yet)."""
        from mlflow.exceptions import MlflowException

        try:
            return dict(self.client.get_registered_model(f"{self.model_prefix}-{name}").tags)
        except MlflowException:
            return {}

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        self.client.set_registered_model_tag(f"{self.model_prefix}-{name}", key, value)

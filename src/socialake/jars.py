"""The JVM jars of the cluster engines: pinned in conf/jars.yaml, fetched once into a local
cache, put on the classpath of local sessions and spark-submit from there.

Nothing is resolved when a session starts: `fetch()` (run by scripts/setup.sh) downloads each
pinned file from Maven Central and checks its sha256; sessions only look at the cache. When the
registry cannot be reached, set-up says so in one line and the embedded engines run instead.

    python -m socialake.jars fetch            # download what is missing, verify all
    python -m socialake.jars classpath delta  # comma-separated paths, for spark-submit --jars
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

JARS_DIR_VARIABLE = "SOCIALAKE_JARS_DIR"
REPOSITORY_VARIABLE = "SOCIALAKE_MAVEN_REPO"
LOCK_NAME = "jars.yaml"
FETCH_TIMEOUT_S = 60


class JarsError(RuntimeError):
    """The lock file is unusable or a fetched file does not match its pin."""


@dataclass(frozen=True)
class JarFile:
    path: str     # the Maven repository path, e.g. io/delta/delta-storage/4.4.0/delta-storage-4.4.0.jar
    sha256: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class JarGroup:
    name: str
    coordinates: str
    entry_class: str
    files: tuple[JarFile, ...]


@dataclass(frozen=True)
class JarLock:
    repository: str
    groups: dict[str, JarGroup]


def _project_root() -> Path | None:
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file() and (folder / "conf" / LOCK_NAME).is_file():
            return folder
    return None


def default_lock_path() -> Path:
    from socialake.config import default_conf_dir

    return default_conf_dir() / LOCK_NAME


def default_jars_dir() -> Path:
    """$SOCIALAKE_JARS_DIR, else <checkout>/.jars for a checkout or editable install, else
    ~/.cache/socialake/jars."""
    if os.environ.get(JARS_DIR_VARIABLE):
        return Path(os.environ[JARS_DIR_VARIABLE])
    root = _project_root()
    if root is not None:
        return root / ".jars"
    return Path.home() / ".cache" / "socialake" / "jars"


def load_lock(path: Path | None = None) -> JarLock:
    path = path or default_lock_path()
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise JarsError(f"cannot read the jar lock {path} ({exc.strerror}): restore conf/{LOCK_NAME}") from None
    try:
        groups = {
            name: JarGroup(
                name=name,
                coordinates=str(spec["coordinates"]),
                entry_class=str(spec["class"]),
                files=tuple(JarFile(path=str(f["path"]), sha256=str(f["sha256"]).lower()) for f in spec["files"]),
            )
            for name, spec in raw["groups"].items()
        }
        return JarLock(repository=str(raw["repository"]).rstrip("/"), groups=groups)
    except (KeyError, TypeError, AttributeError) as exc:
        raise JarsError(f"{path} is malformed (missing {exc}): each group needs coordinates, class and files") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_group(group: JarGroup, jars_dir: Path) -> list[Path] | None:
    """The group's files in the cache, or None when any is missing (checked by size > 0 only:
    files are verified when fetched, and a session start must stay instant)."""
    paths = [jars_dir / f.name for f in group.files]
    return paths if all(p.is_file() and p.stat().st_size > 0 for p in paths) else None


def cached_jars(groups: Sequence[str], *, lock: JarLock | None = None, jars_dir: Path | None = None) -> list[Path]:
    """Paths of the cached files of the named groups that are complete in the cache."""
    lock = lock or load_lock()
    jars_dir = jars_dir or default_jars_dir()
    found: list[Path] = []
    for name in groups:
        if name not in lock.groups:
            raise JarsError(f"unknown jar group {name!r}: use one of {', '.join(sorted(lock.groups))}")
        found += cached_group(lock.groups[name], jars_dir) or []
    return found


@dataclass(frozen=True)
class FetchReport:
    downloaded: list[str]
    present: list[str]
    seconds: float


def fetch(groups: Sequence[str] | None = None, *, lock: JarLock | None = None, jars_dir: Path | None = None,
          repository: str | None = None) -> FetchReport:
    """Download the missing files of `groups` (all by default) and verify every file's sha256.
    Raises OSError (urllib.error.URLError) when the repository cannot be reached and JarsError
    when a file does not match its pin (the bad download is not kept)."""
    lock = lock or load_lock()
    jars_dir = jars_dir or default_jars_dir()
    repository = (repository or os.environ.get(REPOSITORY_VARIABLE) or lock.repository).rstrip("/")
    jars_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    downloaded, present = [], []
    for name in groups or list(lock.groups):
        for jar in lock.groups[name].files:
            target = jars_dir / jar.name
            if target.is_file() and _sha256(target) == jar.sha256:
                present.append(jar.name)
                continue
            with tempfile.NamedTemporaryFile(dir=jars_dir, suffix=".part", delete=False) as part:
                tmp = Path(part.name)
                try:
                    with urllib.request.urlopen(f"{repository}/{jar.path}", timeout=FETCH_TIMEOUT_S) as response:
                        for block in iter(lambda: response.read(1 << 20), b""):
                            part.write(block)
                except BaseException:
                    tmp.unlink(missing_ok=True)
                    raise
            actual = _sha256(tmp)
            if actual != jar.sha256:
                tmp.unlink(missing_ok=True)
                raise JarsError(f"{jar.name} from {repository} has sha256 {actual}, not the pinned {jar.sha256}: "
                                "check SOCIALAKE_MAVEN_REPO, or update conf/jars.yaml deliberately")
            tmp.chmod(0o644)  # readable by Spark workers running as another user
            tmp.replace(target)
            downloaded.append(jar.name)
    return FetchReport(downloaded=downloaded, present=present, seconds=time.monotonic() - started)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m socialake.jars", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser("fetch", help="download the pinned jars that are missing from the cache")
    get.add_argument("groups", nargs="*", help="jar groups (default: all in conf/jars.yaml)")
    get.add_argument("--optional", action="store_true",
                     help="an unreachable registry is not an error: say so in one line and exit 0")
    path = sub.add_parser("classpath", help="comma-separated cached paths of the groups (for --jars)")
    path.add_argument("groups", nargs="+")
    args = parser.parse_args(argv)
    try:
        lock = load_lock()
        unknown = [g for g in args.groups if g not in lock.groups]
        if unknown:
            parser.exit(2, f"unknown jar group {unknown[0]!r}: use one of {', '.join(sorted(lock.groups))}\n")
        if args.command == "classpath":
            missing = [g for g in args.groups if cached_group(lock.groups[g], default_jars_dir()) is None]
            if missing:
                parser.exit(2, f"jar group {missing[0]} is not in {default_jars_dir()}: run python -m socialake.jars fetch\n")
            print(",".join(str(p) for p in cached_jars(args.groups, lock=lock)))
            return 0
        report = fetch(args.groups or None, lock=lock)
    except JarsError as exc:
        print(f"jars: {exc}", file=sys.stderr)
        return 2
    except urllib.error.HTTPError as exc:  # reached, but the file is not served
        line = f"jars: the Maven repository refused {exc.url} (HTTP {exc.code}); the embedded engines will run instead"
        print(line, file=sys.stderr)
        return 0 if args.optional else 1
    except OSError as exc:  # URLError, timeouts, refused connections
        reason = getattr(exc, "reason", exc)
        line = f"jars: Maven Central cannot be reached ({reason}); the embedded engines will run instead"
        print(line, file=sys.stderr)
        return 0 if args.optional else 1
    if report.downloaded:
        print(f"jars: fetched {len(report.downloaded)} file(s) into {default_jars_dir()} in {report.seconds:.1f} s",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

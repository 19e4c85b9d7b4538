#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine: Java 17 (Spark 4 needs it), a virtual
# environment in .venv with socialake and its pinned dependencies. Sourced by demo.sh and
# test.sh; safe to run again (it only reinstalls when pyproject.toml changed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SOCIALAKE_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

say() { printf 'setup: %s\n' "$*" >&2; }

java_major() {
  command -v java >/dev/null 2>&1 || { echo 0; return; }
  java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

# A JDK, not only a runtime: `socialake serve` compiles two small JVM classes (serving/jvm).
if [ "$(java_major)" -lt 17 ] || ! command -v javac >/dev/null 2>&1; then
  say "a Java 17+ JDK not found; installing OpenJDK (Spark 4 runs on Java 17 or 21)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless \
      || $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-21-jdk-headless
  else
    say "no apt-get here: install a Java 17 JDK yourself and put 'java' and 'javac' on the PATH"; exit 2
  fi
fi

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  say "socialake needs Python >= 3.10 (found: $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11"; exit 2
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PYTHON" -m venv "$VENV" || { say "python venv failed: apt-get install python3-venv, then re-run"; exit 2; }
fi

STAMP="$VENV/.socialake-installed"
WANT="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  say "installing socialake and its pinned dependencies into $VENV (first time: a few minutes)"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e "$ROOT[test]"
  echo "$WANT" > "$STAMP"
fi

# The cluster engines' jars (conf/jars.yaml), fetched once into .jars/ and verified by sha256;
# sessions use the cached files and never resolve anything at start-up. Without Maven Central
# this says so in one line and the embedded engines run. SOCIALAKE_REQUIRE_JARS=1 (CI) makes a
# failed fetch an error instead, so a missing jar cannot silently skip the delta-spark tests.
export SOCIALAKE_JARS_DIR="${SOCIALAKE_JARS_DIR:-$ROOT/.jars}"
if ! "$VENV/bin/python" -m socialake.jars classpath delta kafka >/dev/null 2>&1; then
  if [ "${SOCIALAKE_REQUIRE_JARS:-0}" = "1" ]; then
    "$VENV/bin/python" -m socialake.jars fetch || { say "the pinned jars could not be fetched (SOCIALAKE_REQUIRE_JARS=1)"; exit 1; }
  else
    "$VENV/bin/python" -m socialake.jars fetch --optional
  fi
fi

# The SQL endpoint's read-only guard and password check (socialake serve), compiled once
# against pyspark's jars into the jar cache; rebuilt only when their sources change.
"$VENV/bin/python" -c "from socialake.jars import default_jars_dir; from socialake.serving.sql import build_jar; build_jar(default_jars_dir())" \
  || { say "compiling the socialake serve classes failed (see above)"; exit 1; }

# Spark's Python workers must run this interpreter; bind Spark to loopback on one machine.
export PYSPARK_PYTHON="$VENV/bin/python"
export PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export PATH="$VENV/bin:$PATH"

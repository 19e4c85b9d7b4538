# socialake: the package plus a Java 17 JDK (the SQL endpoint's two classes are compiled at build),
# ready for spark-submit or the CLI.
#   docker build -t socialake .
#   docker run --rm -v "$PWD/lake:/app/lake" socialake demo
#   SQL endpoint: inside a container it must listen on 0.0.0.0, which needs a users file:
#   docker run --rm -p 127.0.0.1:10000:10000 -v "$PWD/lake:/app/lake" -v "$PWD/users:/app/users:ro" \
#     socialake serve --host 0.0.0.0 --users-file /app/users
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless procps \
 && rm -rf /var/lib/apt/lists/*

ENV PYSPARK_PYTHON=/usr/local/bin/python \
    PYSPARK_DRIVER_PYTHON=/usr/local/bin/python \
    PYTHONUNBUFFERED=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir .
COPY conf ./conf
COPY jobs ./jobs
ENV SOCIALAKE_CONF_DIR=/app/conf \
    SOCIALAKE_JARS_DIR=/opt/socialake/jars
# The cluster engines' jars, pinned and checked by sha256 (conf/jars.yaml), baked into the image:
# sessions find them in SOCIALAKE_JARS_DIR; spark-submit takes
#   --jars $(python -m socialake.jars classpath delta)
# A build without Maven Central fails here rather than shipping an image without them.
RUN python -m socialake.jars fetch && python -m socialake.jars classpath delta kafka \
 && python -c "from socialake.jars import default_jars_dir; from socialake.serving.sql import build_jar; print(build_jar(default_jars_dir()))"
EXPOSE 10000

ENTRYPOINT ["socialake"]
CMD ["--help"]

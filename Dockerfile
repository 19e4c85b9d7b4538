# socialake: the package plus a Java 17 runtime, ready for spark-submit or the CLI.
#   docker build -t socialake .
#   docker run --rm -v "$PWD/lake:/app/lake" socialake demo
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless procps \
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
ENV SOCIALAKE_CONF_DIR=/app/conf

ENTRYPOINT ["socialake"]
CMD ["--help"]

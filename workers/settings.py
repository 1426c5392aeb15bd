"""The one settings object, read once, in the shell.

Every field can be set from the environment with the ``DOCPIPE_`` prefix; nested sections
use ``__``: ``DOCPIPE_REDIS_URL``, ``DOCPIPE_STORAGE__ENDPOINT``, ``DOCPIPE_WORKER__CONCURRENCY``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StorageSettings(BaseModel):
    """S3-compatible object store (MinIO in production, SeaweedFS locally)."""

    endpoint: str = "127.0.0.1:8333"
    access_key: str = "docpipe"
    secret_key: str = "docpipe-secret"
    secure: bool = False
    region: str | None = None
    inbox_bucket: str = "docpipe-inbox"
    processed_bucket: str = "docpipe-processed"
    failed_bucket: str = "docpipe-failed"


class PublishSettings(BaseModel):
    """Where outcomes are announced. ``url`` empty means: the Redis at ``redis_url``."""

    url: str = ""
    exchange: str = "docpipe.events"


class WorkerSettings(BaseModel):
    """Celery worker behaviour."""

    concurrency: int = 2
    #: Task events for Flower (``-E``); off saves ~3 ms of CPU per document (Flower then asks for them).
    events: bool = True
    visibility_timeout: int = 3600
    task_time_limit: int = 300
    max_retries: int = 5
    retry_backoff_max: int = 300
    dead_letter_ttl: int = 3600


class IntakeSettings(BaseModel):
    """Event intake: webhook endpoint, SeaweedFS metadata stream, reconciler, drop folder."""

    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8089
    webhook_token: str = "change-me"
    filer_grpc: str = "127.0.0.1:18888"
    minio_listen: bool = False
    reconcile_interval: float = 30.0
    drop_enabled: bool = True
    drop_dir: Path = Path(".docpipe/drop")
    drop_stable_seconds: float = 2.0
    drop_poll_interval: float = 1.0


class Settings(BaseSettings):
    """Root settings; see the README's environment table."""

    model_config = SettingsConfigDict(env_prefix="DOCPIPE_", env_nested_delimiter="__", extra="ignore")

    redis_url: str = "redis://127.0.0.1:6379/0"
    broker_url: str = Field("", description="Celery broker; empty means redis_url")
    data_dir: Path = Path(".docpipe")
    ledger_prefix: str = "docpipe:"
    storage: StorageSettings = StorageSettings()
    publish: PublishSettings = PublishSettings()
    worker: WorkerSettings = WorkerSettings()
    intake: IntakeSettings = IntakeSettings()

    @property
    def effective_broker_url(self) -> str:
        return self.broker_url or self.redis_url

    @property
    def effective_publish_url(self) -> str:
        return self.publish.url or self.redis_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()

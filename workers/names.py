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
#: Routing keys of the outcome events, by outcome.
ROUTING_KEYS: Final[dict[str, str]] = {o: f"document.{o}" for o in ("processed", "failed", "duplicate")}
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
CHECKPOINTS: Final = "checkpoints"
TABLES: Final = (DOCUMENTS, UPLOADS, ATTEMPTS, FAILURES, OUTPUTS, EVENTS, CITATIONS, OPERATOR_ACTIONS, CHECKPOINTS)

#: Output kinds in ``outputs.kind``: the JSON contract now; Akoma Ntoso and BagIt come later.
OUTPUT_JSON: Final = "json"


def routing_key(outcome: Outcome) -> str:
    """``document.<outcome>``."""
    return ROUTING_KEYS[outcome]


def output_key(doc_id: str) -> str:
    """Where a document's JSON output lives in the processed bucket."""
    return f"{doc_id}/document.json"


def checkpoint_name(bucket: str) -> str:
    """The catalog checkpoint of the SeaweedFS subscriber for one inbox bucket."""
    return f"seaweedfs:{bucket}"

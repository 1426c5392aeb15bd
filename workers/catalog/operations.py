"""``Operations``: what an operator may ask of the pipeline, recorded in the catalog.

- ``retry(upload)``: a failed upload runs again (the same object version, from the inbox).
- ``retry_code(code)``: every upload whose current failure has that code.
- ``reprocess(doc)``: a document runs again through the core although its content and pipeline
  version are known (after a pipeline upgrade): its owning upload (or, for a failed document, its
  latest upload) is put back to ``queued``.

Each action is a row of ``operator_actions`` (actor, time, the upload and document) written in the
same transaction that puts the upload back: the upload's ``pending_action`` points at it, and the
catalog's trigger sets ``done_at`` and ``outcome`` when the upload is finished again (migration
0002). A retried upload's failure row moves to ``failure_history``: the first failure stays on
record. The task is then sent by name, like the intake's; if the broker refuses it the upload
stays ``queued`` and the intake's stale sweep sends it later (events are hints, the catalog decides).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from workers.catalog.catalog import Catalog

#: Sends one ``docpipe.process`` task for an object-event payload; returns the task id.
SendTask = Callable[[dict[str, Any]], str]
#: Upload states an operator may send through the pipeline again.
RETRYABLE_STATES = frozenset({"failed"})
REPROCESSABLE_STATES = frozenset({"published", "failed", "duplicate"})


def send_process_task(app: Any, payload: dict[str, Any]) -> str:
    """One ``docpipe.process`` task for an object-event payload, sent by name like the intake's."""
    from workers.names import PROCESS_QUEUE, PROCESS_TASK

    args = [payload]
    result = app.send_task(PROCESS_TASK, args=args, queue=PROCESS_QUEUE, argsrepr=repr(args), kwargsrepr="{}")
    return str(result.id)


class ActionRefusedError(Exception):
    """The action does not apply (unknown id, an upload not failed, work still in flight)."""


@dataclass(frozen=True, slots=True)
class ActionResult:
    """One recorded action and the task it sent (``task_id`` empty: left to the intake's sweep)."""

    action_id: int
    action: str
    upload_id: int
    doc_id: str | None
    key: str
    task_id: str


class Operations:
    """Retry and reprocess over one ``Catalog``; ``send`` puts a task on the queue.

    Args:
        inbox: The inbox bucket: only its uploads are sent again (a task for another bucket is refused
            by the worker). None: any bucket.
    """

    def __init__(self, catalog: Catalog, send: SendTask, *, inbox: str | None = None) -> None:
        self.catalog = catalog
        self.send = send
        self.inbox = inbox

    @classmethod
    def from_settings(cls, settings: Any, catalog: Catalog) -> Operations:
        """Tasks sent through a Celery client app made from ``settings`` (on first use)."""
        apps: list[Any] = []

        def send(payload: dict[str, Any]) -> str:
            from workers.broker.app import create_app

            if not apps:
                apps.append(create_app(settings, worker=False))
            return send_process_task(apps[0], payload)

        return cls(catalog, send, inbox=settings.storage.inbox_bucket)

    # -- the actions -------------------------------------------------------------------------------
    def retry(self, target: str, actor: str, *, note: str = "") -> ActionResult:
        """Retry one failed upload: ``target`` is an upload id, or a document id (or unique prefix)
        whose latest upload failed."""
        upload_id = self._upload_of(target, RETRYABLE_STATES)
        return self._rerun("retry", upload_id, actor, note, RETRYABLE_STATES)

    def retry_code(self, code: str, actor: str) -> list[ActionResult]:
        """Retry every upload whose current failure has ``code``; one action each."""
        rows = self.catalog.rows(
            "failures of a code",
            "SELECT f.upload_id FROM failures f JOIN uploads u USING (upload_id) "
            "WHERE f.code = %s AND u.state = 'failed' AND (%s::text IS NULL OR u.bucket = %s) ORDER BY f.failed_at",
            (code, self.inbox, self.inbox),
        )
        done = []
        for row in rows:
            try:
                done.append(self._rerun("retry", int(row["upload_id"]), actor, f"code={code}", RETRYABLE_STATES))
            except ActionRefusedError:
                continue  # retried by someone else meanwhile
        return done

    def reprocess(self, doc: str, actor: str, *, note: str = "") -> ActionResult:
        """Run a document through the core again (its owning upload, else its latest one)."""
        found = self._document(doc)
        if found is None:
            raise ActionRefusedError(f"no document {doc!r} (give its id or a unique prefix)")
        upload_id = found["owner_upload"] or found["latest_upload"]
        if upload_id is None:
            raise ActionRefusedError(f"document {found['doc_id'][:12]} has no upload to run again")
        return self._rerun("reprocess", int(upload_id), actor, note, REPROCESSABLE_STATES)

    def actions(self, limit: int = 50, doc_id: str | None = None) -> list[dict[str, Any]]:
        """The latest actions (of one document), newest first."""
        return self.catalog.rows(
            "operator actions",
            "SELECT a.*, u.key, u.state AS upload_state FROM operator_actions a "
            "LEFT JOIN uploads u ON u.upload_id = a.upload_id "
            "WHERE %s::text IS NULL OR a.doc_id = %s ORDER BY a.requested_at DESC, a.action_id DESC LIMIT %s",
            (doc_id, doc_id, limit),
        )

    # -- helpers -----------------------------------------------------------------------------------
    def _document(self, doc: str) -> dict[str, Any] | None:
        prefix = doc.strip().lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            return None
        rows = self.catalog.rows(
            "document",
            "SELECT d.doc_id, d.owner_upload, (SELECT max(u.upload_id) FROM uploads u WHERE u.doc_id = d.doc_id) "
            "AS latest_upload FROM documents d WHERE d.doc_id LIKE %s LIMIT 2",
            (prefix + "%",),
        )
        return rows[0] if len(rows) == 1 else None

    def _upload_of(self, target: str, states: frozenset[str]) -> int:
        text = target.strip()
        if text.isdigit() and len(text) < 19:
            return int(text)
        found = self._document(text)
        if found is None:
            raise ActionRefusedError(f"no upload or document {target!r}")
        row = self.catalog.row(
            "upload of a document",
            "SELECT upload_id FROM uploads WHERE doc_id = %s AND state = ANY(%s) ORDER BY upload_id DESC LIMIT 1",
            (found["doc_id"], sorted(states)),
        )
        if row is None:
            raise ActionRefusedError(f"document {found['doc_id'][:12]} has no upload in state {'/'.join(states)}")
        return int(row["upload_id"])

    def _rerun(self, action: str, upload_id: int, actor: str, note: str, states: frozenset[str]) -> ActionResult:
        """Record the action, move the failure to history, requeue the upload (one transaction); send."""
        if not actor:
            raise ActionRefusedError("an action needs an actor")
        with self.catalog.transaction(action) as conn:
            upload = conn.execute(
                "SELECT upload_id, bucket, key, etag, size, state, doc_id, pending_action FROM uploads "
                "WHERE upload_id = %s FOR UPDATE",
                (upload_id,),
            ).fetchone()
            if upload is None:
                raise ActionRefusedError(f"no upload {upload_id}")
            if self.inbox is not None and upload["bucket"] != self.inbox:
                raise ActionRefusedError(f"upload {upload_id} is in {upload['bucket']!r}, not the inbox {self.inbox!r}")
            if upload["state"] not in states:
                raise ActionRefusedError(
                    f"upload {upload_id} is {upload['state']}: {action} applies to {'/'.join(sorted(states))}"
                )
            code_row = conn.execute("SELECT code FROM failures WHERE upload_id = %s", (upload_id,)).fetchone()
            action_row = conn.execute(
                "INSERT INTO operator_actions (action, doc_id, upload_id, actor, note, code) "
                "VALUES (%s, %s, %s, %s, %s, %s) RETURNING action_id",
                (action, upload["doc_id"], upload_id, actor[:200], note[:500] or None, code_row and code_row["code"]),
            ).fetchone()
            assert action_row is not None
            action_id = int(action_row["action_id"])
            _archive_failure(conn, upload_id, action_id)
            conn.execute(
                "UPDATE uploads SET state = 'queued', task_id = NULL, claim_until = NULL, done_at = NULL, "
                "duplicate_of = NULL, attempt_base = attempts, pending_action = %s, queued_at = now(), "
                "updated_at = now() WHERE upload_id = %s",
                (action_id, upload_id),
            )
        payload = {
            "bucket": upload["bucket"],
            "key": upload["key"],
            "etag": upload["etag"],
            "size": upload["size"],
            "source": "cli",
        }
        try:
            task_id = self.send(payload)
        except Exception as exc:  # the upload is queued: the intake's stale sweep sends it later
            self.catalog.row(
                "action note",
                "UPDATE operator_actions SET note = concat_ws('; ', note, %s::text) WHERE action_id = %s RETURNING 1",
                (f"task not sent: {type(exc).__name__}", action_id),
            )
            task_id = ""
        return ActionResult(action_id, action, upload_id, upload["doc_id"], str(upload["key"]), task_id)


def _archive_failure(conn: psycopg.Connection[Any], upload_id: int, action_id: int) -> None:
    """Move the upload's current failure to ``failure_history`` (kept; ``failures`` is freed)."""
    conn.execute(
        "INSERT INTO failure_history (upload_id, action_id, doc_id, code, reason, dead_letter, task_id, "
        "pipeline_version, failed_at, record_bucket, record_key, record) "
        "SELECT upload_id, %s, doc_id, code, reason, dead_letter, task_id, pipeline_version, failed_at, "
        "record_bucket, record_key, record FROM failures WHERE upload_id = %s "
        "ON CONFLICT (upload_id, failed_at) DO NOTHING",
        (action_id, upload_id),
    )
    conn.execute("DELETE FROM failures WHERE upload_id = %s", (upload_id,))

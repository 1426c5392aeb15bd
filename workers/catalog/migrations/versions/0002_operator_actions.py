"""Operators' retry and reprocess; the dashboard's indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

An operator action (``workers.catalog.operations``) puts a finished upload back to ``queued`` and
sends its task again. Three things make that safe without touching the task:

- ``uploads.attempt_base``: the attempts made before the action. ``docpipe_begin`` now reports the
  attempts since then, so a retried upload is not refused as ``too_many_attempts`` and its first
  new attempt rewrites the output (a pipeline upgrade's reprocess runs the core again rather than
  reusing what an interrupted attempt may have stored). The attempt numbers keep counting up.
- ``failure_history``: the failure row of a retried upload moves here (``failures`` keeps one row
  per upload, the current failure), so a retry that fails again is recorded too and the first
  failure is never lost.
- ``uploads.pending_action`` and a trigger: when the upload reaches a terminal state the action
  gets its ``done_at`` and ``outcome``, whichever code path (task, reconciler) finished it.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = """
ALTER TABLE uploads ADD COLUMN attempt_base integer NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN pending_action bigint REFERENCES operator_actions (action_id);
ALTER TABLE operator_actions ADD COLUMN outcome text;
ALTER TABLE operator_actions ADD COLUMN code text;

CREATE TABLE failure_history (
    upload_id        bigint NOT NULL REFERENCES uploads (upload_id),
    action_id        bigint REFERENCES operator_actions (action_id),
    doc_id           text,
    code             text NOT NULL,
    reason           text NOT NULL,
    dead_letter      boolean NOT NULL,
    task_id          text,
    pipeline_version text,
    failed_at        timestamptz NOT NULL,
    record_bucket    text NOT NULL,
    record_key       text NOT NULL,
    record           jsonb NOT NULL,
    archived_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (upload_id, failed_at)
);

CREATE INDEX operator_actions_recent ON operator_actions (requested_at DESC);
CREATE INDEX operator_actions_doc ON operator_actions (doc_id, requested_at DESC);
-- the dashboard: the documents list (newest first, by state), its searches, the overview's series
CREATE INDEX documents_received ON documents (received_at DESC);
CREATE INDEX documents_published ON documents (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX documents_symbol_prefix ON documents (lower(symbol) text_pattern_ops);
CREATE INDEX uploads_key_prefix ON uploads (lower(key) text_pattern_ops);
CREATE INDEX uploads_queued ON uploads (queued_at);
CREATE INDEX uploads_done ON uploads (done_at) WHERE done_at IS NOT NULL;
CREATE INDEX events_recent ON events (created_at);
CREATE INDEX failures_doc ON failures (doc_id);
CREATE INDEX attempts_upload ON attempts (upload_id, number DESC);
"""

FUNCTIONS = r"""
-- An operator's action is done when its upload reaches a terminal state again.
CREATE FUNCTION docpipe_action_done() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE operator_actions SET done_at = now(), outcome = NEW.state WHERE action_id = NEW.pending_action;
    NEW.pending_action := NULL;
    RETURN NEW;
END $$;

CREATE TRIGGER uploads_action_done BEFORE UPDATE OF state ON uploads
FOR EACH ROW WHEN (NEW.pending_action IS NOT NULL
                   AND NEW.state IN ('published', 'duplicate', 'failed', 'superseded')
                   AND NEW.state IS DISTINCT FROM OLD.state)
EXECUTE FUNCTION docpipe_action_done();

-- As in 0001, except that ``attempts`` counts from the last operator action (``attempt_base``).
CREATE OR REPLACE FUNCTION docpipe_begin(p_bucket text, p_key text, p_etag text, p_task text, claim_s double precision,
                              p_worker text, p_doc text, p_size bigint,
                              OUT status text, OUT attempts integer, OUT upload_id bigint,
                              OUT state text, OUT doc_id text, OUT event json, OUT owner bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE u uploads%ROWTYPE; n integer;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO uploads (bucket, key, etag, source, state) VALUES (p_bucket, p_key, p_etag, 'task', 'queued')
    ON CONFLICT ON CONSTRAINT uploads_bucket_key_etag_key DO NOTHING;
    SELECT * INTO u FROM uploads AS x WHERE x.bucket = p_bucket AND x.key = p_key AND x.etag = p_etag FOR UPDATE;
    upload_id := u.upload_id; state := u.state; doc_id := u.doc_id; attempts := u.attempts - u.attempt_base;
    IF u.state IN ('processed', 'published', 'duplicate', 'failed', 'superseded') THEN
        status := 'done';
        SELECT e.body INTO event FROM events e WHERE e.upload_id = u.upload_id AND e.published_at IS NULL
        ORDER BY e.created_at DESC LIMIT 1;
        RETURN;
    END IF;
    IF u.task_id IS NOT NULL AND u.task_id <> p_task AND u.claim_until > now() THEN
        status := 'in_flight';
        RETURN;
    END IF;
    UPDATE uploads AS x SET state = 'processing', task_id = p_task,
                       claim_until = now() + make_interval(secs => claim_s),
                       attempts = x.attempts + 1, started_at = now(), updated_at = now()
    WHERE x.upload_id = u.upload_id RETURNING x.attempts INTO n;
    attempts := n - u.attempt_base;
    UPDATE attempts AS a SET finished_at = now(), outcome = 'interrupted'
    WHERE a.upload_id = u.upload_id AND a.finished_at IS NULL;
    INSERT INTO attempts AS a (upload_id, number, task_id, worker) VALUES (u.upload_id, n, p_task, p_worker);
    status := 'started'; state := 'processing';
    IF p_doc IS NOT NULL THEN
        owner := docpipe_receive(u.upload_id, p_doc, p_size);
        doc_id := p_doc;
    END IF;
END $$;
"""

#: 0001's ``docpipe_begin``, restored by the downgrade.
_BEGIN_0001 = (
    FUNCTIONS.split("CREATE OR REPLACE FUNCTION docpipe_begin", 1)[1]
    .replace("attempts := u.attempts - u.attempt_base;", "attempts := u.attempts;")
    .replace("attempts := n - u.attempt_base;", "attempts := n;")
)


def upgrade() -> None:
    op.execute(SCHEMA)
    op.execute(FUNCTIONS)


def downgrade() -> None:
    op.execute("CREATE OR REPLACE FUNCTION docpipe_begin" + _BEGIN_0001)
    op.execute(
        "DROP TRIGGER IF EXISTS uploads_action_done ON uploads; DROP FUNCTION IF EXISTS docpipe_action_done;"
        "DROP TABLE IF EXISTS failure_history;"
        "DROP INDEX IF EXISTS operator_actions_recent, operator_actions_doc, documents_received, documents_published,"
        " documents_symbol_prefix, uploads_key_prefix, uploads_queued, uploads_done, events_recent, failures_doc,"
        " attempts_upload;"
        "ALTER TABLE uploads DROP COLUMN IF EXISTS pending_action, DROP COLUMN IF EXISTS attempt_base;"
        "ALTER TABLE operator_actions DROP COLUMN IF EXISTS outcome, DROP COLUMN IF EXISTS code;"
    )

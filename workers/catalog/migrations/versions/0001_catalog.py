"""The catalog: documents, uploads, attempts, failures, outputs, events, citations, operator actions.

Revision ID: 0001
Revises:
Create Date: 2026-12-01

One row per upload (an object version: bucket, key, ETag) and per document (content: sha256).
The hot path is one function call per step (``docpipe_reserve`` in the intake; ``docpipe_begin``,
``docpipe_receive``, ``docpipe_processed``, ``docpipe_published`` in the task), each a single
round trip and a single transaction, as the Redis scripts of the old ledger were. The first three
commit without waiting for the WAL flush (``synchronous_commit`` off for them alone): what they
record is redone by a redelivery if PostgreSQL crashes before the next step's commit, which flushes
them with it; the outcomes (``processed``, ``published``, failures) wait for the flush.

Failures: one row per upload (``failures.upload_id`` is the key, inserted with ``ON CONFLICT DO
NOTHING``), so a later failure never overwrites the first record.
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE documents (
    doc_id           text PRIMARY KEY CHECK (doc_id ~ '^[0-9a-f]{64}$'),
    size             bigint NOT NULL,
    state            text NOT NULL DEFAULT 'received'
                     CHECK (state IN ('received', 'processing', 'processed', 'published', 'failed')),
    owner_upload     bigint,
    pipeline_version text,
    doc_type         text,
    symbol           text,
    body             text,
    language         text,
    session          integer,
    title            text,
    adopted_on       date,
    meta             jsonb,
    segments         integer,
    entities         integer,
    warnings         integer,
    received_at      timestamptz NOT NULL DEFAULT now(),
    published_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_symbol ON documents (symbol);
CREATE INDEX documents_state ON documents (state, updated_at DESC);
CREATE INDEX documents_filters ON documents (body, language, adopted_on);

CREATE TABLE uploads (
    upload_id    bigserial PRIMARY KEY,
    bucket       text NOT NULL,
    key          text NOT NULL,
    etag         text NOT NULL,
    source       text,
    size         bigint,
    state        text NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'processing', 'processed', 'published', 'duplicate', 'failed',
                                  'superseded')),
    doc_id       text REFERENCES documents (doc_id),
    duplicate_of bigint REFERENCES uploads (upload_id),
    attempts     integer NOT NULL DEFAULT 0,
    task_id      text,
    claim_until  timestamptz,
    etag_now     text,
    queued_at    timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    done_at      timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (bucket, key, etag)
);
CREATE INDEX uploads_recent ON uploads (updated_at DESC);
CREATE INDEX uploads_doc ON uploads (doc_id);
CREATE INDEX uploads_pending ON uploads (updated_at) WHERE state IN ('queued', 'processing');
ALTER TABLE documents ADD CONSTRAINT documents_owner FOREIGN KEY (owner_upload) REFERENCES uploads (upload_id);

CREATE TABLE attempts (
    attempt_id  bigserial PRIMARY KEY,
    upload_id   bigint NOT NULL REFERENCES uploads (upload_id),
    number      integer NOT NULL,
    task_id     text NOT NULL,
    worker      text,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome     text,
    timings     jsonb NOT NULL DEFAULT '{}',
    UNIQUE (upload_id, number)
);

CREATE TABLE failures (
    upload_id         bigint PRIMARY KEY REFERENCES uploads (upload_id),
    doc_id            text REFERENCES documents (doc_id),
    code              text NOT NULL,
    reason            text NOT NULL,
    dead_letter       boolean NOT NULL DEFAULT false,
    task_id           text,
    pipeline_version  text,
    failed_at         timestamptz NOT NULL DEFAULT now(),
    record_bucket     text NOT NULL,
    record_key        text NOT NULL,
    record            jsonb NOT NULL,
    record_written_at timestamptz
);
CREATE INDEX failures_code ON failures (code, failed_at DESC);
CREATE INDEX failures_unwritten ON failures (failed_at) WHERE record_written_at IS NULL;

CREATE TABLE outputs (
    doc_id           text NOT NULL REFERENCES documents (doc_id),
    kind             text NOT NULL,
    pipeline_version text NOT NULL,
    bucket           text NOT NULL,
    key              text NOT NULL,
    upload_id        bigint REFERENCES uploads (upload_id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (doc_id, kind, pipeline_version)
);

CREATE TABLE events (
    event_id     uuid PRIMARY KEY,
    upload_id    bigint REFERENCES uploads (upload_id),
    doc_id       text,
    routing_key  text NOT NULL,
    body         json NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX events_upload ON events (upload_id);
CREATE INDEX events_unpublished ON events (created_at) WHERE published_at IS NULL;

CREATE TABLE citations (
    doc_id       text NOT NULL REFERENCES documents (doc_id) ON DELETE CASCADE,
    cited_symbol text NOT NULL,
    kind         text NOT NULL,
    occurrences  integer NOT NULL DEFAULT 1,
    PRIMARY KEY (doc_id, cited_symbol)
);
CREATE INDEX citations_cited ON citations (cited_symbol);

CREATE TABLE operator_actions (
    action_id    bigserial PRIMARY KEY,
    action       text NOT NULL CHECK (action IN ('retry', 'reprocess')),
    doc_id       text REFERENCES documents (doc_id),
    upload_id    bigint REFERENCES uploads (upload_id),
    actor        text NOT NULL,
    note         text,
    requested_at timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz
);

CREATE TABLE checkpoints (
    name       text PRIMARY KEY,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""

FUNCTIONS = r"""
-- Intake: reserve an upload for enqueueing. NULL = send a task; otherwise the known state.
-- A queued, processing or processed upload untouched for stale_s (its message was lost: a broker
-- restart; for a processed one, with its outcome event unsent) and a dead-lettered failure older
-- than retry_s are reserved again: the new task finishes the job (a processed upload's task only
-- sends the stored event).
CREATE FUNCTION docpipe_reserve(p_bucket text, p_key text, p_etag text, p_source text, p_size bigint,
                                stale_s double precision, retry_s double precision) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE u uploads%ROWTYPE;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO uploads (bucket, key, etag, source, size) VALUES (p_bucket, p_key, p_etag, p_source, p_size)
    ON CONFLICT (bucket, key, etag) DO NOTHING;
    IF FOUND THEN RETURN NULL; END IF;
    SELECT * INTO u FROM uploads WHERE bucket = p_bucket AND key = p_key AND etag = p_etag FOR UPDATE;
    IF (u.state IN ('queued', 'processed') AND u.updated_at < now() - make_interval(secs => stale_s))
       OR (u.state = 'processing' AND coalesce(u.claim_until, u.updated_at) < now()
           AND u.updated_at < now() - make_interval(secs => stale_s))
       OR (u.state = 'failed' AND u.done_at < now() - make_interval(secs => retry_s)
           AND EXISTS (SELECT 1 FROM failures f WHERE f.upload_id = u.upload_id AND f.dead_letter)) THEN
        UPDATE uploads SET state = CASE WHEN u.state = 'processed' THEN 'processed' ELSE 'queued' END,
                           source = p_source, queued_at = now(), updated_at = now(), task_id = NULL, claim_until = NULL
        WHERE upload_id = u.upload_id;
        RETURN NULL;
    END IF;
    RETURN u.state;
END $$;

-- A task begins: 'done' (finished; with its unpublished event, if any), 'in_flight' (another
-- task's live claim) or 'started' (claim taken, attempt counted and recorded). With the bytes'
-- id (p_doc, already read), 'started' also does what docpipe_receive does, in the same round trip.
CREATE FUNCTION docpipe_begin(p_bucket text, p_key text, p_etag text, p_task text, claim_s double precision,
                              p_worker text, p_doc text, p_size bigint,
                              OUT status text, OUT attempts integer, OUT upload_id bigint,
                              OUT state text, OUT doc_id text, OUT event json, OUT owner bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE u uploads%ROWTYPE;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO uploads (bucket, key, etag, source, state) VALUES (p_bucket, p_key, p_etag, 'task', 'queued')
    ON CONFLICT ON CONSTRAINT uploads_bucket_key_etag_key DO NOTHING;
    SELECT * INTO u FROM uploads AS x WHERE x.bucket = p_bucket AND x.key = p_key AND x.etag = p_etag FOR UPDATE;
    upload_id := u.upload_id; state := u.state; doc_id := u.doc_id; attempts := u.attempts;
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
    WHERE x.upload_id = u.upload_id RETURNING x.attempts INTO attempts;
    -- an attempt still open belongs to a worker that died (or a hard time limit): close it as such
    UPDATE attempts AS a SET finished_at = now(), outcome = 'interrupted'
    WHERE a.upload_id = u.upload_id AND a.finished_at IS NULL;
    INSERT INTO attempts AS a (upload_id, number, task_id, worker) VALUES (u.upload_id, attempts, p_task, p_worker);
    status := 'started'; state := 'processing';
    IF p_doc IS NOT NULL THEN
        owner := docpipe_receive(u.upload_id, p_doc, p_size);
        doc_id := p_doc;
    END IF;
END $$;

-- The bytes were read: the document exists, and its output is this upload's unless another upload
-- already has it (first reader owns; a failure gives it up): returns that other upload, or NULL.
CREATE FUNCTION docpipe_receive(p_upload bigint, p_doc text, p_size bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE o bigint;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO documents (doc_id, size) VALUES (p_doc, p_size) ON CONFLICT (doc_id) DO NOTHING;
    UPDATE uploads SET doc_id = p_doc, size = p_size, updated_at = now() WHERE upload_id = p_upload;
    UPDATE documents SET owner_upload = p_upload, updated_at = now(),
                         state = CASE WHEN state = 'published' THEN state ELSE 'processing' END
    WHERE doc_id = p_doc AND owner_upload IS NULL;
    SELECT owner_upload INTO o FROM documents WHERE doc_id = p_doc;
    IF o <> p_upload THEN RETURN o; END IF;
    RETURN NULL;
END $$;

-- The output is stored: document meta, output location, citations and the outbox event, at once.
CREATE FUNCTION docpipe_processed(p_upload bigint, p_doc text, p_meta jsonb, p_counts integer[],
                                  p_version text, p_bucket text, p_key text, p_kind text,
                                  p_citations jsonb, p_event uuid, p_routing text, p_body jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents SET state = 'processed', pipeline_version = p_version, meta = p_meta,
        doc_type = p_meta ->> 'doc_type', symbol = p_meta ->> 'symbol', body = p_meta ->> 'body',
        language = p_meta ->> 'language', session = (p_meta ->> 'session')::integer, title = p_meta ->> 'title',
        adopted_on = CASE WHEN p_meta ->> 'adopted_on' ~ '^\d{4}-\d{2}-\d{2}$' THEN (p_meta ->> 'adopted_on')::date END,
        segments = p_counts[1], entities = p_counts[2], warnings = p_counts[3], updated_at = now()
    WHERE doc_id = p_doc;
    INSERT INTO outputs (doc_id, kind, pipeline_version, bucket, key, upload_id)
    VALUES (p_doc, p_kind, p_version, p_bucket, p_key, p_upload)
    ON CONFLICT (doc_id, kind, pipeline_version) DO UPDATE SET bucket = EXCLUDED.bucket, key = EXCLUDED.key,
        upload_id = EXCLUDED.upload_id, created_at = now();
    DELETE FROM citations WHERE doc_id = p_doc;
    INSERT INTO citations (doc_id, cited_symbol, kind, occurrences)
    SELECT p_doc, c ->> 'symbol', c ->> 'kind', (c ->> 'occurrences')::integer
    FROM jsonb_array_elements(p_citations) AS c;
    INSERT INTO events (event_id, upload_id, doc_id, routing_key, body)
    VALUES (p_event, p_upload, p_doc, p_routing, p_body) ON CONFLICT (event_id) DO NOTHING;
    UPDATE uploads SET state = 'processed', updated_at = now() WHERE upload_id = p_upload;
END $$;

-- The outcome event went out: remember it, finish a processed upload (and its document), drop the
-- claim of p_task and close its attempt with its timings.
CREATE FUNCTION docpipe_published(p_event uuid, p_upload bigint, p_task text, p_outcome text, p_timings jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    UPDATE events SET published_at = now() WHERE event_id = p_event AND published_at IS NULL;
    UPDATE uploads SET state = CASE WHEN state = 'processed' THEN 'published' ELSE state END,
        done_at = coalesce(done_at, now()), updated_at = now(),
        task_id = CASE WHEN task_id = p_task THEN NULL ELSE task_id END,
        claim_until = CASE WHEN task_id = p_task THEN NULL ELSE claim_until END
    WHERE upload_id = p_upload RETURNING doc_id INTO d;
    IF p_outcome = 'processed' THEN
        UPDATE documents SET state = 'published', published_at = coalesce(published_at, now()), updated_at = now()
        WHERE doc_id = d AND owner_upload = p_upload;
    END IF;
    UPDATE attempts SET finished_at = now(), outcome = p_outcome, timings = timings || p_timings
    WHERE attempt_id = (SELECT max(attempt_id) FROM attempts WHERE upload_id = p_upload AND task_id = p_task
                        AND finished_at IS NULL);
END $$;
"""


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(FUNCTIONS)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION IF EXISTS docpipe_published, docpipe_processed, docpipe_receive, "
        "docpipe_begin, docpipe_reserve;"
        "DROP TABLE IF EXISTS checkpoints, operator_actions, citations, events, outputs, failures, attempts "
        "CASCADE; ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_owner; "
        "DROP TABLE IF EXISTS uploads, documents CASCADE;"
    )

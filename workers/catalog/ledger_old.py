"""The status ledger in Redis: what happened to each upload and each document.

Keys (all under ``prefix``, ``docpipe:`` by default)::

    obj:<bucket>/<key>@<etag>  hash  one upload (version) of an object: state, doc_id, task_id, attempts,
                                     code/reason, duplicate_of; expires while queued/processing
                                     (so a lost message is re-enqueued by the reconciler) and after a
                                     dead-lettered transient failure; permanent otherwise
    doc:<sha256>               hash  one content: state, source bucket/key/etag, owner (the upload whose
                                     output won), timestamps, timings (*_ms), output location, event ids
    doc:<sha256>:objects       set   every upload that carried this content
    claim:<obj ref>            str   in-flight claim: the Celery task id, SET NX EX
    event:<event id>           str   a published event (consumers dedupe on the id; we do too)
    recent                     zset  upload refs by last update, for ``docpipe status``

Object states: queued -> processing -> processed -> published, or duplicate | failed | superseded
(the key was overwritten before the task read it; the new version has its own record).
Document states: received -> processing -> processed -> published, or failed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis import Redis

#: Object states after which nothing more happens to that upload.
TERMINAL_STATES = frozenset({"published", "duplicate", "failed", "superseded"})
DEFAULT_PREFIX = "docpipe:"
#: How long a queued/processing upload blocks a new enqueue of the same version.
DEFAULT_PENDING_TTL = 7200
#: How long an event id is remembered as published.
EVENT_TTL = 7 * 24 * 3600
#: Entries kept in the recent index.
RECENT_MAX = 10_000

# Reserve an upload for enqueueing: only when no record exists (or it expired).
_RESERVE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGET', KEYS[1], 'state') or 'unknown' end
redis.call('HSET', KEYS[1], 'state', 'queued', 'bucket', ARGV[1], 'key', ARGV[2], 'etag', ARGV[3],
           'source', ARGV[4], 'queued_at', ARGV[5], 'updated_at', ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[8])
return false
"""
# A task begins on an upload: report a finished one; else take the claim and count the attempt.
_BEGIN = """
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'published' or state == 'duplicate' or state == 'failed' or state == 'superseded'
   or state == 'processed' then
  return {'done', state, redis.call('HGET', KEYS[1], 'event_id') or '', redis.call('HGET', KEYS[1], 'outbox') or '',
          redis.call('HGET', KEYS[1], 'doc_id') or ''}
end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return {'in_flight'} end
redis.call('SET', KEYS[2], ARGV[1], 'EX', tonumber(ARGV[2]))
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'state', 'processing', 'task_id', ARGV[1], 'bucket', ARGV[4], 'key', ARGV[5],
           'etag', ARGV[6], 'started_at', ARGV[7], 'updated_at', ARGV[7])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
redis.call('ZADD', KEYS[3], ARGV[8], ARGV[9])
return {'started', tostring(attempts)}
"""
# The bytes were read: create the document record, link the upload, report the output's owner.
_RECEIVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'doc_id', ARGV[1], 'size', ARGV[2], 'received_at', ARGV[3], 'state', 'received')
end
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('HSET', KEYS[3], 'doc_id', ARGV[1])
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[4] then return owner end
redis.call('HSET', KEYS[1], 'state', 'processing', 'load_ms', ARGV[5], 'attempts', ARGV[6], 'updated_at', ARGV[3])
return false
"""
# The outcome event went out: remember its id, mark a processed upload (and its document) published,
# and drop this task's claim on the upload (if it still holds it), all in one round trip.
_PUBLISHED = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
if ARGV[1] == 'processed' then
  redis.call('HSET', KEYS[2], 'state', 'published', 'done_at', ARGV[3])
  redis.call('PERSIST', KEYS[2])
  if ARGV[7] ~= '' then
    redis.call('HSET', KEYS[3], 'state', 'published', 'published_at', ARGV[3], 'updated_at', ARGV[3],
               'event_id', ARGV[8], unpack(ARGV, 9))
  end
end
redis.call('HSET', KEYS[2], 'published_at', ARGV[3], 'updated_at', ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[5])
if ARGV[6] ~= '' and redis.call('GET', KEYS[5]) == ARGV[6] then redis.call('DEL', KEYS[5]) end
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# First completion wins: the first upload to claim a document's output owns it (and names the source).
_OWN = """
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner then return owner end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'bucket', ARGV[2], 'key', ARGV[3], 'etag', ARGV[4])
return ARGV[1]
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """One version of one object: what an upload is, for the ledger."""

    bucket: str
    key: str
    etag: str

    @property
    def ref(self) -> str:
        return f"{self.bucket}/{self.key}@{self.etag}"


@dataclass(frozen=True, slots=True)
class Begin:
    """What ``Ledger.begin`` found: ``started`` (claim taken), ``in_flight`` or ``done``."""

    status: str
    attempts: int = 0
    record: dict[str, str] | None = None


class Ledger:
    """Document and upload records in Redis (a client with ``decode_responses=True``)."""

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = DEFAULT_PREFIX,
        pending_ttl: int = DEFAULT_PENDING_TTL,
        claim_ttl: int = 600,
        dead_letter_ttl: int = 3600,
    ) -> None:
        self.client: Any = client  # redis-py's stubs fight str mappings; values are str (decoded)
        self.prefix = prefix
        self.pending_ttl = pending_ttl
        self.claim_ttl = claim_ttl
        self.dead_letter_ttl = dead_letter_ttl
        self._reserve = client.register_script(_RESERVE)
        self._release = client.register_script(_RELEASE)
        self._own = client.register_script(_OWN)
        self._begin = client.register_script(_BEGIN)
        self._receive = client.register_script(_RECEIVE)
        self._published = client.register_script(_PUBLISHED)

    def _obj(self, obj: ObjectRef) -> str:
        return f"{self.prefix}obj:{obj.ref}"

    def _doc(self, doc_id: str) -> str:
        return f"{self.prefix}doc:{doc_id}"

    def _touch(self, obj: ObjectRef, fields: dict[str, Any], *, persist: bool = False, pipe: Any = None) -> None:
        """Update an upload's record and its place in ``recent`` (on ``pipe`` if given, else now)."""
        stamp = now_iso()
        own = pipe is None
        pipe = self.client.pipeline() if own else pipe
        pipe.hset(self._obj(obj), mapping={**_strs(fields), "updated_at": stamp})
        if persist:
            pipe.persist(self._obj(obj))
        pipe.zadd(f"{self.prefix}recent", {obj.ref: time.time()})
        pipe.zremrangebyrank(f"{self.prefix}recent", 0, -RECENT_MAX - 1)
        if own:
            pipe.execute()

    # -- intake ---------------------------------------------------------------------------------
    def reserve(self, obj: ObjectRef, source: str) -> str | None:
        """Mark an upload queued unless it is known; returns the known state, or None if reserved."""
        state = self._reserve(
            keys=[self._obj(obj), f"{self.prefix}recent"],
            args=[obj.bucket, obj.key, obj.etag, source, now_iso(), self.pending_ttl, time.time(), obj.ref],
        )
        return None if state is None else str(state)

    def unreserve(self, obj: ObjectRef) -> None:
        """Forget a reservation whose message could not be sent."""
        self.client.delete(self._obj(obj))

    def object_record(self, obj: ObjectRef) -> dict[str, str]:
        return dict(self.client.hgetall(self._obj(obj)))

    # -- a task's life --------------------------------------------------------------------------
    def release(self, obj: ObjectRef, task_id: str) -> None:
        """Drop ``task_id``'s claim on the upload (someone else's claim is left alone)."""
        self._release(keys=[f"{self.prefix}claim:{obj.ref}"], args=[task_id])

    def begin(self, obj: ObjectRef, task_id: str) -> Begin:
        """One round trip at a task's start: a finished upload's record, someone else's claim, or
        the claim taken (again, for the same task id after a redelivery or retry) and the attempt counted."""
        reply = self._begin(
            keys=[self._obj(obj), f"{self.prefix}claim:{obj.ref}", f"{self.prefix}recent"],
            args=[task_id, self.claim_ttl, self.pending_ttl, obj.bucket, obj.key, obj.etag, now_iso(),
                  time.time(), obj.ref],
        )
        if reply[0] == "done":
            fields = dict(zip(("state", "event_id", "outbox", "doc_id"), reply[1:], strict=True))
            return Begin("done", record={k: v for k, v in fields.items() if v})
        if reply[0] == "in_flight":
            return Begin("in_flight")
        return Begin("started", attempts=int(reply[1]))

    def received(self, doc_id: str, obj: ObjectRef, size: int, load_ms: float, attempts: int = 1) -> str | None:
        """The bytes of ``obj`` were read: record the document; returns the output's owner if another
        upload already owns it (then ``obj`` is a duplicate), else None."""
        owner = self._receive(
            keys=[self._doc(doc_id), f"{self._doc(doc_id)}:objects", self._obj(obj)],
            args=[doc_id, size, now_iso(), obj.ref, f"{load_ms:.2f}", attempts],
        )
        return None if owner is None else str(owner)

    def document(self, doc_id: str) -> dict[str, Any]:
        """The document record with the list of its uploads (empty when unknown)."""
        record: dict[str, Any] = dict(self.client.hgetall(self._doc(doc_id)))
        if record:
            record["objects"] = sorted(self.client.smembers(f"{self._doc(doc_id)}:objects"))
        return record

    def owner(self, doc_id: str) -> str | None:
        owner = self.client.hget(self._doc(doc_id), "owner")
        return None if owner is None else str(owner)

    def own(self, doc_id: str, obj: ObjectRef) -> bool:
        """Claim the document's output for ``obj``: True if ``obj`` owns it (now or already)."""
        return str(self._own(keys=[self._doc(doc_id)], args=[obj.ref, obj.bucket, obj.key, obj.etag])) == obj.ref

    def disown(self, doc_id: str, obj: ObjectRef) -> None:
        """Give up ownership (after a dead-lettered failure) so a later upload can win."""
        key = self._doc(doc_id)
        if self.client.hget(key, "owner") == obj.ref:
            self.client.hdel(key, "owner")

    def _update_doc(self, doc_id: str, **fields: Any) -> None:
        self.client.hset(self._doc(doc_id), mapping={**_strs(fields), "updated_at": now_iso()})

    # -- outcomes: each stores its event first (an outbox), so a retry can send it again ----------
    def processed(self, doc_id: str, obj: ObjectRef, event: dict[str, Any], **fields: Any) -> None:
        """Outputs are stored; the ``processed`` event is about to be published (one round trip)."""
        stamp = now_iso()
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._doc(doc_id), mapping={**_strs(fields), "state": "processed", "processed_at": stamp,
                                              "updated_at": stamp})
        self._touch(obj, {"state": "processed", **_outbox(event)}, pipe=pipe)
        pipe.execute()

    def duplicate(self, doc_id: str, obj: ObjectRef, owner: str, event: dict[str, Any]) -> None:
        """``obj`` carries content whose output belongs to the upload ``owner``."""
        self.client.hincrby(self._doc(doc_id), "duplicates", 1)
        self._touch(obj, {"state": "duplicate", "doc_id": doc_id, "duplicate_of": owner,
                          "done_at": now_iso(), **_outbox(event)}, persist=True)

    def superseded(self, obj: ObjectRef, etag_now: str) -> None:
        """The key no longer holds this version (overwritten before we read it): nothing to do."""
        self._touch(obj, {"state": "superseded", "etag_now": etag_now, "done_at": now_iso()}, persist=True)

    def failed(
        self, obj: ObjectRef, doc_id: str | None, code: str, reason: str, event: dict[str, Any],
        *, dead_letter: bool,
    ) -> None:
        """Record a failure. A dead-lettered (transient) one expires, so the reconciler retries later."""
        fields: dict[str, Any] = {"state": "failed", "code": code, "reason": reason, "failed_at": now_iso(),
                                  "dead_letter": int(dead_letter)}
        if doc_id:
            if self.owner(doc_id) in (None, obj.ref):
                self._update_doc(doc_id, **fields)
            fields["doc_id"] = doc_id
        self._touch(obj, {**fields, **_outbox(event)}, persist=not dead_letter)
        if dead_letter:
            self.client.expire(self._obj(obj), self.dead_letter_ttl)

    def published(
        self, obj: ObjectRef, event_id: str, doc_id: str | None, outcome: str, *, release: str | None = None,
        **fields: Any,
    ) -> None:
        """The outcome event went out: remember its id; a processed upload is now published. With
        ``release`` (a task id), that task's claim on the upload is dropped too (one round trip)."""
        doc_fields = [x for name, value in _strs(fields).items() for x in (name, value)]
        self._published(
            keys=[f"{self.prefix}event:{event_id}", self._obj(obj), self._doc(doc_id or "-"),
                  f"{self.prefix}recent", f"{self.prefix}claim:{obj.ref}"],
            args=[outcome, EVENT_TTL, now_iso(), time.time(), obj.ref, release or "", doc_id or "", event_id,
                  *doc_fields],
        )

    def event_published(self, event_id: str) -> bool:
        return bool(self.client.exists(f"{self.prefix}event:{event_id}"))

    # -- reading --------------------------------------------------------------------------------
    def recent(self, limit: int = 20) -> list[dict[str, str]]:
        """The latest uploads, newest first, each joined with its document's timings."""
        refs = self.client.zrevrange(f"{self.prefix}recent", 0, limit - 1)
        pipe = self.client.pipeline()
        for ref in refs:
            pipe.hgetall(f"{self.prefix}obj:{ref}")
        rows = []
        for ref, record in zip(refs, pipe.execute(), strict=True):
            row = {"ref": ref, **record}
            if record.get("doc_id"):  # timings belong to the upload that produced the output
                doc = self.client.hgetall(self._doc(record["doc_id"]))
                if doc.get("owner") in (None, ref):
                    row.update({k: v for k, v in doc.items() if k.endswith("_ms")})
            rows.append(row)
        return rows


def _outbox(event: dict[str, Any]) -> dict[str, str]:
    return {"event_id": str(event["id"]), "outbox": json.dumps(event, ensure_ascii=False)}


def _strs(fields: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in fields.items() if v is not None}

"""Pure parsing of storage notifications, against payloads captured from real servers
(``tests/fixtures/events/``: SeaweedFS 4.48 webhook, ``filer.meta.tail`` and gRPC captures) and a
MinIO notification written from its documented format."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format

from schemas.events import ObjectEvent
from workers.errors import InvalidEventError
from workers.ignore import is_ignored_key
from workers.intake.filer_subscriber import event_from_response
from workers.intake.notifications import (
    filer_etag,
    filer_event_kind,
    iso_from_ns,
    object_event_from_filer,
    parse_minio_notification,
    parse_seaweed_webhook,
    split_filer_path,
)
from workers.storage._filer_pb import filer_pb2

EVENTS = Path(__file__).resolve().parent.parent / "fixtures" / "events"
#: ETags of the captured objects (hex MD5 of the content; multipart: MD5 of part MD5s + part count).
REPORT_V1_ETAG = "7d3ef19aff58f3a53210fdf0a7d61eee"
REPORT_V2_ETAG = "d0fa508d091670636cb2eef50ec77e35"
BIG_ETAG = "fdbf6e12abc10eff9be077760926015c-3"


def load(name: str) -> Any:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def webhook_sample(label_start: str) -> dict[str, Any]:
    samples = [s for s in load("seaweedfs-webhook-events.json")["samples"] if s["label"].startswith(label_start)]
    assert len(samples) == 1, label_start
    body: dict[str, Any] = samples[0]["body"]
    return body


@pytest.fixture
def minio_put() -> dict[str, Any]:
    payload: dict[str, Any] = load("minio-put-event.json")
    return payload


class TestParseMinioNotification:
    def test_put_event_decodes_chinese_and_plus_in_key(self, minio_put: dict[str, Any]) -> None:
        """``inbox/%E5%86%B3%E8%AE%AE+1.txt`` is ``inbox/决议 1.txt`` (``+`` is a space)."""
        [event] = parse_minio_notification(minio_put)
        assert event == ObjectEvent(
            bucket="docpipe-inbox",
            key="inbox/决议 1.txt",
            size=5221,
            etag="9b2cf535f27731c974343645a3985328",
            version_id=None,
            source="minio",
            event_time="2026-11-23T15:10:42.117Z",
        )

    def test_encoded_plus_and_slash_stay_literal(self, minio_put: dict[str, Any]) -> None:
        """``%2B`` decodes to a literal ``+`` and ``%2F`` (Go's QueryEscape) to ``/``."""
        minio_put["Records"][0]["s3"]["object"]["key"] = "inbox%2Fa%2Bb+c.txt"
        assert parse_minio_notification(minio_put)[0].key == "inbox/a+b c.txt"

    def test_multipart_and_aws_style_names_are_created_events(self, minio_put: dict[str, Any]) -> None:
        """``CompleteMultipartUpload`` counts, with or without the ``s3:`` prefix; quotes leave the ETag."""
        record = minio_put["Records"][0]
        record["eventName"] = "ObjectCreated:CompleteMultipartUpload"
        record["s3"]["object"].update(eTag='"abc-3"', versionId="v1")
        [event] = parse_minio_notification(minio_put)
        assert (event.etag, event.version_id) == ("abc-3", "v1")

    @pytest.mark.parametrize("name", ["s3:ObjectRemoved:Delete", "s3:ObjectAccessed:Get", "s3:TestEvent"])
    def test_other_events_are_ignored(self, minio_put: dict[str, Any], name: str) -> None:
        """Removals, reads and test events give no object events."""
        minio_put["Records"][0]["eventName"] = name
        assert parse_minio_notification(minio_put) == []

    def test_several_records_keep_their_order(self, minio_put: dict[str, Any]) -> None:
        """Each created record becomes one event, in order."""
        second = copy.deepcopy(minio_put["Records"][0])
        second["s3"]["object"]["key"] = "inbox/second.txt"
        minio_put["Records"].append(second)
        assert [e.key for e in parse_minio_notification(minio_put)] == ["inbox/决议 1.txt", "inbox/second.txt"]

    @pytest.mark.parametrize("payload", [{"EventName": "s3:ObjectCreated:Put"}, [], "x", None, {"Records": {}}])
    def test_not_a_notification_raises_with_data(self, payload: Any) -> None:
        """A payload without a ``Records`` list is refused, and the error keeps it."""
        with pytest.raises(InvalidEventError) as caught:
            parse_minio_notification(payload)
        assert caught.value.data == payload

    @pytest.mark.parametrize(
        "breakage",
        [
            lambda r: r["s3"]["object"].pop("key"),
            lambda r: r["s3"].pop("bucket"),
            lambda r: r["s3"]["object"].update(size="large"),
            lambda r: r.pop("eventName"),
        ],
    )
    def test_malformed_record_raises_with_data(self, minio_put: dict[str, Any], breakage: Any) -> None:
        """A created record without bucket, key or a numeric size is an ``InvalidEventError``."""
        breakage(minio_put["Records"][0])
        with pytest.raises(InvalidEventError) as caught:
            parse_minio_notification(minio_put)
        assert caught.value.data is minio_put


class TestParseSeaweedWebhook:
    def test_put_object_gives_bucket_key_size_and_hex_etag(self) -> None:
        """The S3 ETag comes from ``Seaweed-X-Amz-ETag`` (base64 of the hex ETag)."""
        [event] = parse_seaweed_webhook(webhook_sample("S3 PutObject docs/inbox/report.pdf"))
        assert (event.bucket, event.key, event.size, event.etag) == ("docs", "inbox/report.pdf", 22, REPORT_V1_ETAG)
        assert event.source == "seaweedfs-webhook"
        assert event.event_time == "2026-11-22T11:36:35.000000Z"  # the entry's mtime (seconds)

    def test_overwrite_copy_and_multipart_completion_are_events(self) -> None:
        """``update`` (overwrite), a copy's ``create`` and a completed multipart upload are objects."""
        [overwrite] = parse_seaweed_webhook(webhook_sample("S3 PutObject overwrite"))
        [copied] = parse_seaweed_webhook(webhook_sample("S3 CopyObject"))
        [big] = parse_seaweed_webhook(webhook_sample("multipart upload complete"))
        assert (overwrite.key, overwrite.size, overwrite.etag) == ("inbox/report.pdf", 32, REPORT_V2_ETAG)
        assert (copied.key, copied.etag) == ("processed/report.pdf", REPORT_V2_ETAG)
        assert (big.key, big.size, big.etag) == ("inbox/big.bin", 12582912, BIG_ETAG)

    @pytest.mark.parametrize(
        "label",
        [
            "S3 CreateBucket",  # the bucket directory
            "implicit parent directory",  # a folder
            "S3 DeleteObject",  # gone, not created
            "multipart upload: per-part",  # .uploads/ noise
            "internal system entry",  # /buckets/.system
        ],
    )
    def test_noise_gives_no_events(self, label: str) -> None:
        """Directories, deletes, multipart parts and system entries are dropped."""
        assert parse_seaweed_webhook(webhook_sample(label)) == []

    def test_whole_capture_gives_exactly_the_objects(self) -> None:
        """Across all captured bodies only the four real object writes remain."""
        events = [e for s in load("seaweedfs-webhook-events.json")["samples"] for e in parse_seaweed_webhook(s["body"])]
        assert [e.key for e in events] == [
            "inbox/report.pdf",
            "inbox/report.pdf",
            "processed/report.pdf",
            "inbox/big.bin",
        ]

    def test_rename_reports_the_new_path(self) -> None:
        """A rename is an object at its new parent path and name."""
        body = copy.deepcopy(webhook_sample("S3 PutObject docs/inbox/report.pdf"))
        body["event_type"] = "rename"
        body["message"]["old_entry"] = copy.deepcopy(body["message"]["new_entry"])
        body["message"]["new_entry"]["name"] = "决议 1.pdf"
        body["message"]["new_parent_path"] = "/buckets/docs/archive"
        [event] = parse_seaweed_webhook(body)
        assert (event.bucket, event.key) == ("docs", "archive/决议 1.pdf")

    def test_etag_falls_back_to_md5(self) -> None:
        """Without the gateway's ETag attribute, the base64 MD5 attribute gives the hex ETag."""
        body = copy.deepcopy(webhook_sample("S3 PutObject docs/inbox/report.pdf"))
        del body["message"]["new_entry"]["extended"]
        assert parse_seaweed_webhook(body)[0].etag == REPORT_V1_ETAG

    @pytest.mark.parametrize(
        "payload",
        [None, [], {"event_type": "create"}, {"event_type": "create", "key": "/buckets/a/b", "message": "x"}],
    )
    def test_not_a_webhook_body_raises_with_data(self, payload: Any) -> None:
        """Bodies without the ``{event_type, key, message}`` shape are refused, keeping the payload."""
        with pytest.raises(InvalidEventError) as caught:
            parse_seaweed_webhook(payload)
        assert caught.value.data == payload

    def test_malformed_entry_raises_with_data(self) -> None:
        """A non-numeric size is an ``InvalidEventError``."""
        body = copy.deepcopy(webhook_sample("S3 PutObject docs/inbox/report.pdf"))
        body["message"]["new_entry"]["attributes"]["file_size"] = "big"
        with pytest.raises(InvalidEventError) as caught:
            parse_seaweed_webhook(body)
        assert caught.value.data is body


class TestObjectEventFromFiler:
    def test_grpc_capture_gives_the_files_only(self) -> None:
        """The captured gRPC stream (directories and files) normalises to the three files per run."""
        lines = (EVENTS / "seaweedfs-grpc-subscribe-events.jsonl").read_text(encoding="utf-8").splitlines()
        events = []
        for line in lines:
            row = json.loads(line)
            event = object_event_from_filer(
                row["dir"],
                row["name"],
                is_directory=row["is_dir"],
                size=row["size"],
                etag=filer_etag(row["meta"].get("Seaweed-X-Amz-ETag", "").encode(), bytes.fromhex(row["md5"])),
                ts_ns=row["ts_ns"],
                kind=row["kind"],
                source="seaweedfs-grpc",
            )
            if event is not None:
                assert event.etag == row["md5"]
                assert event.event_time == iso_from_ns(row["ts_ns"])
                events.append(event)
        assert [(e.bucket, e.key, e.size) for e in events] == [
            ("docs", "grpclive/z/f0.txt", 1),
            ("docs", "grpclive/z/f1.txt", 1),
            ("docs", "grpclive/z/f2.txt", 1),
            ("docs", "glat/p0.05-0000.txt", 1024),
            ("docs", "glat/p0.05-0001.txt", 1024),
        ]

    def test_deletes_give_no_event(self) -> None:
        """Only create, update and rename describe an object that exists."""
        kwargs: dict[str, Any] = {
            "is_directory": False,
            "size": 1,
            "etag": None,
            "ts_ns": 1,
            "source": "seaweedfs-grpc",
        }
        assert object_event_from_filer("/buckets/docs", "a.txt", kind="delete", **kwargs) is None
        assert object_event_from_filer("/buckets/docs", "a.txt", kind="update", **kwargs) is not None

    def test_kinds_from_old_and_new_paths(self) -> None:
        """Classification by which entries exist and whether the path changed."""
        assert filer_event_kind(None, "/b/x") == "create"
        assert filer_event_kind("/b/x", "/b/x") == "update"
        assert filer_event_kind("/b/x", "/b/y") == "rename"
        assert filer_event_kind("/b/x", None) == "delete"
        assert filer_event_kind(None, None) is None


def response_from_meta_tail(item: dict[str, Any]) -> filer_pb2.SubscribeMetadataResponse:
    """A captured ``weed filer.meta.tail`` object (protojson) as the minimal compiled message."""
    message = filer_pb2.SubscribeMetadataResponse()
    json_format.ParseDict(item, message, ignore_unknown_fields=True)
    return message


class TestEventFromResponse:
    def test_meta_tail_capture_through_the_compiled_proto(self) -> None:
        """Creates, overwrites and multipart completions give events; the delete does not."""
        items = load("seaweedfs-meta-tail-events.json")
        events = [event_from_response(response_from_meta_tail(item)) for item in items]
        summary = [(e.bucket, e.key, e.size, e.etag) if e else None for e in events]
        assert summary == [
            ("docs", "inbox/report.pdf", 22, REPORT_V1_ETAG),
            ("docs", "inbox/report.pdf", 32, REPORT_V2_ETAG),
            None,
            ("docs", "inbox/big.bin", 12582912, BIG_ETAG),
        ]
        assert events[0] is not None and events[0].source == "seaweedfs-grpc"
        assert events[0].event_time == iso_from_ns(int(items[0]["tsNs"]))

    def test_rename_uses_new_parent_path(self) -> None:
        """A rename across folders is reported at the new path; out of /buckets it is dropped."""
        entry = filer_pb2.Entry(name="a.pdf", attributes=filer_pb2.FuseAttributes(file_size=3, md5=b"\x01" * 16))
        renamed = filer_pb2.Entry(name="决议 1.pdf", attributes=entry.attributes)
        note = filer_pb2.EventNotification(old_entry=entry, new_entry=renamed, new_parent_path="/buckets/docs/archive")
        response = filer_pb2.SubscribeMetadataResponse(
            directory="/buckets/docs/inbox", event_notification=note, ts_ns=5
        )
        event = event_from_response(response)
        assert event is not None and (event.key, event.size, event.etag) == ("archive/决议 1.pdf", 3, "01" * 16)
        response.event_notification.new_parent_path = "/tmp"  # the message holds a copy of note
        assert event_from_response(response) is None

    def test_directory_entries_are_dropped(self) -> None:
        """Creating a folder is not an object."""
        note = filer_pb2.EventNotification(new_entry=filer_pb2.Entry(name="inbox", is_directory=True))
        response = filer_pb2.SubscribeMetadataResponse(directory="/buckets/docs", event_notification=note, ts_ns=1)
        assert event_from_response(response) is None


class TestFilerHelpers:
    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("/buckets/docs/inbox/决议 1.txt", ("docs", "inbox/决议 1.txt")),
            ("/buckets/docs/a", ("docs", "a")),
            ("/buckets/docs", None),
            ("/buckets/docs/", None),
            ("/buckets/docs/inbox/", None),
            ("/buckets/docs/.uploads/abc/0001.part", None),
            ("/buckets/docs/.uploads", None),
            ("/buckets/.system/owners/.complete", None),
            ("/topics/.system/log/x", None),
            ("/etc/iam/identity.json", None),
            ("/bucketsX/docs/a", None),
        ],
    )
    def test_split_filer_path(self, path: str, expected: tuple[str, str] | None) -> None:
        """Only ``/buckets/<bucket>/<key>`` outside system and multipart folders is an object path."""
        assert split_filer_path(path) == expected

    def test_filer_etag_prefers_the_gateway_etag(self) -> None:
        """The gateway's ETag wins (multipart ETags are not an MD5); quotes are removed."""
        md5 = bytes.fromhex(REPORT_V1_ETAG)
        assert filer_etag(b'"abc-2"', md5) == "abc-2"
        assert filer_etag(None, md5) == REPORT_V1_ETAG
        assert filer_etag(b"", None) is None
        assert filer_etag(base64.b64decode("N2QzZWYxOWFmZjU4ZjNhNTMyMTBmZGYwYTdkNjFlZWU="), None) == REPORT_V1_ETAG

    def test_iso_from_ns_keeps_microseconds(self) -> None:
        """Nanosecond timestamps become UTC ISO 8601 without float rounding."""
        assert iso_from_ns(1_795_347_395_099_807_147) == "2026-11-22T11:36:35.099807Z"
        assert iso_from_ns(999) == "1970-01-01T00:00:00.000000Z"


class TestIsIgnoredKey:
    @pytest.mark.parametrize(
        "key",
        [
            "inbox/report.part",
            "inbox/report.pdf.tmp",
            "inbox/~$决议.docx",
            "inbox/.DS_Store",
            "Thumbs.db",
            "inbox/desktop.ini",
            "__MACOSX/inbox/a.pdf",
            "inbox/__MACOSX/a.pdf",
            "inbox/._决议.txt",
            "inbox/",
            "",
            "inbox/a.crdownload",
            "inbox/.~lock.a.odt#",
        ],
    )
    def test_temporary_and_system_keys_are_ignored(self, key: str) -> None:
        """Keys that are never documents (temporary, system, folder markers) are ignored."""
        assert is_ignored_key(key)

    @pytest.mark.parametrize(
        "key",
        [
            "inbox/决议 1.txt",
            "inbox/report.pdf",
            "a/b/c.docx",
            "inbox/partial-report.txt",
            "inbox/tmp/x.txt",
            "x.party",
        ],
    )
    def test_documents_are_kept(self, key: str) -> None:
        """Ordinary keys, including ones that merely contain ``part`` or ``tmp``, are kept."""
        assert not is_ignored_key(key)

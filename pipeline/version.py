"""Version of the processing core. Part of every idempotency key: bump it when outputs change."""

PIPELINE_VERSION = "0.2.0"

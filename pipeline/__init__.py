"""The functional core: pure stage functions (no I/O, no environment, no clock).

``process(data, name)`` runs read -> clean -> segment -> extract and returns a
``schemas.ProcessedDocument``; bad input raises a ``pipeline.errors.PermanentError``.
"""

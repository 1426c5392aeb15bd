"""The catalog: what happened to every upload and document, in PostgreSQL.

The record that ``docpipe status``, the reconciler, the dashboard and the archive exports read.
Redis keeps nothing that cannot be lost (it is only the embedded default broker).
"""

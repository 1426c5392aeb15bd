"""``docpipe up``: the whole service on one machine from PyPI packages (SeaweedFS, Valkey,
PostgreSQL), for development, the demo and the benchmarks. Not used in the container image."""

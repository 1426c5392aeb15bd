"""docpipe's OAI-PMH 2.0 data provider: ``/oai`` on the web server (docs/archive.md has the spec).

- ``arguments``: reading a request (verbs, arguments, dates); ``errors``: the error codes;
- ``formats``: ``oai_dc``, ``akn``, ``docpipe``; ``dublin_core``: the ``oai_dc`` mapping;
- ``sets``: ``organ:<organ>`` and ``session:<organ>-<n>``; ``tokens``: stateless resumption tokens;
- ``queries``: the catalog queries; ``records``: the XML; ``repository``: the verbs; ``routes``: HTTP.
- ``xsd/``: the official OAI-PMH and oai_dc schemas (tests validate every response against them)
  and the schema of the ``docpipe`` format.
"""

"""Options of the core, passed in by the shell: what a document may cost before it is refused.

``Limits`` bounds memory and time. Each limit is checked before the work it bounds is done
(a DOCX part's size from the zip directory before it is inflated, a PDF's page count before the
pages are read), so an input over a limit fails ``too_large`` without the memory growing.

>>> Limits().max_input_bytes
20000000
>>> PipelineOptions(limits=Limits(max_pdf_pages=10)).limits.max_pdf_pages
10
"""

from __future__ import annotations

from pydantic import Field

from schemas._base import FrozenModel


class Limits(FrozenModel):
    """Largest input the core accepts, by dimension; over any of them is a permanent ``too_large``."""

    #: Bytes of the input file.
    max_input_bytes: int = Field(20_000_000, gt=0)
    #: Inflated bytes of any one part of a .docx (``word/document.xml`` is the big one).
    max_docx_part_bytes: int = Field(20_000_000, gt=0)
    #: Inflated bytes of all the parts of a .docx together.
    max_docx_total_bytes: int = Field(60_000_000, gt=0)
    #: Pages of a PDF.
    max_pdf_pages: int = Field(500, gt=0)
    #: Decoded bytes of any one PDF content stream.
    max_pdf_stream_bytes: int = Field(50_000_000, gt=0)
    #: Characters of the decoded text.
    max_characters: int = Field(2_000_000, gt=0)
    #: Segments of the processed document.
    max_segments: int = Field(20_000, gt=0)


class PipelineOptions(FrozenModel):
    """Everything the shell tells ``pipeline.run.process`` besides the bytes and the name."""

    limits: Limits = Limits()

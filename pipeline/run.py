"""Composition of the stages (placeholder until the core lands)."""

from __future__ import annotations

from schemas import ProcessedDocument


def process(data: bytes, name: str) -> ProcessedDocument:
    raise NotImplementedError

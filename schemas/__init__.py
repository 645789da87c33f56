"""Pydantic models: the extracted record (the public contract) and the LLM output shapes."""

from schemas.record import (
    SCHEMA_VERSION,
    Check,
    Field,
    Metadata,
    Provenance,
    Record,
    Review,
    Span,
)

__all__ = [
    "SCHEMA_VERSION",
    "Check",
    "Field",
    "Metadata",
    "Provenance",
    "Record",
    "Review",
    "Span",
]

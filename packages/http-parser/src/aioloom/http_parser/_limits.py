"""Size limits of the parser; every one has a default and a knob."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    max_line_size: int = 8190
    max_field_size: int = 8190
    max_headers: int = 128

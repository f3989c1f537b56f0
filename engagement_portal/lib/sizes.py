"""File sizes in plain figures: "50 MB", "1.5 MB", "340 KB", not Django's "50.0 MB".

Binary units (1 MB = 1,048,576 bytes) as Django's filesizeformat and every operating system's
file manager count them, so "50 MB" is what a file manager shows for the largest file allowed.
"""

from __future__ import annotations

UNITS = (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024))


def file_size(size: int) -> str:
    """A size in words: whole numbers without a decimal point, others to one decimal place."""
    size = int(size)
    for unit, bytes_in_unit in UNITS:
        if size >= bytes_in_unit:
            figure = f"{size / bytes_in_unit:,.1f}".removesuffix(".0")
            return f"{figure}\N{NO-BREAK SPACE}{unit}"
    return f"{size:,}\N{NO-BREAK SPACE}byte{'' if size == 1 else 's'}"

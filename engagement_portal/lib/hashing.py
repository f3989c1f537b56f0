"""Hashes that prove what a record held: one byte sequence per value, whatever key order."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 as is: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_sha256(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()

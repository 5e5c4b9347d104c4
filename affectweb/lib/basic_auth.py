"""HTTP Basic credentials (RFC 7617) as the vendors' clients send them."""

from __future__ import annotations

import base64
import binascii


def parse_basic(header: str) -> tuple[str, str] | None:
    """(user name, password) of an `Authorization: Basic …` header, or None."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        text = decoded.decode("latin-1")  # what older clients send
    # User names cannot hold ":" (RFC 7617); passwords can, so split at the first.
    username, colon, password = text.partition(":")
    return (username, password) if colon else None

"""Reading a large JSON document value by value from a text stream, never whole."""

from __future__ import annotations

import json
from typing import IO

CHUNK = 1 << 20  # characters read at a time


class MalformedJSON(ValueError):
    """The text is not JSON; the message says what was found where."""


class Reader:
    """Decodes a JSON document value by value from a text stream, without reading it whole.

    The caller walks the containers it wants to stream (`items`, `elements`); every other
    value goes to json's C decoder in one piece (`value`).
    """

    def __init__(self, fh: IO[str], decoder: json.JSONDecoder):
        self.fh, self.decoder = fh, decoder
        self.buf, self.pos = "", 0

    def _fill(self) -> bool:
        chunk = self.fh.read(CHUNK)
        self.buf, self.pos = self.buf[self.pos:] + chunk, 0
        return bool(chunk)

    def peek(self) -> str:
        """The next non-blank character ("" at the end), left unconsumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos:self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise MalformedJSON(f"expected {char!r} at {self.describe()}")
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if not self._fill():  # truly malformed, not just cut at the buffer's end
                    raise MalformedJSON(f"{e.msg} at {self.describe()}") from e
                continue
            # A number may run on into the next chunk: only trust one followed by text.
            if end < len(self.buf) or not self._fill():
                self.pos = end
                return value

    def describe(self) -> str:
        return repr(self.buf[self.pos:self.pos + 20]) or "the end"

    def items(self):
        """Each key of the top-level object; the caller reads its value before the next."""
        self.expect("{")
        while self.peek() != "}":
            key = self.value()
            self.expect(":")
            yield key
            if self.peek() == ",":
                self.pos += 1
        self.expect("}")

    def elements(self):
        self.expect("[")
        while self.peek() != "]":
            yield self.value()
            if self.peek() == ",":
                self.pos += 1
        self.expect("]")

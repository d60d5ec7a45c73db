"""Reading a log file in blocks of whole lines, from a byte offset, across rotation.

A ``LogReader`` hands out the complete lines it finds (without their newline)
together with the number of the first one and the byte offset where it starts,
so a parser can say where to resume. The file's identity (inode and a
fingerprint of its first bytes) tells whether a stored offset still belongs to
the file now at that path: after logrotate moved it away and the telephone
system started a new one, the new file is read from its start, and the old one
(found next to it by its inode) is read to its end first.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO, NamedTuple

CHUNK_SIZE = 1 << 20
# Bytes of the file's head the fingerprint covers (fewer while the file is shorter).
FINGERPRINT_BYTES = 1024


class Block(NamedTuple):
    lines: list[bytes]
    first_line: int  # number of the first line (1-based)
    first_offset: int  # byte offset where the first line starts


def fingerprint(handle: BinaryIO, size: int | None = None) -> str:
    """``"<n>:<hash>"`` of the first n bytes (n = min(size, 1024)); blank for an empty file.

    Reads with ``pread``: the handle's position does not move.
    """
    wanted = FINGERPRINT_BYTES if size is None else min(size, FINGERPRINT_BYTES)
    head = os.pread(handle.fileno(), wanted, 0) if wanted > 0 else b""
    if not head:
        return ""
    return f"{len(head)}:{hashlib.sha256(head).hexdigest()[:48]}"


def same_file(handle: BinaryIO, stored: str) -> bool:
    """Whether the file starts with the bytes ``stored`` (a ``fingerprint``) was taken of."""
    if not stored:
        return True
    try:
        length = int(stored.split(":", 1)[0])
    except ValueError:
        return False
    return fingerprint(handle, length) == stored


def find_rotated(path: Path, inode: int, stored: str) -> Path | None:
    """The file next to ``path`` that still has ``inode`` and the stored fingerprint
    (``queue_log`` renamed to ``queue_log.1`` by logrotate), if any."""
    try:
        candidates = sorted(path.parent.iterdir())
    except OSError:
        return None
    for candidate in candidates:
        if candidate == path or not candidate.name.startswith(path.name):
            continue
        try:
            if candidate.stat().st_ino != inode or not candidate.is_file():
                continue
            with open(candidate, "rb") as handle:
                if same_file(handle, stored):
                    return candidate
        except OSError:
            continue
    return None


class LogReader:
    """Whole lines from ``offset`` on; ``position``/``line`` follow what was handed out."""

    def __init__(self, handle: BinaryIO, *, offset: int, line: int,
                 chunk_size: int = CHUNK_SIZE) -> None:
        self.handle = handle
        self.position = offset  # byte offset just after the last line handed out
        self.line = line  # lines before ``position``
        self.chunk_size = chunk_size
        self._rest = b""
        handle.seek(offset)

    def read(self, *, final: bool = False) -> Block | None:
        """The next block of complete lines, or None when no complete line is left.

        With ``final`` an unterminated last line is handed out too (the end of a
        one-shot read); otherwise it waits for its newline (the file is growing).
        """
        while True:
            chunk = self.handle.read(self.chunk_size)
            if not chunk:
                if final and self._rest:
                    rest, self._rest = self._rest, b""
                    return self._block([rest], len(rest))
                return None
            data = self._rest + chunk if self._rest else chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                self._rest = data
                continue
            self._rest = data[cut + 1:]
            return self._block(data[:cut].split(b"\n"), cut + 1)

    def _block(self, lines: list[bytes], length: int) -> Block:
        block = Block(lines, self.line + 1, self.position)
        self.position += length
        self.line += len(lines)
        return block

    @property
    def pending_bytes(self) -> int:
        """Bytes read past ``position`` that do not form a complete line yet."""
        return len(self._rest)


def file_identity(path: Path) -> tuple[int, int] | None:
    """(inode, size) of the file now at ``path``, or None if there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size

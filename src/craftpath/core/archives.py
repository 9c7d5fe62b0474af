"""Zip archives read from untrusted uploads (XLSX workbooks are zip files): their sizes are
checked from the central directory before any library inflates a member.

Python's zipfile never inflates a member past the size the directory declares (and checks its
CRC), so refusing large declared sizes bounds what reading can cost: a 2 MB file that inflates
to gigabytes is refused in microseconds instead of filling memory.
"""

from __future__ import annotations

import io
import zipfile

MAX_UNCOMPRESSED = 50_000_000  # bytes, all members together
MAX_MEMBERS = 1_000


class ArchiveError(ValueError):
    """The archive is unreadable or too large once inflated; the message is for the user."""


def check_zip(data: bytes, max_uncompressed: int = MAX_UNCOMPRESSED,
              max_members: int = MAX_MEMBERS) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise ArchiveError(f"not a readable zip archive ({error})") from None
    if len(members) > max_members:
        raise ArchiveError(f"{len(members)} files inside, more than {max_members}")
    total = sum(member.file_size for member in members)
    if total > max_uncompressed:
        raise ArchiveError(f"{total // 1_000_000} MB once uncompressed, more than "
                           f"{max_uncompressed // 1_000_000} MB")

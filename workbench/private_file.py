"""Writing a file that holds secrets: owner-only, replaced atomically, durable.

Shared by the settings file and the file token store, the two places that write secrets.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in a 0600 file: a temp file in the same folder, fsync,
    rename, then fsync the folder (the rename is durable only once its entry is on disk).
    Raises OSError, for the caller to say what could not be saved; no temp file stays."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    temp = Path(temp_name)
    try:
        if hasattr(os, "fchmod"):  # mkstemp already makes it 0600 on POSIX; be explicit
            os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

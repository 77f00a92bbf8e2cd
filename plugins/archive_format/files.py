"""Writing files so that an interrupted build or import never leaves half of one."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8) to ``path`` so a reader sees the old file or the whole
    new one, never half: a temporary file beside it, then an atomic rename. Parent folders
    are created; the file is readable as the umask allows (a site's files must be readable
    by whatever serves them). An interruption, Ctrl-C included, leaves no temporary file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temp: Path | None = None
    try:
        while True:
            # The name is held before the file is made, so a KeyboardInterrupt that lands just
            # after it is made still finds it to remove (tempfile.mkstemp returns the name only
            # after, and an interrupted import left its hidden file behind).
            temp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
            try:
                handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                temp = None  # another writer's: not ours to remove
                continue
            break
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temp, target)
    except BaseException:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise

"""Where output goes: checks done before any work starts, and writing a file whole."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from talkface.errors import InputError


def check_output_path(path: str | Path, *, overwrite: bool = False) -> Path:
    """The output path, if a file can be written there.

    Writability is tried, not inferred from permission bits: a read-only
    filesystem, or a folder the system refuses even to root, passes a
    permission check and still fails the first write.

    Raises:
        InputError: the folder is missing or not writable, the path is a
            folder, or the file exists and ``overwrite`` is False.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(path, "is a folder; give a file name such as out.mp4")
    if not folder.is_dir():
        raise InputError(path, f"folder {folder} does not exist")
    if path.exists() and not overwrite:
        raise InputError(path, "already exists (use --overwrite to replace it)")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.stem}.", suffix=".probe"):
            pass
    except OSError as error:
        raise InputError(path, f"folder {folder} is not writable ({error.strerror or error})") from None
    return path


def write_atomically(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Have ``write`` fill a hidden file beside ``path``, then rename it to
    ``path``: the file appears complete or not at all, and a failed or
    interrupted write leaves nothing behind."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path

"""Checks on where a video will be written, done before any work starts."""

import os
from pathlib import Path

from talkface.errors import InputError


def check_output_path(path: str | Path, *, overwrite: bool = False) -> Path:
    """The output path, if a file can be written there.

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
    if not os.access(folder, os.W_OK):
        raise InputError(path, f"folder {folder} is not writable")
    if path.exists() and not overwrite:
        raise InputError(path, "already exists (use --overwrite to replace it)")
    return path

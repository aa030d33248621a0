"""Storing an applicant's checked files outside the web root, sealed (:mod:`onewindow.core.filecrypt`;
the checks: :mod:`onewindow.core.uploads`)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from onewindow.core import filecrypt
from onewindow.core.uploads import CheckedFile

log = logging.getLogger("onewindow.online")


def media_path(relative: str) -> Path:
    return filecrypt.media_root() / relative


@contextmanager
def written(files: Sequence[CheckedFile], *, account_id: int) -> Iterator[list[str]]:
    """Write ``files`` under ``MEDIA_ROOT/online/<account>/`` and yield their relative paths.

    The files are written before the rows that name them; if the block raises (a rule said no,
    the transaction rolled back), the files are removed again, so a refused action leaves no
    orphan behind. Random names: nothing the applicant typed ends up in a path.
    """
    folder = Path("online") / str(int(account_id))
    paths: list[str] = []
    try:
        for f in files:
            relative = (folder / f"{uuid.uuid4().hex}.{f.extension}").as_posix()
            filecrypt.write_new(relative, f.data)
            paths.append(relative)
        yield paths
    except BaseException:
        for relative in paths:
            media_path(relative).unlink(missing_ok=True)
        raise


def read_checked(relative: str, sha256: str) -> bytes | None:
    """The stored file's plaintext; None if the file is gone. :class:`filecrypt.StoredFileRefused`
    (logged) if it does not decrypt or no longer matches its recorded hash."""
    try:
        data = filecrypt.read(relative)
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        log.error("uploaded file %s does not match its recorded hash", relative)
        raise filecrypt.StoredFileRefused(relative)
    return data

"""Storing an applicant's checked files outside the web root (the checks: :mod:`onewindow.core.uploads`)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from onewindow.core.uploads import CheckedFile


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


@contextmanager
def written(files: Sequence[CheckedFile], *, account_id: int) -> Iterator[list[str]]:
    """Write ``files`` under ``MEDIA_ROOT/online/<account>/`` and yield their relative paths.

    The files are written before the rows that name them; if the block raises (a rule said no,
    the transaction rolled back), the files are removed again, so a refused action leaves no
    orphan behind. Random names: nothing the applicant typed ends up in a path.
    """
    media = Path(settings.MEDIA_ROOT)
    folder = Path("online") / str(int(account_id))
    (media / folder).mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    try:
        for f in files:
            relative = (folder / f"{uuid.uuid4().hex}.{f.extension}").as_posix()
            with open(media / relative, "xb") as out:
                out.write(f.data)
            paths.append(relative)
        yield paths
    except BaseException:
        for relative in paths:
            (media / relative).unlink(missing_ok=True)
        raise


def read_checked(relative: str, sha256: str) -> bytes | None:
    """The stored bytes, or None if the file is gone or no longer matches its recorded hash."""
    try:
        data = media_path(relative).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None

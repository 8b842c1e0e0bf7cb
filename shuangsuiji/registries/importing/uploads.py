"""Uploaded files waiting between preview and commit, kept in the database.

An upload is checked (type by name, size cap) and stored as a
:class:`~shuangsuiji.registries.models.PendingUpload` row under a random token, with its
owner, kind, options (default region, plan fields) and an expiry. Any app server can
therefore show the preview and another one commit it: nothing waits on local disk.
Only the owner may open it; it is deleted after the commit, and expired uploads are
deleted whenever a new one is stored.

Readers work on files, so :meth:`StoredUpload.local_copy` writes the bytes to a private
temporary file for the duration of one request.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shuangsuiji.registries.models import PendingUpload

from .readers import extension
from .services import UploadError, check_upload

TOKEN = re.compile(r"^[0-9a-f]{32}$")
LIFETIME = datetime.timedelta(days=1)


@dataclass
class StoredUpload:
    token: str
    kind: str
    filename: str
    user_id: int | None
    sha256: str
    size: int
    options: dict = field(default_factory=dict)

    @property
    def ext(self) -> str:
        return extension(self.filename)

    @property
    def region_code(self) -> str:
        return str(self.options.get("region_code") or "")

    def content(self) -> bytes:
        return bytes(PendingUpload.objects.values_list("data", flat=True).get(token=self.token))

    @contextmanager
    def local_copy(self) -> Iterator[Path]:
        """The upload as a temporary file (removed afterwards), for the readers."""
        with tempfile.TemporaryDirectory(prefix="ssj-upload-") as folder:
            path = Path(folder) / f"upload{self.ext}"
            path.write_bytes(self.content())
            yield path


def _stored(row: PendingUpload) -> StoredUpload:
    return StoredUpload(
        token=row.token,
        kind=row.kind,
        filename=row.filename,
        user_id=row.owner_id,
        sha256=row.sha256,
        size=row.size,
        options=dict(row.options or {}),
    )


def remove_expired(now: datetime.datetime | None = None) -> int:
    return PendingUpload.objects.filter(expires_at__lt=now or timezone.now()).delete()[0]


def store_upload(
    user,
    kind: str,
    uploaded,
    region_code: str = "",
    *,
    options: dict | None = None,
    check: Callable[[str, int], None] = check_upload,
) -> StoredUpload:
    """Check type and size, read the upload (capped) and keep it in the database."""
    filename = Path(uploaded.name or "").name
    check(filename, uploaded.size or 0)
    limit = int(settings.SSJ_MAX_UPLOAD_BYTES)
    digest, parts, size = hashlib.sha256(), [], 0
    for chunk in uploaded.chunks():
        size += len(chunk)
        if size > limit:
            raise UploadError(f"文件过大：最大允许 {limit / 1048576:.0f} MB")
        digest.update(chunk)
        parts.append(chunk)
    options = dict(options or {})
    if region_code:
        options["region_code"] = region_code
    now = timezone.now()
    with transaction.atomic():
        remove_expired(now)
        row = PendingUpload.objects.create(
            token=secrets.token_hex(16),
            kind=kind,
            filename=filename[:255],
            owner=user if getattr(user, "is_authenticated", False) else None,
            options=options,
            sha256=digest.hexdigest(),
            size=size,
            data=b"".join(parts),
            expires_at=now + LIFETIME,
        )
    return _stored(row)


def load_upload(user, kind: str, token: str) -> StoredUpload | None:
    """The stored upload, if it exists, has not expired, is of this kind and is the user's."""
    if not TOKEN.match(token or ""):
        return None
    row = (
        PendingUpload.objects.defer("data")
        .filter(token=token, kind=kind, expires_at__gte=timezone.now())
        .first()
    )
    if row is None or row.owner_id is None or row.owner_id != getattr(user, "pk", None):
        return None
    return _stored(row)


def remove_upload(stored: StoredUpload) -> None:
    with transaction.atomic():
        PendingUpload.objects.filter(token=stored.token).delete()

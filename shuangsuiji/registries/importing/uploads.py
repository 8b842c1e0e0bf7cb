"""Uploaded files waiting between preview and commit.

Each upload is streamed to ``DATA_DIR/uploads/<random token><ext>`` with a small JSON
file beside it (kind, original name, uploader, default region). Only the uploader may
open it; it is removed after the commit, and stale uploads after a day.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

from .readers import extension
from .services import UploadError, check_upload

TOKEN = re.compile(r"^[0-9a-f]{32}$")
STALE_SECONDS = 24 * 3600


@dataclass
class StoredUpload:
    token: str
    kind: str
    filename: str
    user_id: int | None
    region_code: str
    sha256: str
    size: int
    ext: str

    @property
    def path(self) -> Path:
        return upload_dir() / f"{self.token}{self.ext}"

    @property
    def meta_path(self) -> Path:
        return upload_dir() / f"{self.token}.json"


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_stale() -> None:
    cutoff = time.time() - STALE_SECONDS
    for path in upload_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def store_upload(user, kind: str, uploaded, region_code: str = "") -> StoredUpload:
    """Check type and size, then stream the upload to disk under a random name."""
    filename = Path(uploaded.name or "").name
    check_upload(filename, uploaded.size or 0)
    _remove_stale()
    stored = StoredUpload(
        token=secrets.token_hex(16),
        kind=kind,
        filename=filename,
        user_id=getattr(user, "pk", None),
        region_code=region_code or "",
        sha256="",
        size=0,
        ext=extension(filename),
    )
    digest = hashlib.sha256()
    with open(stored.path, "wb") as handle:
        for chunk in uploaded.chunks():
            stored.size += len(chunk)
            if stored.size > settings.SSJ_MAX_UPLOAD_BYTES:
                handle.close()
                stored.path.unlink(missing_ok=True)
                raise UploadError("文件过大")
            digest.update(chunk)
            handle.write(chunk)
    stored.sha256 = digest.hexdigest()
    stored.meta_path.write_text(json.dumps(asdict(stored), ensure_ascii=False), encoding="utf-8")
    return stored


def load_upload(user, kind: str, token: str) -> StoredUpload | None:
    """The stored upload, if it exists, is of this kind and belongs to this user."""
    if not TOKEN.match(token or ""):
        return None
    meta = upload_dir() / f"{token}.json"
    try:
        stored = StoredUpload(**json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if stored.kind != kind or stored.user_id != getattr(user, "pk", None):
        return None
    if not stored.path.exists():
        return None
    return stored


def remove_upload(stored: StoredUpload) -> None:
    stored.path.unlink(missing_ok=True)
    stored.meta_path.unlink(missing_ok=True)

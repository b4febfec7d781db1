"""An upload kept while the admin corrects the rest of the import form (or creates the edition
it is for): stored once under its hash and carried in the form as a signed reference, so the
file is never chosen twice and never read from a path the browser wrote."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy

from indices.services.imports.service import sha256_of

HELD_DIR = "imports/held/"
_SALT = "indices.imports.held"
HELD_MAX_AGE = 24 * 3600  # seconds: a reference older than a day asks for the file again
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
_NOT_HELD = gettext_lazy("Tệp đã chọn không còn được giữ; hãy chọn lại tệp.")


@dataclass(frozen=True)
class HeldUpload:
    name: str
    data: bytes


def _held_sweep() -> None:
    """Remove the held files older than a reference lives: nothing can point at them."""
    cutoff = timezone.now() - dt.timedelta(seconds=HELD_MAX_AGE)
    try:
        _dirs, files = default_storage.listdir(HELD_DIR)
    except FileNotFoundError:
        return
    for name in files:
        path = HELD_DIR + name
        with contextlib.suppress(FileNotFoundError):  # swept by a concurrent request
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)


def upload_hold(*, data: bytes, filename: str, user: Any) -> str:
    """Store the upload (once per content) and return the reference the form carries. Held
    files past their reference's age are removed on the way."""
    _held_sweep()
    suffix = PurePath(filename).suffix.lower()
    path = f"{HELD_DIR}{sha256_of(data)}{suffix if _SUFFIX.fullmatch(suffix) else ''}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(data))
    payload = {"path": path, "name": PurePath(filename).name, "user": user.pk}
    return signing.dumps(payload, salt=_SALT, compress=True)


def _payload(*, token: str, user: Any) -> dict[str, Any]:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=HELD_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is one
        raise ValidationError(_NOT_HELD) from error
    if payload.get("user") != user.pk or not str(payload.get("path", "")).startswith(HELD_DIR):
        raise ValidationError(_NOT_HELD)
    return payload


def held_name(*, token: str, user: Any) -> str:
    """The file name a reference stands for (raises ValidationError when it is not valid)."""
    return str(_payload(token=token, user=user)["name"])


def upload_held(*, token: str, user: Any) -> HeldUpload:
    """The upload a reference stands for; ValidationError when it is forged, another user's,
    expired or gone."""
    payload = _payload(token=token, user=user)
    try:
        with default_storage.open(payload["path"], "rb") as handle:
            data = handle.read()
    except FileNotFoundError as error:
        raise ValidationError(_NOT_HELD) from error
    return HeldUpload(name=payload["name"], data=data)

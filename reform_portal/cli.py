"""What the management commands that write share: a database that cannot be reached ends the
command with one clear line (and exit status 1), never a traceback. Nothing is half-written:
every write they make is one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _


@contextmanager
def database_reachable() -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError) as error:
        lines = str(error).strip().splitlines()
        reason = lines[0] if lines else error.__class__.__name__
        raise CommandError(
            _(
                "Không kết nối được cơ sở dữ liệu (%(reason)s). Không có gì được ghi dở; hãy chạy "
                "lại lệnh khi cơ sở dữ liệu hoạt động trở lại."
            )
            % {"reason": reason}
        ) from error

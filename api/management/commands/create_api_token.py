"""Issue an API token for an account: `create_api_token USERNAME [--name CLIENT]`. The key is
printed alone on the last line of standard output (a script reads it with `tail -1`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.services import api_token_issue_for_username


class Command(BaseCommand):
    help = "Cấp mã truy cập API cho một tài khoản; in mã mới trên một dòng riêng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Tên ứng dụng sử dụng mã (IOC, LGSP…).")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        try:
            issued = api_token_issue_for_username(
                username=username, name=options["name"] or f"cli:{username}"
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(issued.key)

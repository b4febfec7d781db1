from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from units.services import demo_accounts_create


class Command(BaseCommand):
    help = "Create the demo accounts with the password in DEMO_PASSWORD (never in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            accounts = demo_accounts_create(password=settings.DEMO_PASSWORD)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        self.stdout.write("Tài khoản minh họa / demo accounts:")
        for username, role in accounts:
            self.stdout.write(f"  {username:<15} {role}")
        self.stdout.write(f"Mật khẩu / password: {settings.DEMO_PASSWORD}")

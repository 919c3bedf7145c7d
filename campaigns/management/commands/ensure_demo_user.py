"""Create (or refresh) the demo staff login that `make run` prints."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
# Kept beside the project (git-ignored) so the printed password stays the same between runs.
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-password"


def demo_password() -> str:
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password


def ensure_demo_user() -> tuple[str, str]:
    """The demo staff user exists with the stored password; returns (username, password)."""
    password = demo_password()
    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "demo@example.com"}
    )
    user.is_staff = True
    user.is_superuser = True
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    return DEMO_USERNAME, password


class Command(BaseCommand):
    help = "Create or refresh the demo staff user and print its login."

    def handle(self, *args: object, **options: object) -> None:
        username, password = ensure_demo_user()
        self.stdout.write(f"Demo staff login: {username} / {password}")

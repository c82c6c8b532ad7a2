"""The key that signs sessions: from SECRET_KEY, or for the embedded database one kept in the
instance folder, so that the one-command start needs nothing set and sessions survive restarts."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from config import Config

MIN_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 10
KNOWN_DEFAULTS = frozenset({
    "dev", "development", "test", "testing", "secret", "secret-key", "secret_key", "secretkey",
    "mysecret", "supersecret", "changeme", "change-me", "change_me", "change-this",
    "changethis", "default", "password", "insecure", "replace-me", "keyboard cat", "notasecret",
    "your-secret-key", "your-secret-key-here", "please-change-me", "change-me-in-production",
    "change-this-in-production", "change-this-secret-key-in-production", "super-secret-key",
    "django-insecure", "flask-insecure-key", "this-is-not-a-secret-key-change-it-now",
})
FILE_NAME = "secret_key"
HOW_TO_MAKE_ONE = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'


def weakness(key: str) -> str | None:
    """Why `key` must not sign sessions in production, or None when it may."""
    if key.strip().lower() in KNOWN_DEFAULTS:
        return "is a well-known default"
    if len(key) < MIN_LENGTH:
        return f"is shorter than {MIN_LENGTH} characters"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"has fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    return None


def secret_key(config: Config) -> str:
    """The session key, or SystemExit with a one-line reason when production would be unsafe.

    Debug and testing modes accept any key. Otherwise a SECRET_KEY that is set must be strong;
    unset, it is refused with PostgreSQL (a production deployment: several workers and hosts
    must share one key) and generated once into the instance folder with the embedded database."""
    relaxed = config.debug or config.testing
    if config.secret_key:
        problem = weakness(config.secret_key)
        if problem and not relaxed:
            raise SystemExit(f"SECRET_KEY {problem}; {HOW_TO_MAKE_ONE}")
        return config.secret_key
    if not config.embedded and not relaxed:
        raise SystemExit("SECRET_KEY is not set: it is required with a PostgreSQL DATABASE_URL "
                         f"(every worker must share it); {HOW_TO_MAKE_ONE}")
    return instance_key(Path(config.instance_dir))


def instance_key(instance_dir: Path) -> str:
    """The key stored in `instance_dir`, created (mode 0600) by whichever process comes first.

    Written to a private temporary file and linked into place: the link fails if another
    process won the race, and nobody ever reads a half-written key."""
    path = instance_dir / FILE_NAME
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        temporary = instance_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = path.read_text().strip()
    if weakness(key):
        raise SystemExit(f"{path} does not hold a usable key; delete it to have a new one made")
    return key

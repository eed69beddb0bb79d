"""Keyring backends for isolating tests from the real keyring of the machine.

``MemoryKeyring`` serves in-process tests. ``FileKeyring`` serves subprocess tests (each
cpfadmin process is a new interpreter): it keeps entries in a JSON file named by
``CPFADMIN_TEST_KEYRING_FILE``, standing for an OS keyring that outlives processes. The real
Secret Service is exercised by ``tests/integration/test_secret_service.py``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entrees: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entrees.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entrees[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entrees.pop((service, username), None) is None:
            raise PasswordDeleteError("absent")


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _fichier(self) -> Path:
        return Path(os.environ["CPFADMIN_TEST_KEYRING_FILE"])

    def _lire(self) -> dict[str, str]:
        try:
            return json.loads(self._fichier.read_text())
        except FileNotFoundError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._lire().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        donnees = self._lire()
        donnees[f"{service}/{username}"] = password
        self._fichier.write_text(json.dumps(donnees))

    def delete_password(self, service: str, username: str) -> None:
        donnees = self._lire()
        if donnees.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("absent")
        self._fichier.write_text(json.dumps(donnees))


class RaisingKeyring(KeyringBackend):
    """A keyring that looks usable but fails at every call (a locked Secret Service)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("collection verrouillée")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("collection verrouillée")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("collection verrouillée")


class HangingKeyring(KeyringBackend):
    """A keyring that never answers (a D-Bus service that does not reply)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(3600)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(3600)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(3600)

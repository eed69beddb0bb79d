"""Running cpfadmin at a terminal, as a person does: the installed entry point with a pseudo
terminal for its standard streams, what it writes read from the terminal's other side, and
answers typed when a prompt appears."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tests.support.processus import commande, environnement

ECHAPPEMENTS = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


def texte_visible(brut: str) -> str:
    """What a person reads on the screen: no colour or cursor sequences, no carriage returns."""
    return ECHAPPEMENTS.sub("", brut)


def _ctrl_c_par_defaut() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Terminal:
    """``cpfadmin ARGS`` running with stdin, stdout and stderr on one pseudo terminal of
    ``colonnes`` columns."""

    args: Sequence[str]
    env: Mapping[str, str | None] | None = None
    colonnes: int = 100
    lu: str = ""
    _tampon: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        maitre, esclave = pty.openpty()
        import fcntl
        import struct
        import termios

        fcntl.ioctl(esclave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, self.colonnes, 0, 0))
        env = environnement({"COLUMNS": str(self.colonnes), "TERM": "xterm", **(self.env or {})})
        self.processus = subprocess.Popen(
            commande(*self.args),
            stdin=esclave,
            stdout=esclave,
            stderr=esclave,
            env=env,
            start_new_session=True,
            close_fds=True,
            # A shell gives its foreground job the default Ctrl-C; a test run started in the
            # background (``cmd &`` in a script, as CI may be) would otherwise hand down an
            # ignored SIGINT, and Python would never raise KeyboardInterrupt.
            preexec_fn=_ctrl_c_par_defaut,
        )
        os.close(esclave)
        self.maitre = maitre

    def _lire(self, attente: float) -> bool:
        """Read what is there within ``attente`` seconds; False at end of output."""
        prets, _, _ = select.select([self.maitre], [], [], attente)
        if not prets:
            return True
        try:
            morceau = os.read(self.maitre, 65536)
        except OSError:  # EIO: the other side is closed
            return False
        if not morceau:
            return False
        self._tampon += morceau
        self.lu = texte_visible(self._tampon.decode("utf-8", errors="replace"))
        return True

    def attendre(self, motif: str, delai: float = 60.0) -> str:
        """Read until ``motif`` (a regular expression) appears on the screen; the screen."""
        limite = time.monotonic() + delai
        while not re.search(motif, self.lu):
            if time.monotonic() > limite:
                raise AssertionError(f"« {motif} » jamais affiché ; écran :\n{self.lu}")
            if not self._lire(0.1) and not re.search(motif, self.lu):
                raise AssertionError(f"fin du programme sans « {motif} » ; écran :\n{self.lu}")
        return self.lu

    def taper(self, texte: str) -> None:
        os.write(self.maitre, texte.encode())

    def interrompre(self) -> None:
        """Ctrl-C, as the terminal sends it: SIGINT to the foreground process."""
        self.processus.send_signal(signal.SIGINT)

    def fin(self, delai: float = 60.0) -> int:
        """Read to the end; the exit code."""
        limite = time.monotonic() + delai
        while self._lire(0.1):
            if time.monotonic() > limite:
                self.processus.kill()
                raise AssertionError(f"le programme ne s'est pas terminé ; écran :\n{self.lu}")
            if self.processus.poll() is not None and not select.select([self.maitre], [], [], 0)[0]:
                break
        code = self.processus.wait(timeout=delai)
        os.close(self.maitre)
        return code


def au_terminal(
    *args: str, env: Mapping[str, str | None] | None = None, colonnes: int = 100
) -> tuple[int, str]:
    """Run ``cpfadmin ARGS`` at a terminal with nothing typed: (exit code, screen)."""
    terminal = Terminal(args, env=env, colonnes=colonnes)
    code = terminal.fin()
    return code, terminal.lu

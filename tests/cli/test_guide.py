"""The guide runs as printed: every example of ``docs/guide/*.md`` is run for real, so the guide
cannot drift from the CLI.

``bash`` blocks: each command line (``\\`` continuations joined, here-documents kept whole) runs
through a real ``bash -c`` in a scratch working directory, with the installed ``cpfadmin`` on
``PATH`` and the test's isolated environment (``CPFADMIN_HOME``, ``HOME``, XDG directories and
keyring of ``tests/conftest.py``). Its stdin is a terminal, as at an administrator's keyboard: a
command that prompts (``cpfadmin login ABCD2345``, ``cpfadmin password change``, ``cpfadmin me
update --email``) is answered by this test. Every command must exit 0, or the code a directive
states, and no output may hold a traceback. The blocks run in the order a newcomer follows the guide
(``HISTOIRE``): the CDC operator (init, organismes, principal admin), then chapters 01 to 06, then
the operator's other duties. ``console`` blocks are transcripts: the command runs in a
pseudo-terminal, the prompts are answered, and every line of the transcript must appear, in order,
in the real output. ``toml`` blocks are loaded by the real configuration loader. The sample files of
the guide (``exemple-agents.csv``) are in the working directory, as a reader saves them there.

Directives
----------
The guide keeps readable placeholders (``ABCD2345``, ``$TEMPORAIRE``…). An HTML comment just
before a code block (blank lines only in between), invisible on the rendered page, says what they
stand for::

    <!-- exemple : CLAUSE ; CLAUSE ; … -->

Clauses (ADRESSE is the e-mail address an account was created with, its name here even after a
``me update --email``; its identifiant is read from the output of the command that created it):

``connecté en tant que ADRESSE``
    the block runs in a session of that account (this test logs it in first, with
    ``--password-stdin --accept-cgu``, unless it is the one logged in).
``MOT = ADRESSE``
    the word ``MOT`` of the block (``ABCD2345``, ``IDENTIFIANT``…) is that account's identifiant.
``$VAR = mot de passe temporaire de ADRESSE``, ``$VAR = mot de passe de ADRESSE``,
``$VAR = nouveau mot de passe de ADRESSE``
    the shell variable ``VAR`` holds, for each command, that account's pending temporary password
    (from ``init``'s output or the last e-mail it was sent), its current password, or a new one
    that meets the policy (its password once the command that uses it succeeds).
``TEXTE = serveur cpfadmin de test``
    ``TEXTE`` is the URL of a real ``cpfadmin serve`` over the story's store, started on a free
    loopback port the first time a block names it and stopped at the end of the story.
``TEXTE = base PostgreSQL de test``
    ``TEXTE`` is a fresh database on the server of ``CPFADMIN_TEST_POSTGRES_URL``; the block
    runs in a test of its own, skipped without that server (and failed in CI, which has one).
``code N : DÉBUT``
    the command starting with ``DÉBUT`` (as printed) exits with ``N``: a refusal the guide shows
    (in a ``bash`` block or a ``console`` transcript).
``sur une copie``
    the block is one of two ways of doing the same thing: it runs on a copy of the current state
    (store, keyring, working directory) and the story goes on, without it, with the next block.
``non exécuté : RAISON``
    the block is not run, for that reason.

A directive that names an unknown clause, account or placeholder fails the test, and so does a
code block that has nothing to run and no ``non exécuté`` directive.
"""

from __future__ import annotations

import contextlib
import copy
import email
import email.policy
import fcntl
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    URL_POSTGRES,
    _creer_base_postgres,
    _supprimer_base_postgres,
    exiger,
    json_de,
)
from tests.support.console import LIGNE_TEMPORAIRE, corps

RACINE = Path(__file__).resolve().parents[2]
GUIDE = RACINE / "docs" / "guide"
EXEMPLE = GUIDE / "exemple-agents.csv"

# The order of a newcomer: (chapter, sections of it, or None for the whole chapter).
HISTOIRE: list[tuple[str, tuple[str, ...] | None]] = [
    ("10-operateurs.md", ("Initialiser", "Organismes et administrateurs principaux")),
    ("01-premiere-connexion.md", None),
    ("02-navigation.md", None),
    ("03-donnees-personnelles.md", None),
    ("04-habiliter-un-gestionnaire.md", None),
    ("05-renouvellement-des-mots-de-passe.md", None),
    ("06-imports-en-masse.md", None),
    ("07-travailler-a-distance.md", None),
    (
        "10-operateurs.md",
        (
            "Conditions générales d'utilisation",
            "Messages automatiques (e-mails)",
            "Base PostgreSQL partagée",
            "Journal d'audit",
            "Points de contrôle signés",
        ),
    ),
]
DELAI_COMMANDE = 60.0


class ErreurGuide(AssertionError):
    """The guide or one of its directives is wrong; the message says where."""


# --- reading the guide -------------------------------------------------------------------------
@dataclass(frozen=True)
class Sens:
    """What a placeholder stands for."""

    genre: str  # identifiant | temporaire | actuel | nouveau | postgres
    adresse: str | None = None


@dataclass
class Directive:
    connecte: str | None = None
    copie: bool = False
    non_execute: str | None = None
    substitutions: dict[str, Sens] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def postgres(self) -> bool:
        return any(s.genre == "postgres" for s in self.substitutions.values())


@dataclass
class Bloc:
    fichier: str
    ligne: int  # of the opening fence, 1-based
    langue: str
    section: str
    lignes: list[str]
    directive: Directive

    @property
    def ou(self) -> str:
        return f"docs/guide/{self.fichier}:{self.ligne}"

    @property
    def texte(self) -> str:
        return "\n".join(self.lignes) + "\n"


ADRESSE = r"(?P<adresse>[^\s@;]+@[^\s@;]+)"
SENS_VARIABLE = [
    (re.compile(rf"mot de passe temporaire de {ADRESSE}$"), "temporaire"),
    (re.compile(rf"nouveau mot de passe de {ADRESSE}$"), "nouveau"),
    (re.compile(rf"mot de passe de {ADRESSE}$"), "actuel"),
]


def lire_directive(texte: str, ou: str) -> Directive:
    d = Directive()
    for brute in texte.split(";"):
        clause = " ".join(brute.split())
        if not clause:
            continue
        if m := re.fullmatch(rf"connecté en tant que {ADRESSE}", clause):
            d.connecte = m["adresse"]
        elif clause == "sur une copie":
            d.copie = True
        elif m := re.fullmatch(r"non exécuté : (.+)", clause):
            d.non_execute = m[1]
        elif m := re.fullmatch(r"code (\d+) : (.+)", clause):
            d.codes[m[2]] = int(m[1])
        elif m := re.fullmatch(r"(\$[A-Z_][A-Z0-9_]*) = (.+)", clause):
            for motif, genre in SENS_VARIABLE:
                if s := motif.fullmatch(m[2]):
                    d.substitutions[m[1]] = Sens(genre, s["adresse"])
                    break
            else:
                raise ErreurGuide(f"{ou} : sens inconnu pour {m[1]} : « {m[2]} »")
        elif m := re.fullmatch(r"(\S+) = serveur cpfadmin de test", clause):
            d.substitutions[m[1]] = Sens("serveur")
        elif m := re.fullmatch(r"(\S+) = base PostgreSQL de test", clause):
            d.substitutions[m[1]] = Sens("postgres")
        elif m := re.fullmatch(rf"(\S+) = {ADRESSE}", clause):
            d.substitutions[m[1]] = Sens("identifiant", m["adresse"])
        else:
            raise ErreurGuide(f"{ou} : clause de directive inconnue : « {clause} »")
    return d


OUVERTURE = re.compile(r"^(?P<retrait>\s*)(?P<fence>```+|~~~+)\s*(?P<langue>[\w-]*)\s*$")
DIRECTIVE = re.compile(r"<!--\s*exemple\s*:(?P<corps>.*?)-->", re.S)


def lire_chapitre(chemin: Path) -> list[Bloc]:
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    blocs: list[Bloc] = []
    section = ""
    attente: tuple[Directive, int] | None = None  # a directive waiting for its block
    i = 0
    while i < len(lignes):
        ligne = lignes[i]
        ou = f"docs/guide/{chemin.name}:{i + 1}"
        if ligne.lstrip().startswith("<!--"):
            debut = i
            texte = ligne
            while "-->" not in texte:
                i += 1
                if i == len(lignes):
                    raise ErreurGuide(f"{ou} : commentaire HTML jamais fermé")
                texte += "\n" + lignes[i]
            if re.match(r"\s*<!--\s*exemple", texte):
                m = DIRECTIVE.search(texte)
                if m is None:
                    raise ErreurGuide(f"{ou} : directive mal formée (<!-- exemple : … -->)")
                if attente is not None:
                    raise ErreurGuide(f"{ou} : deux directives pour un même bloc")
                attente = (lire_directive(m["corps"], ou), debut + 1)
            i += 1
            continue
        if m := OUVERTURE.match(ligne):
            retrait, fence = m["retrait"], m["fence"]
            contenu: list[str] = []
            j = i + 1
            while j < len(lignes) and lignes[j].strip() != fence:
                brute = lignes[j]
                contenu.append(brute[len(retrait) :] if brute.startswith(retrait) else brute)
                j += 1
            if j == len(lignes):
                raise ErreurGuide(f"{ou} : bloc de code jamais fermé")
            directive = attente[0] if attente else Directive()
            blocs.append(Bloc(chemin.name, i + 1, m["langue"], section, contenu, directive))
            attente = None
            i = j + 1
            continue
        if ligne.strip():
            if attente is not None:
                raise ErreurGuide(
                    f"docs/guide/{chemin.name}:{attente[1]} : directive qui ne précède "
                    "aucun bloc de code"
                )
            if m := re.match(r"#{1,6}\s+(.*\S)", ligne):
                section = m[1]
        i += 1
    if attente is not None:
        raise ErreurGuide(f"docs/guide/{chemin.name}:{attente[1]} : directive en fin de fichier")
    return blocs


def commandes(bloc: Bloc) -> list[str]:
    """The command lines of a bash block: continuations joined, here-documents kept whole,
    comment-only and blank lines left out."""
    resultat: list[str] = []
    lignes = list(bloc.lignes)
    while lignes:
        ligne = lignes.pop(0)
        if not ligne.strip() or ligne.lstrip().startswith("#"):
            continue
        while ligne.endswith("\\") and lignes:
            ligne = ligne[:-1] + lignes.pop(0).lstrip()
        if m := re.search(r"<<-?\s*(['\"]?)(\w+)\1", ligne):
            fin = m[2]
            while True:
                if not lignes:
                    raise ErreurGuide(f"{bloc.ou} : document en ligne sans « {fin} »")
                suite = lignes.pop(0)
                ligne += "\n" + suite
                if suite.strip() == fin:
                    break
        resultat.append(ligne)
    return resultat


def tous_les_blocs() -> list[Bloc]:
    blocs: list[Bloc] = []
    for chemin in sorted(GUIDE.glob("*.md")):
        blocs.extend(lire_chapitre(chemin))
    return blocs


def en_ordre_d_histoire(blocs: list[Bloc]) -> list[Bloc]:
    ordre: list[Bloc] = []
    for fichier, sections in HISTOIRE:
        ordre.extend(
            b for b in blocs if b.fichier == fichier and (sections is None or b.section in sections)
        )
    return ordre


# --- running a command -------------------------------------------------------------------------
@dataclass(frozen=True)
class Execution:
    commande: str
    code: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:
        return (
            f"$ {self.commande}\n→ code {self.code}\n--- stdout ---\n{self.stdout}"
            f"\n--- stderr ---\n{self.stderr}"
        )


SECRETES = ("Mot de passe actuel", "Nouveau mot de passe", "Confirmez", "Mot de passe")
INVITE = re.compile(r"(?:^|\n)(?P<invite>[^\n]*:) ?$")  # a prompt waits at the end of a line
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def lancer(
    commande: str,
    env: dict[str, str],
    cwd: Path,
    repondre: Callable[[str], str],
    *,
    tout_au_terminal: bool = False,
) -> Execution:
    """Run ``bash -c COMMANDE`` with a pseudo-terminal as stdin (and as stdout and stderr too
    with ``tout_au_terminal``, as a transcript shows them); answer each prompt with
    ``repondre(invite)``. A secret is typed only once the terminal stopped echoing."""
    maitre, esclave = pty.openpty()
    fcntl.ioctl(esclave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    sortie: int = esclave if tout_au_terminal else subprocess.PIPE
    processus = subprocess.Popen(
        ["bash", "-c", commande],
        stdin=esclave,
        stdout=sortie,
        stderr=sortie,
        env=env,
        cwd=cwd,
        start_new_session=True,  # no controlling terminal: getpass must use this stdin
    )
    tampons: dict[int, bytearray] = {maitre: bytearray()}
    if not tout_au_terminal:
        assert processus.stdout is not None and processus.stderr is not None
        tampons[processus.stdout.fileno()] = bytearray()
        tampons[processus.stderr.fileno()] = bytearray()
        ou_les_invites = processus.stderr.fileno()
    else:
        ou_les_invites = maitre
    ouverts = set(tampons)
    deja_lu = 0
    limite = time.monotonic() + DELAI_COMMANDE
    try:
        while time.monotonic() < limite:
            prets, _, _ = select.select(list(ouverts), [], [], 0.05)
            for fd in prets:
                try:
                    donnees = os.read(fd, 65536)
                except OSError:
                    donnees = b""
                if donnees:
                    tampons[fd].extend(donnees)
                elif fd != maitre:
                    ouverts.discard(fd)
            if processus.poll() is not None:
                # Done once every output is read: the pipes at their end, or the terminal
                # quiet (this process keeps its other side open, so it never ends).
                if (tout_au_terminal and not prets) or not (ouverts - {maitre}):
                    break
                continue
            texte = tampons[ou_les_invites].decode("utf-8", "replace")[deja_lu:]
            m = INVITE.search(texte.replace("\r", ""))
            if m is None:
                continue
            invite = m["invite"].strip()
            secret = not invite.endswith("[o/N]:")
            if not secret and tout_au_terminal and not texte.endswith(" "):
                continue  # input() has yet to write its " ": typed now, the echo comes first
            if secret and termios.tcgetattr(esclave)[3] & termios.ECHO:
                continue  # getpass has not turned echo off yet: typed now, it would be flushed
            os.write(maitre, (repondre(invite) + "\n").encode())
            deja_lu += len(texte)
        else:
            raise AssertionError(
                f"$ {commande}\n: toujours en cours après {DELAI_COMMANDE:g} s ; sortie :\n"
                + b"".join(tampons.values()).decode("utf-8", "replace")
            )
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(processus.pid, signal.SIGKILL)
        raise
    finally:
        os.close(esclave)
        os.close(maitre)
    processus.wait()
    if tout_au_terminal:
        return Execution(commande, processus.returncode, tampons[maitre].decode(), "")
    assert processus.stdout is not None and processus.stderr is not None
    stdout = tampons[processus.stdout.fileno()].decode("utf-8", "replace")
    stderr = tampons[processus.stderr.fileno()].decode("utf-8", "replace")
    processus.stdout.close()
    processus.stderr.close()
    return Execution(commande, processus.returncode, stdout, stderr)


def sous_commande(commande: str) -> list[str]:
    """The arguments of the ``cpfadmin`` of a command line, global options left out."""
    try:
        mots = shlex.split(commande.split("\n", 1)[0], comments=True)
    except ValueError:
        return []
    if "cpfadmin" not in mots:
        return []
    mots = mots[mots.index("cpfadmin") + 1 :]
    fin = next(
        (k for k, m in enumerate(mots) if m in {"|", ";", "&&", "||"} or m.startswith(("<", ">"))),
        None,
    )
    mots = mots[:fin]
    while mots and mots[0].startswith("-"):
        option = mots.pop(0)
        if option in {"-o", "--output", "--profile", "--db"} and mots:
            mots.pop(0)
    return mots


# --- the story's state -------------------------------------------------------------------------
@dataclass
class Compte:
    adresse: str  # the address it was created with: its name in directives
    identifiant: str
    email: str  # the current address
    temporaire: str | None = None  # init's, printed once
    mot_de_passe: str | None = None
    courriels_lus: int = 0  # temporary-password e-mails already used


@dataclass
class Histoire:
    env: dict[str, str]
    travail: Path
    comptes: dict[str, Compte] = field(default_factory=dict)  # by identifiant
    session: str | None = None
    numero: int = 0
    serveur: Any = None

    def url_serveur(self) -> str:
        """A real ``cpfadmin serve`` over the story's store (started once)."""
        if self.serveur is None:
            from tests.support.serveur import demarrer

            self.serveur = demarrer(self.travail.parent, env=self.env)
        return str(self.serveur.url)

    def arreter(self) -> None:
        if self.serveur is not None:
            self.serveur.arreter()

    @property
    def courrier(self) -> Path:
        return Path(self.env["CPFADMIN_HOME"]) / "data" / "courrier"

    def compte(self, adresse: str, ou: str) -> Compte:
        for c in self.comptes.values():
            if adresse.lower() in (c.adresse.lower(), c.email.lower()):
                return c
        raise ErreurGuide(
            f"{ou} : compte inconnu « {adresse} » (aucune commande précédente ne l'a créé)"
        )

    def temporaires(self, c: Compte) -> list[str]:
        """The temporary passwords e-mailed to the account's address, oldest first."""
        if not self.courrier.exists():
            return []
        trouves = []
        for f in sorted(self.courrier.glob("*.eml"), key=lambda f: f.stat().st_mtime_ns):
            message = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
            t = LIGNE_TEMPORAIRE.search(corps(message))  # type: ignore[arg-type]
            if t and message["To"].lower() == c.email.lower():
                trouves.append(t[1])
        return trouves

    def temporaire_en_attente(self, c: Compte) -> str | None:
        if c.temporaire and c.mot_de_passe is None:
            return c.temporaire
        recus = self.temporaires(c)
        return recus[-1] if len(recus) > c.courriels_lus else None

    def nouveau_mot_de_passe(self) -> str:
        self.numero += 1
        return f"Histoire-Guide-{self.numero}-Solide!"

    def mot_de_passe_choisi(self, c: Compte, nouveau: str) -> None:
        c.mot_de_passe = nouveau
        c.temporaire = None
        c.courriels_lus = len(self.temporaires(c))

    def connecter(self, c: Compte) -> None:
        """Setup, not an example: log the account in, first login included."""
        temporaire = self.temporaire_en_attente(c)
        nouveau = self.nouveau_mot_de_passe() if temporaire else None
        entree = f"{temporaire}\n{nouveau}\n" if temporaire else f"{c.mot_de_passe}\n"
        fini = subprocess.run(
            ["cpfadmin", "login", c.identifiant, "--password-stdin", "--accept-cgu"],
            input=entree,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.travail,
            timeout=DELAI_COMMANDE,
            check=False,
        )
        assert fini.returncode == 0, (c, fini.stdout, fini.stderr)
        if nouveau:
            self.mot_de_passe_choisi(c, nouveau)
        self.session = c.identifiant

    def copie(self, racine: Path) -> Histoire:
        """The same state, in files of its own under ``racine``."""
        maison = racine / "cpfadmin"
        shutil.copytree(self.env["CPFADMIN_HOME"], maison)
        trousseau = racine / "keyring.json"
        with contextlib.suppress(FileNotFoundError):
            shutil.copy(self.env["CPFADMIN_TEST_KEYRING_FILE"], trousseau)
        travail = racine / "travail"
        shutil.copytree(self.travail, travail)
        env = dict(self.env, CPFADMIN_HOME=str(maison), CPFADMIN_TEST_KEYRING_FILE=str(trousseau))
        return Histoire(env, travail, copy.deepcopy(self.comptes), self.session, self.numero)

    # --- what a command taught us ---------------------------------------------------------
    def apprendre(self, r: Execution, mots: list[str], nouveaux: dict[str, str]) -> None:
        vue = dict(
            (m[1], m[2])
            for m in re.finditer(
                r"(?m)^(Identifiant|E-mail|Mot de passe temporaire)\s+(\S+)\s*$", r.stdout
            )
        )
        if mots[:1] == ["init"] and "Identifiant" in vue:
            adresse = mots[mots.index("--email") + 1]
            c = Compte(
                adresse, vue["Identifiant"], adresse, temporaire=vue["Mot de passe temporaire"]
            )
            self.comptes[c.identifiant] = c
        elif "Identifiant" in vue and "E-mail" in vue:
            c = self.comptes.get(vue["Identifiant"]) or Compte(
                vue["E-mail"], vue["Identifiant"], vue["E-mail"]
            )
            self.comptes[c.identifiant] = c
            self._adresse(c, vue["E-mail"])
        elif mots[:1] == ["me"] and "E-mail" in vue and self.session:
            self._adresse(self.comptes[self.session], vue["E-mail"])
        for identifiant, nouveau in nouveaux.items():
            self.mot_de_passe_choisi(self.comptes[identifiant], nouveau)
        if mots[:1] == ["login"] and len(mots) > 1:
            self.session = mots[1]
        elif mots[:1] == ["logout"]:
            self.session = None

    def _adresse(self, c: Compte, adresse: str) -> None:
        if adresse.lower() != c.email.lower():
            c.email = adresse
            c.courriels_lus = len(self.temporaires(c))


def substituer(texte: str, d: Directive, h: Histoire, ou: str, url_postgres: str | None) -> str:
    for mot, sens in d.substitutions.items():
        if mot.startswith("$"):
            continue
        if mot not in texte:
            continue
        if sens.genre == "identifiant":
            assert sens.adresse
            valeur = h.compte(sens.adresse, ou).identifiant
        elif sens.genre == "serveur":
            valeur = h.url_serveur()
        elif sens.genre == "postgres":
            if url_postgres is None:
                raise ErreurGuide(f"{ou} : bloc PostgreSQL lancé sans base de test")
            valeur = shlex.quote(url_postgres)
        else:
            raise ErreurGuide(f"{ou} : {mot} n'est pas une variable du shell ($NOM)")
        texte = re.sub(rf"(?<![\w.@/]){re.escape(mot)}(?![\w@])", lambda _m, v=valeur: v, texte)
    return texte


def verifier_substitutions(bloc: Bloc) -> None:
    """Every placeholder a directive names is used by its block."""
    for mot in bloc.directive.substitutions:
        if mot not in bloc.texte:
            raise ErreurGuide(f"{bloc.ou} : « {mot} » n'apparaît pas dans le bloc")


# --- playing a bash block ----------------------------------------------------------------------
def jouer_bash(h: Histoire, bloc: Bloc, url_postgres: str | None = None) -> list[Execution]:
    d = bloc.directive
    if d.connecte:
        c = h.compte(d.connecte, bloc.ou)
        if h.session != c.identifiant:
            h.connecter(c)
    lignes = commandes(bloc)
    if not lignes:
        raise ErreurGuide(f"{bloc.ou} : bloc sans commande, ni directive « non exécuté »")
    attendus: dict[int, int] = {}
    for debut, code in d.codes.items():
        visees = [k for k, ligne in enumerate(lignes) if ligne.startswith(debut)]
        if len(visees) != 1:
            raise ErreurGuide(f"{bloc.ou} : « code {code} : {debut} » vise {len(visees)} ligne(s)")
        attendus[visees[0]] = code
    executions = []
    exports: list[str] = []
    for k, ligne in enumerate(lignes):
        commande = substituer(ligne, d, h, bloc.ou, url_postgres)
        mots = sous_commande(commande)
        env = dict(h.env)
        nouveaux: dict[str, str] = {}
        for variable, sens in d.substitutions.items():
            if not variable.startswith("$") or variable not in ligne:
                continue
            assert sens.adresse
            c = h.compte(sens.adresse, bloc.ou)
            if sens.genre == "temporaire":
                valeur = h.temporaire_en_attente(c)
                if valeur is None:
                    raise ErreurGuide(f"{bloc.ou} : {c.adresse} n'a pas de mot de passe temporaire")
            elif sens.genre == "actuel":
                if c.mot_de_passe is None:
                    raise ErreurGuide(f"{bloc.ou} : {c.adresse} n'a pas encore de mot de passe")
                valeur = c.mot_de_passe
            else:
                valeur = nouveaux[c.identifiant] = h.nouveau_mot_de_passe()
            env[variable[1:]] = valeur
        repondre = repondeur(h, mots, nouveaux, bloc.ou)
        r = lancer("\n".join([*exports, commande]), env, h.travail, repondre)
        r = Execution(commande, r.code, r.stdout, r.stderr)
        assert "Traceback" not in r.stdout + r.stderr, (bloc.ou, r)
        assert r.code == attendus.get(k, 0), (bloc.ou, r)
        if r.code == 0:
            h.apprendre(r, mots, nouveaux)
        if ligne.startswith("export "):
            exports.append(commande)
        executions.append(r)
    return executions


def repondeur(
    h: Histoire, mots: list[str], nouveaux: dict[str, str], ou: str
) -> Callable[[str], str]:
    """Answers to the prompts of a command, as its account's owner would type them."""
    if mots[:1] == ["login"] and len(mots) > 1:
        cible = h.comptes.get(mots[1])
    elif mots[:2] in (["password", "change"], ["me", "update"]) and h.session:
        cible = h.comptes[h.session]
    else:
        cible = None

    def repondre(invite: str) -> str:
        if invite.endswith("[o/N]:"):
            return "o"
        if cible is None or not invite.startswith(SECRETES):
            raise AssertionError(f"{ou} : invite inattendue « {invite} » pour {mots}")
        if invite.startswith(("Nouveau mot de passe", "Confirmez")):
            if cible.identifiant not in nouveaux:
                nouveaux[cible.identifiant] = h.nouveau_mot_de_passe()
            return nouveaux[cible.identifiant]
        if invite.startswith("Mot de passe actuel"):
            assert cible.mot_de_passe, cible
            return cible.mot_de_passe
        secret = h.temporaire_en_attente(cible) or cible.mot_de_passe
        assert secret, cible
        return secret

    return repondre


# --- playing a console transcript --------------------------------------------------------------
def normaliser(ligne: str) -> str:
    ligne = re.sub(r"─+", "─", ligne)
    return " ".join(ligne.split())


def motif_de_ligne(attendue: str) -> re.Pattern[str] | None:
    """A transcript line as a pattern of a real line: masked input dropped, ``…`` matches
    anything, dates and times match any; ``None`` for a line that is only an elision."""
    attendue = normaliser(re.sub(r":\s*\*+\s*$", ":", attendue))
    if attendue == "…":
        return None
    motif = re.escape(attendue).replace("…", ".*")
    motif = re.sub(r"\d\d/\d\d/\d\d\d\d", r"\\d\\d/\\d\\d/\\d{4}", motif)
    motif = re.sub(r"(?<![\d/])\d\d:\d\d(?!\d)", r"\\d\\d:\\d\\d", motif)
    return re.compile(motif)


def jouer_console(h: Histoire, bloc: Bloc) -> None:
    d = bloc.directive
    if d.connecte:
        c = h.compte(d.connecte, bloc.ou)
        if h.session != c.identifiant:
            h.connecter(c)
    sessions: list[tuple[str, list[str]]] = []
    for ligne in bloc.lignes:
        if ligne.startswith("$ "):
            sessions.append((ligne[2:], []))
        elif sessions:
            sessions[-1][1].append(ligne)
        elif ligne.strip():
            raise ErreurGuide(f"{bloc.ou} : transcription qui ne commence pas par « $ »")
    if not sessions:
        raise ErreurGuide(f"{bloc.ou} : transcription sans commande")
    for commande, attendues in sessions:
        commande = substituer(commande, d, h, bloc.ou, None)
        attendues = [substituer(a, d, h, bloc.ou, None) for a in attendues]
        mots = sous_commande(commande)
        nouveaux: dict[str, str] = {}
        secrets: list[str] = []
        cible = h.comptes.get(mots[1]) if mots[:1] == ["login"] else None
        if cible is not None and (temporaire := h.temporaire_en_attente(cible)):
            secrets.append(temporaire)
        r = lancer(
            commande, h.env, h.travail, repondeur(h, mots, nouveaux, bloc.ou), tout_au_terminal=True
        )
        sortie = ANSI.sub("", r.stdout).replace("\r", "")
        assert "Traceback" not in sortie, (bloc.ou, r)
        attendu = next((n for debut, n in d.codes.items() if commande.startswith(debut)), 0)
        assert r.code == attendu, (bloc.ou, r)
        for secret in [*secrets, *nouveaux.values()]:
            assert secret not in sortie, (bloc.ou, "secret affiché", r)
        reelles = [normaliser(x) for x in sortie.splitlines()]
        position = 0
        for attendue in attendues:
            motif = motif_de_ligne(attendue)
            if motif is None:
                continue
            while position < len(reelles) and not motif.fullmatch(reelles[position]):
                position += 1
            assert position < len(reelles), (
                f"{bloc.ou} : ligne de la transcription absente de la sortie réelle "
                f"(ou dans le désordre) :\n  {attendue}\n--- sortie réelle ---\n{sortie}"
            )
            position += 1
        h.apprendre(r, mots, nouveaux)


# --- the tests ---------------------------------------------------------------------------------
def test_every_block_of_the_guide_is_run_or_says_why() -> None:
    blocs = tous_les_blocs()
    chapitres = {b.fichier for b in blocs}
    assert chapitres - {f for f, _ in HISTOIRE} == set(), "chapitre absent de HISTOIRE"
    places = en_ordre_d_histoire(blocs)
    for b in blocs:
        assert places.count(b) == 1, f"{b.ou} : dans {places.count(b)} étape(s) de HISTOIRE"
        verifier_substitutions(b)
        d = b.directive
        if d.non_execute:
            continue
        if b.langue == "bash":
            assert commandes(b), f"{b.ou} : bloc sans commande, ni directive « non exécuté »"
            for debut in d.codes:
                assert sum(c.startswith(debut) for c in commandes(b)) == 1, (b.ou, debut)
        elif b.langue == "console":
            assert any(x.startswith("$ ") for x in b.lignes), f"{b.ou} : transcription vide"
        elif b.langue == "toml":
            assert d == Directive(), f"{b.ou} : un bloc toml se vérifie sans directive"
        else:
            raise ErreurGuide(
                f"{b.ou} : bloc « {b.langue or 'sans langue'} » : ni bash, ni console, ni toml, "
                "et pas de directive « non exécuté »"
            )
    # The story really is there: the operator's first steps come first.
    assert places[0].fichier == "10-operateurs.md" and "cpfadmin init" in places[0].texte


def test_a_wrong_directive_or_block_fails_with_where_and_why(tmp_path: Path) -> None:
    def erreur(markdown: str) -> str:
        chemin = tmp_path / "99-essai.md"
        chemin.write_text(markdown, encoding="utf-8")
        with pytest.raises(ErreurGuide) as e:
            for b in lire_chapitre(chemin):
                verifier_substitutions(b)
                if b.langue == "bash":
                    jouer_bash(Histoire({}, tmp_path), b)
        return str(e.value)

    assert "clause de directive inconnue" in erreur(
        "<!-- exemple : connectée comme x@y.fr -->\n```bash\ncpfadmin me\n```\n"
    )
    assert "n'apparaît pas" in erreur(
        "<!-- exemple : XYZ = x@y.fr -->\n```bash\ncpfadmin me\n```\n"
    )
    assert "compte inconnu" in erreur(
        "<!-- exemple : connecté en tant que x@y.fr -->\n```bash\ncpfadmin me\n```\n"
    )
    assert "ne précède aucun bloc" in erreur("<!-- exemple : sur une copie -->\nTexte.\n")
    assert "sans commande" in erreur("```bash\n# rien\n```\n")
    assert "vise 0 ligne" in erreur(
        "<!-- exemple : code 4 : cpfadmin moi -->\n```bash\ncpfadmin me\n```\n"
    )


def test_the_transcript_patterns_elide_and_mask_only_what_they_say() -> None:
    motif = motif_de_ligne("Mot de passe: ********")
    assert motif is not None and motif.fullmatch("Mot de passe:")
    motif = motif_de_ligne("Session valable jusqu'au 02/03/2026 à 21:00 ; jeton (…).")
    assert motif is not None
    assert motif.fullmatch("Session valable jusqu'au 28/11/2026 à 06:04 ; jeton (fichier x).")
    assert not motif.fullmatch("Session valable jusqu'au 28/11/2026 ; jeton (fichier x).")
    assert motif_de_ligne("  …") is None
    motif = motif_de_ligne("╭── Conditions — version 1.0 ──╮")
    assert motif is not None and motif.fullmatch(
        normaliser("╭──────── Conditions — version 1.0 ────╮")
    )
    assert not motif.fullmatch(normaliser("╭── Conditions — version 2.0 ──╮"))


def environnement_guide(tmp_path: Path) -> dict[str, str]:
    """The test's isolated environment (autouse ``isolation`` fixture), with the installed
    ``cpfadmin`` first on ``PATH``."""
    bin_venv = Path(sys.executable).parent
    if not (bin_venv / "cpfadmin").exists():
        pytest.fail(f"cpfadmin n'est pas installé dans {bin_venv} (pip install -e .)")
    env = dict(os.environ)
    env["PATH"] = f"{bin_venv}{os.pathsep}{env.get('PATH', '')}"
    return env


def travail_neuf(tmp_path: Path) -> Path:
    """A working directory holding the guide's sample files, as a reader saves them."""
    travail = tmp_path / "travail"
    travail.mkdir()
    for f in GUIDE.iterdir():
        if f.is_file() and f.suffix != ".md":
            shutil.copy(f, travail)
    return travail


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_the_guide_runs_as_printed_from_an_empty_machine_to_habilitated_gestionnaires(
    tmp_path: Path,
) -> None:
    h = Histoire(environnement_guide(tmp_path), travail_neuf(tmp_path))
    joues = 0
    try:
        for b in en_ordre_d_histoire(tous_les_blocs()):
            d = b.directive
            if d.non_execute or d.postgres or b.langue == "toml":
                continue  # not run, or run by the tests below
            cible = h.copie(tmp_path / f"copie-{joues}") if d.copie else h
            if b.langue == "console":
                jouer_console(cible, b)
            else:
                jouer_bash(cible, b)
            joues += 1
    finally:
        h.arreter()
    # From an empty machine to habilitated gestionnaires: the last principal admin's session
    # sees the accounts the guide created.
    chloe = h.compte("chloe.bernard@lyon.fr", "fin")
    h.connecter(chloe)
    fini = subprocess.run(
        ["cpfadmin", "-o", "json", "gestionnaires", "list"],
        capture_output=True, text=True, env=h.env, cwd=h.travail, check=False,
    )  # fmt: skip
    assert fini.returncode == 0, fini.stderr
    comptes = {c["email"]: c for c in json.loads(fini.stdout)}
    assert comptes["lea.petit@exemple.fr"]["role"] == "administrateur_delegue"
    assert comptes["helene.lefevre@exemple.fr"]["statut"] == "actif"
    assert comptes["paul.durand@exemple.fr"]["statut"] == "supprime"  # removed in chapter 4
    assert (h.travail / "rapport.csv").exists() and (h.travail / "comptes.xlsx").exists()
    assert (h.travail / "evenements.csv").read_text(encoding="utf-8").strip()


def blocs_toml() -> list[Bloc]:
    return [b for b in tous_les_blocs() if b.langue == "toml"]


@pytest.mark.parametrize("bloc", blocs_toml(), ids=lambda b: f"{b.fichier}:{b.ligne}")
def test_a_toml_block_of_the_guide_is_a_profile_the_loader_reads_as_shown(
    bloc: Bloc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cpfadmin.config import charger_profil

    maison = tmp_path / "config-du-guide"
    maison.mkdir()
    (maison / "config.toml").write_text(bloc.texte, encoding="utf-8")
    monkeypatch.setenv("CPFADMIN_HOME", str(maison))
    donnees = tomllib.loads(bloc.texte)
    assert set(donnees) == {"profiles"}, bloc.ou
    for nom, section in donnees["profiles"].items():
        profil = charger_profil(nom)
        assert section, bloc.ou
        for cle, valeur in section.items():
            if cle == "mail":
                for k, v in valeur.items():
                    assert getattr(profil.courrier, k) == v, (bloc.ou, k)
            elif cle == "policy":
                for k, v in valeur.items():
                    assert getattr(profil.politiques, k) == v, (bloc.ou, k)
            elif cle == "connect_timeout_seconds":
                assert profil.connect_timeout_seconds == valeur, bloc.ou
            elif cle == "audit_checkpoint_key":
                assert profil.cle_point_de_controle == Path(valeur), bloc.ou
            elif cle == "server":
                assert profil.serveur == valeur, bloc.ou
            elif cle == "ca_bundle":
                assert profil.ca_bundle == Path(valeur), bloc.ou
            else:
                assert cle == "database_url", (bloc.ou, cle)
                assert profil.url_base == valeur and profil.url_explicite, bloc.ou


def blocs_postgres() -> list[Bloc]:
    return [b for b in tous_les_blocs() if b.directive.postgres]


@pytest.mark.postgres
@pytest.mark.parametrize("bloc", blocs_postgres(), ids=lambda b: f"{b.fichier}:{b.ligne}")
def test_a_postgresql_block_of_the_guide_runs_on_a_fresh_database(
    bloc: Bloc, tmp_path: Path
) -> None:
    exiger(URL_POSTGRES is not None, "pas de PostgreSQL (CPFADMIN_TEST_POSTGRES_URL absente)")
    nom, url = _creer_base_postgres()
    try:
        h = Histoire(environnement_guide(tmp_path), travail_neuf(tmp_path))
        executions = jouer_bash(h, bloc, url_postgres=url)
    finally:
        _supprimer_base_postgres(nom)
    assert any(r.code == 0 and "init" in r.commande for r in executions)
    assert all(nom in r.commande for r in executions if r.commande.startswith("export "))


def test_the_guides_sample_file_made_in_excel_imports_with_its_accents(cli, operateur):
    # The operator names the organisme (here the CDC's own): never imported into by omission.
    cdc = ("--organisme", "18002002600019")
    r = cli(
        "-o", "json", "gestionnaires", "import", str(EXEMPLE), *cdc, "--create-unites", "--dry-run"
    )
    assert r.exit_code == 0, r.stderr
    assert json_de(r)["resume"]["a_creer"] == 4
    r = cli("-o", "json", "gestionnaires", "import", str(EXEMPLE), *cdc, "--create-unites")
    assert r.exit_code == 0, r.stderr
    rapport = json_de(r)
    assert rapport["resume"]["crees"] == 4
    assert rapport["source"].startswith("CSV (Windows-1252")
    comptes = {c["email"]: c for c in json_de(cli("-o", "json", "gestionnaires", "list"))}
    assert comptes["helene.lefevre@exemple.fr"]["prenom"] == "Hélène"
    assert comptes["francois.muller@exemple.fr"]["nom"] == "Müller"
    assert comptes["francois.muller@exemple.fr"]["role"] == "administrateur_delegue"
    assert comptes["zoe.dupre@exemple.fr"]["unite"] == "Ressources humaines"
    # Run again: nothing is created twice.
    r = cli("-o", "json", "gestionnaires", "import", str(EXEMPLE), *cdc, "--create-unites")
    assert json_de(r)["resume"]["existants"] == 4

"""Helpers for the habilitation console tests: acting as several accounts through the
in-process CLI, reading the e-mails the ``file`` transport wrote, and looking into the store
behind cpfadmin's back."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from tests.support.base import lignes

SIRET_EMPLOYEUR = "73282932000074"
SIRET_AUTRE = "55210055400013"
SIRET_REGION = "44306184100013"
SIRET_INCONNU = "73282932000017"  # valid checksum, never created
SIRET_CDC = "18002002600019"

MOT_DE_PASSE_ADMIN = "Phrase-De-Passe-Solide-2026!"
MOT_DE_PASSE_GESTIONNAIRE = "Solide-Gest-2026!"

LIGNE_TEMPORAIRE = re.compile(r"Votre mot de passe temporaire : (\S+)")


# --- e-mails -----------------------------------------------------------------------------------
def dossier_courrier() -> Path:
    return Path(os.environ["CPFADMIN_HOME"]) / "data" / "courrier"


def courriels() -> list[EmailMessage]:
    """Every message the file transport wrote, oldest first."""
    dossier = dossier_courrier()
    if not dossier.exists():
        return []
    fichiers = sorted(dossier.glob("*.eml"), key=lambda f: f.stat().st_mtime_ns)
    return [
        email.message_from_bytes(f.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for f in fichiers
    ]


def corps(message: EmailMessage) -> str:
    partie = message.get_body(preferencelist=("plain",))
    assert partie is not None
    return partie.get_content()


def mot_de_passe_temporaire(adresse: str) -> str:
    """The temporary password of the last message sent to ``adresse``."""
    recus = [m for m in courriels() if m["To"].lower() == adresse.lower()]
    assert recus, f"aucun message pour {adresse}"
    trouve = LIGNE_TEMPORAIRE.search(corps(recus[-1]))
    assert trouve, corps(recus[-1])
    return trouve.group(1)


def tous_les_temporaires() -> list[str]:
    return [t.group(1) for m in courriels() if (t := LIGNE_TEMPORAIRE.search(corps(m))) is not None]


# --- the store ---------------------------------------------------------------------------------
TABLES_ECRITES = (
    "organisme", "compte", "unite", "evenement_audit", "message", "cgu", "politique",
)  # fmt: skip


def empreinte(url: str) -> dict[str, int]:
    """How many rows each table a console command may write holds: equal before and after a
    refused command means it wrote nothing."""
    return {t: lignes(url, f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES_ECRITES}


def evenements(url: str, action: str | None = None) -> list[dict[str, Any]]:
    """Audit events, oldest first, with their details decoded."""
    sql = "SELECT seq, action, acteur, organisme, cible, details FROM evenement_audit"
    parametres: dict[str, str] = {}
    if action:
        sql += " WHERE action = :action"
        parametres["action"] = action
    sql += " ORDER BY seq"
    resultat = []
    for seq, act, acteur, organisme, cible, details in lignes(url, sql, **parametres):
        if isinstance(details, str):
            details = json.loads(details)
        resultat.append(
            {
                "seq": seq,
                "action": act,
                "acteur": acteur,
                "organisme": organisme,
                "cible": cible,
                "details": details,
            }
        )
    return resultat


def dernier_evenement(url: str, action: str) -> dict[str, Any]:
    trouves = evenements(url, action)
    assert trouves, f"aucun événement {action}"
    return trouves[-1]


def comptes(url: str, siret: str) -> list[dict[str, Any]]:
    sql = (
        "SELECT c.identifiant, c.email, c.role, c.statut, c.unite_id FROM compte c "
        "JOIN organisme o ON o.id = c.organisme_id WHERE o.siret = :siret ORDER BY c.id"
    )
    return [
        {"identifiant": i, "email": e, "role": r, "statut": s, "unite_id": u}
        for i, e, r, s, u in lignes(url, sql, siret=siret)
    ]


def principaux_actifs(url: str, siret: str) -> list[str]:
    return [
        c["identifiant"]
        for c in comptes(url, siret)
        if c["role"] == "administrateur_principal" and c["statut"] == "actif"
    ]


def sessions_ouvertes(url: str, identifiant: str) -> int:
    sql = (
        "SELECT COUNT(*) FROM session s JOIN compte c ON c.id = s.compte_id "
        "WHERE c.identifiant = :identifiant AND s.revoquee_le IS NULL"
    )
    return lignes(url, sql, identifiant=identifiant)[0][0]


# --- acting through the CLI --------------------------------------------------------------------
def commande_construite_une_fois(monkeypatch: Any) -> None:
    """typer's CliRunner rebuilds the click command from the Typer app at every invocation
    (~40 ms, most of an in-process command's time); these tests run dozens of commands each,
    so the command is built once per test. The command itself is stateless."""
    import typer.testing

    construire = typer.testing._get_command
    construites: dict[int, Any] = {}

    def en_cache(app: Any) -> Any:
        if id(app) not in construites:
            construites[id(app)] = construire(app)
        return construites[id(app)]

    monkeypatch.setattr(typer.testing, "_get_command", en_cache)


def erreur_en_une_ligne(r: Any) -> str:
    """A refusal is one French line on stderr, nothing on stdout, no traceback."""
    lignes_erreur = [ligne for ligne in r.stderr.splitlines() if ligne.strip()]
    assert len(lignes_erreur) == 1, r.stderr
    assert lignes_erreur[0].startswith("Erreur : "), r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout == ""
    return lignes_erreur[0]


@dataclass
class Console:
    """The CLI, acting as whichever account a test names by its session token (as a script
    would with ``CPFADMIN_TOKEN``)."""

    cli: Callable[..., Any]
    url: str

    def __call__(self, *args: str, jeton: str | None = None, input: str | None = None) -> Any:
        env = {"CPFADMIN_TOKEN": jeton} if jeton else None
        return self.cli(*args, input=input, env=env)

    def ok(self, *args: str, jeton: str | None = None, input: str | None = None) -> Any:
        r = self(*args, jeton=jeton, input=input)
        assert r.exit_code == 0, (args, r.stdout, r.stderr)
        return r

    def json(self, *args: str, jeton: str | None = None) -> Any:
        return json.loads(self.ok("-o", "json", *args, jeton=jeton).stdout)

    def connecter(self, identifiant: str, mot_de_passe: str) -> str:
        """Log in (no step required) and return the session token."""
        self.ok("login", identifiant, "--password-stdin", input=f"{mot_de_passe}\n")
        return _jeton_courant()

    def premiere_connexion(self, identifiant: str, adresse: str, nouveau: str) -> str:
        """First login with the temporary password read from the e-mail sent to ``adresse``;
        returns the session token."""
        temporaire = mot_de_passe_temporaire(adresse)
        self.ok(
            "login",
            identifiant,
            "--password-stdin",
            "--accept-cgu",
            input=f"{temporaire}\n{nouveau}\n",
        )
        return _jeton_courant()

    def initialiser(self, mot_de_passe: str = MOT_DE_PASSE_ADMIN) -> str:
        """``init``, then the first operator's first login (its temporary password is the one
        ``init`` shows); returns the operator's identifiant, logged in."""
        init = self.json(
            "init", "--nom", "Martin", "--prenom", "Alice",
            "--email", "alice.martin@caissedesdepots.fr", "--telephone-mobile", "06 12 34 56 78",
        )  # fmt: skip
        self.ok(
            "login", init["identifiant"], "--password-stdin", "--accept-cgu",
            input=f"{init['mot_de_passe_temporaire']}\n{mot_de_passe}\n",
        )  # fmt: skip
        return init["identifiant"]

    # --- the usual steps, each returning an identifiant ---------------------------------------
    def creer_organisme(
        self, jeton: str, siret: str, raison_sociale: str, type_: str = "employeur_prive"
    ) -> dict[str, Any]:
        return self.json(
            "organismes",
            "add",
            "--siret",
            siret,
            "--raison-sociale",
            raison_sociale,
            "--type",
            type_,
            jeton=jeton,
        )

    def designer(
        self, jeton: str, siret: str, nom: str, prenom: str, adresse: str, **telephones: str
    ) -> str:
        if not telephones:
            telephones = {"telephone_fixe": "04 72 00 00 00"}
        options = [f"--{k.replace('_', '-')}={v}" for k, v in telephones.items()]
        vue = self.json(
            "organismes",
            "designate-admin",
            siret,
            "--nom",
            nom,
            "--prenom",
            prenom,
            "--email",
            adresse,
            *options,
            jeton=jeton,
        )
        return vue["identifiant"]

    def ajouter(
        self,
        jeton: str,
        nom: str,
        prenom: str,
        adresse: str,
        *options: str,
        telephone: str = "06 11 22 33 44",
    ) -> str:
        vue = self.json(
            "gestionnaires",
            "add",
            "--nom",
            nom,
            "--prenom",
            prenom,
            "--email",
            adresse,
            "--telephone-mobile",
            telephone,
            *options,
            jeton=jeton,
        )
        return vue["identifiant"]


def employeur_inscrit(console: Console, operateur: str) -> tuple[str, str, str]:
    """The usual employer world: the operator logged in, « Transports Lumière SAS » registered,
    Chloé Bernard its principal admin, first login done. Returns (operator's token, admin's
    identifiant, admin's token). Built once per test session and copied afterwards."""
    from tests.support import gabarits

    def construire() -> tuple[str, str, str]:
        op = console.connecter(operateur, MOT_DE_PASSE_ADMIN)
        console.creer_organisme(op, SIRET_EMPLOYEUR, "Transports Lumière SAS")
        adresse = "chloe.bernard@lumiere.example"
        ap = console.designer(op, SIRET_EMPLOYEUR, "Bernard", "Chloé", adresse)
        return op, ap, console.premiere_connexion(ap, adresse, MOT_DE_PASSE_ADMIN)

    return gabarits.monde("employeur", construire)


def _jeton_courant() -> str:
    from cpfadmin.cli.context import contexte

    stocke = contexte().coffre().lire()
    assert stocke is not None
    return stocke.jeton

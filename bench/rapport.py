"""The report: the table of measures and their notes, as written to docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime

from bench.mesures import Mesure

# Notes for the report that belong to no measure (an ODS row skipped, say).
REMARQUES: list[str] = []


def rapport(mesures: list[Mesure], commande: str) -> str:
    lignes = [
        "# Benchmarks",
        "",
        f"Produit par `{commande}` le {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, sur "
        f"{platform.node() or 'cette machine'} ({platform.machine()}, {os.cpu_count()} cœurs, "
        f"Python {platform.python_version()}, {platform.system()}).",
        "",
        "Chaque mesure est un rapport à une référence mesurée dans la même exécution, en "
        "alternance avec elle, médiane de plusieurs essais (SPEC §7).",
        "",
        "| mesure | cpfadmin | référence | rapport | cible | atteinte |",
        "|---|---|---|---|---|---|",
    ]
    for m in mesures:
        if m.unite == "s":
            cible = f"≤ {m.cible:g}×" if m.cible is not None else "—"
            lignes.append(
                f"| {m.nom} | {m.mesure * 1000:.0f} ms | {m.reference * 1000:.0f} ms | "
                f"{m.ratio:.2f}× | {cible} | {m.verdict} |"
            )
        else:
            lignes.append(
                f"| {m.nom} | +{m.mesure:.1f} Mo | {m.reference:.0f} Mo | — | < {m.cible:g} Mo | "
                f"{m.verdict} |"
            )
    lignes += ["", "Notes :", ""]
    lignes += [f"- {m.nom} — {m.note}" for m in mesures if m.note]
    lignes += [f"- {r}" for r in REMARQUES]
    plancher = next((m for m in mesures if m.nom.startswith("… plancher : ")), None)
    cadre = next((m for m in mesures if m.nom.startswith("… plancher du cadre")), None)
    if plancher is not None and cadre is not None:
        texte = DEMARRAGE.format(plancher=plancher.ratio, cadre=cadre.ratio)
        lignes += ["", *texte.splitlines()]
    return "\n".join(lignes) + "\n"


DEMARRAGE = """## Démarrage : où va le temps de login

La cible de login (1,3× « démarrage de Python + une vérification bcrypt ») laisse à tout le
reste le tiers d'une vérification bcrypt. Deux planchers, mesurés dans la même exécution,
sont déjà au-dessus :

- **le cadre** : une application Typer minimale dont la seule commande lit une ligne et
  vérifie une empreinte bcrypt, sans base ni session, fait {cadre:.2f}× la référence. Typer
  (imposé par le cadre du projet) charge Click et, pour convertir les paramètres d'une
  commande, Pydantic : aucun programme construit sur lui n'atteint 1,3× ici ;
- **la couche de stockage** : importer SQLAlchemy, SQLModel (imposés eux aussi) et les
  modèles, sans rien exécuter, fait à lui seul {plancher:.2f}× la référence.
  `python -X importtime -m cpfadmin login …` montre que ce temps est pour l'essentiel
  l'exécution des modules de SQLAlchemy (création de classes), que rien ne permet de
  différer.

Ces deux imports tiennent le GIL et s'additionnent ; la vérification bcrypt, elle, le libère.

Ce que login fait déjà pour s'en approcher :

- la vérification bcrypt (qui libère le GIL) démarre sur un autre cœur dès que l'empreinte
  est lue avec le pilote nu (`store/apercu.py`), pendant que SQLAlchemy se charge ; elle
  ne s'ajoute donc plus au temps des imports ;
- à un terminal, les imports se font pendant que la personne tape son mot de passe (fil
  de préchargement) : après Entrée, il ne reste guère que la vérification bcrypt ;
- l'empreinte factice des identifiants inconnus est une constante (plus de second calcul
  bcrypt) ;
- pas d'analyse des greffons Pydantic, pas de Rich quand la sortie d'erreur n'est pas un
  terminal, le paquet compilé en bytecode comme après `pip install`.

Atteindre 1,3× demanderait une commande login écrite sans Typer et sans SQLAlchemy (analyse
des arguments à la main, requêtes pour le pilote nu en double de l'unité de travail, de
l'audit chaîné et des dépôts) : ce n'est pas fait, parce que la ligne de commande et les
règles de connexion vivraient alors en deux endroits. La cible est à revoir avec le cadre.

La cible de `gestionnaires list` porte sur le passage à l'échelle (« sur un magasin de
100 000 comptes », contre « la requête SQL indexée brute ») : comme celle de l'import, elle
est mesurée du début de la commande à sa sortie écrite, modules chargés, chaque essai dans un
processus neuf ; le chiffre des processus entiers, démarrage compris, est donné à côté pour
information."""

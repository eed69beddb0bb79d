"""Issue 11, point 6: one label table serves every view. No command writes its own
(key, label) pairs: the labels come from ``cli.libelles``, and the few contextual ones are
declared where the same key means something else in that view."""

from __future__ import annotations

import ast
from pathlib import Path

import cpfadmin.cli
from cpfadmin.cli.libelles import LIBELLES, colonnes

CLI = Path(cpfadmin.cli.__file__).parent
# (file, key): the label differs from the table's on purpose, and says why in the view.
CONTEXTUELS = {
    ("password.py", "email"),  # « Mot de passe temporaire envoyé à »
    ("sessions.py", "valide"),  # a session's validity, not the audit chain's integrity
}


def _paires_litterales(arbre: ast.AST):  # type: ignore[no-untyped-def]
    for noeud in ast.walk(arbre):
        if (
            isinstance(noeud, ast.Tuple)
            and len(noeud.elts) == 2
            and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in noeud.elts)
        ):
            yield noeud


def test_no_view_writes_its_own_labels_outside_colonnes():
    trouvees = []
    for fichier in sorted(CLI.glob("*.py")):
        if fichier.name == "libelles.py":
            continue
        arbre = ast.parse(fichier.read_text())
        dans_colonnes = {
            id(arg)
            for appel in ast.walk(arbre)
            if isinstance(appel, ast.Call) and getattr(appel.func, "id", None) == "colonnes"
            for arg in appel.args
        }
        for paire in _paires_litterales(arbre):
            cle, libelle = (e.value for e in paire.elts)  # type: ignore[attr-defined]
            if cle not in LIBELLES or LIBELLES[cle] == libelle:
                if cle in LIBELLES:
                    trouvees.append(f"{fichier.name}: ({cle!r}, {libelle!r}) : colonnes({cle!r})")
                continue
            if id(paire) not in dans_colonnes or (fichier.name, cle) not in CONTEXTUELS:
                trouvees.append(f"{fichier.name}: ({cle!r}, {libelle!r}) hors du tableau")
    assert not trouvees, "\n".join(trouvees)


def test_colonnes_takes_its_labels_from_the_table_and_keeps_a_declared_one():
    assert colonnes("identifiant", ("valide", "Valide"), "tentatives") == [
        ("identifiant", "Identifiant"),
        ("valide", "Valide"),
        ("tentatives", "Essais"),
    ]

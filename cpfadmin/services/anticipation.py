"""A login's head start: its bcrypt verification begins on another core while the store layer
(SQLAlchemy, SQLModel: most of a login's start-up) is still being imported.

Light on purpose: this module imports neither SQLAlchemy nor the models.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cpfadmin.domain import authentifiants
from cpfadmin.domain.identifiant import normaliser_identifiant


def anticiper_connexion(
    url: str, saisie: str, mot_de_passe: str, delai: float = 5.0
) -> authentifiants.Anticipation:
    """Start verifying ``mot_de_passe`` against what ``auth.commencer_connexion`` will verify it
    against — the account's hash, or the dummy one for an unknown or locked account — read
    early with the bare driver. The service re-reads the account and uses the result only for
    the same stored value, so a stale or failed early read costs time, never correctness."""

    def lire_hache() -> str:
        from cpfadmin.domain.politique import Politiques
        from cpfadmin.store import apercu

        identifiant = normaliser_identifiant(saisie)
        compte, cout = apercu.lire_compte(url, identifiant, delai)
        cout = cout or Politiques().bcrypt_cost
        if compte is None or not identifiant:
            return authentifiants.hache_a_verifier(None, False, cout)
        hache, verrouille_jusqua = compte
        verrouille = authentifiants.est_verrouille(verrouille_jusqua, datetime.now(UTC))
        return authentifiants.hache_a_verifier(hache, verrouille, cout)

    return authentifiants.anticiper(mot_de_passe, lire_hache)

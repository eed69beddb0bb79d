"""Use cases of ``init`` and ``db``: create the store and keep its schema at head. Local only:
they need the store's own credentials, which a server never lends."""

from __future__ import annotations

from typing import Any

from cpfadmin.application.noyau import Groupe


class Base(Groupe):
    def initialiser(
        self,
        *,
        nom: str,
        prenom: str,
        email: str,
        telephone_fixe: str | None = None,
        telephone_mobile: str | None = None,
    ) -> dict[str, Any]:
        """Create the store, the cdc organisme, its first operator and CGU 1.0; raises
        ``DejaInitialise`` for a store already initialised. The input is validated before the
        store is touched: bad input writes nothing, not even an empty base. Returns the
        operator's ``identifiant`` and, once, its ``mot_de_passe_temporaire``: nobody stands
        above this account to receive it by e-mail."""
        from cpfadmin.services.bootstrap import initialiser
        from cpfadmin.services.comptes import DonneesCompte
        from cpfadmin.store.migrate import mettre_a_jour

        donnees = DonneesCompte.valider(
            nom=nom,
            prenom=prenom,
            email=email,
            telephone_fixe=telephone_fixe,
            telephone_mobile=telephone_mobile,
        )
        noyau = self._noyau
        moteur = noyau.moteur(verifier_schema=False, creer=True)
        noyau.proteger(lambda: mettre_a_jour(moteur))
        politiques = noyau.politiques()
        resultat = noyau.executer(lambda uow: initialiser(uow, donnees, politiques))
        return {
            "identifiant": resultat.identifiant,
            "mot_de_passe_temporaire": resultat.mot_de_passe_temporaire,
            "temporaire_expire_le": resultat.temporaire_expire_le,
            "organisme_siret": resultat.organisme_siret,
            "base": noyau.base_affichee(),
        }

    def mettre_a_jour(self) -> dict[str, Any]:
        """Migrate the schema to head (creating a SQLite store if need be):
        ``revision_precedente``, ``revision``, ``a_jour``."""
        from cpfadmin.store.migrate import etat, mettre_a_jour

        noyau = self._noyau
        moteur = noyau.moteur(verifier_schema=False, creer=True)
        avant = noyau.proteger(lambda: etat(moteur))
        noyau.proteger(lambda: mettre_a_jour(moteur))
        apres = noyau.proteger(lambda: etat(moteur))
        return {
            "revision_precedente": avant.courante,
            "revision": apres.courante,
            "a_jour": apres.a_jour,
        }

    def etat(self) -> dict[str, Any]:
        """The schema's revision and the one this cpfadmin expects."""
        from cpfadmin.store.migrate import etat

        noyau = self._noyau
        moteur = noyau.moteur(verifier_schema=False)
        e = noyau.proteger(lambda: etat(moteur))
        return {
            "base": noyau.base_affichee(),
            "revision_courante": e.courante,
            "revision_attendue": e.attendue,
            "a_jour": e.a_jour,
        }

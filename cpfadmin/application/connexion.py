"""Use cases of ``login`` and ``logout``: a login as a protocol that can cross a wire (SPEC §3,
§8).

Step 1 (``commencer``) checks identifiant and password and returns the steps left — a new
password, the CGU — with a short-lived, single-use step token; nothing the store keeps secret.
Step 2 (``terminer``) continues the login that step token names, which the store keeps (its
digest, with the credential that was checked), never by what the client sends back.
"""

from __future__ import annotations

import contextlib
from typing import Any

from cpfadmin.application.noyau import Groupe

# The steps a login may require before a session, by name.
NOUVEAU_MOT_DE_PASSE = "nouveau_mot_de_passe"
CGU = "cgu"


class Connexion(Groupe):
    def preparer(self) -> None:
        """While a person types the password: load the store layer in a background thread
        (most of a login's start-up). An import of the same module in the main thread waits
        for it to finish, so nothing is used half-loaded."""
        import importlib
        import threading

        def charger() -> None:
            # A failure is the main thread's to report, at its own import.
            for module in ("cpfadmin.services.auth", "keyring"):
                with contextlib.suppress(Exception):
                    importlib.import_module(module)

        threading.Thread(target=charger, name="cpfadmin-prechargement", daemon=True).start()

    def commencer(
        self, identifiant: str, mot_de_passe: str, *, source: str | None = None
    ) -> dict[str, Any]:
        """Step 1. Raises ``IdentifiantsInvalides`` — the same for an unknown identifiant, a
        wrong password or a locked account — ``MotDePasseTemporaireExpire``, or
        ``ErreurAuthentification`` for a suspended account. Returns ``jeton_etape``,
        ``identifiant``, ``etapes`` (the names of the steps left), ``changement_requis``
        (``temporaire``, ``expire`` or None), ``regles`` (the password policy, when a new one
        is required) and ``cgu`` (``version`` and ``texte`` to accept, or None)."""
        from cpfadmin.services.anticipation import anticiper_connexion

        noyau = self._noyau
        profil = noyau.profil
        # The head start: bcrypt begins on another core, against the hash read with the bare
        # driver, while the store layer is still being imported below.
        # (A server has its modules loaded already: nothing to win there.)
        anticipation = (
            anticiper_connexion(
                profil.url_base, identifiant, mot_de_passe, profil.connect_timeout_seconds
            )
            if source is None
            else None
        )
        from cpfadmin.services import auth

        politiques = noyau.politiques()
        defi = noyau.executer(
            lambda uow: auth.commencer_connexion(
                uow, identifiant, mot_de_passe, politiques, anticipation, source=source
            )
        )
        etapes = [NOUVEAU_MOT_DE_PASSE] if defi.changement_requis else []
        if defi.cgu is not None:
            etapes.append(CGU)
        return {
            "jeton_etape": defi.jeton_etape,
            "identifiant": defi.identifiant,
            "etapes": etapes,
            "changement_requis": defi.changement_requis,
            "regles": list(defi.politique.description) if defi.changement_requis else [],
            "cgu": {"version": defi.cgu.version, "texte": defi.cgu.texte} if defi.cgu else None,
        }

    def verifier_nouveau(self, jeton_etape: str, candidat: str) -> None:
        """Raise ``MotDePasseNonConforme`` naming the rule ``candidat`` breaks (the account's
        last passwords included); the step stays open."""
        from cpfadmin.services import auth

        politiques = self._noyau.politiques()
        self._noyau.executer(
            lambda uow: auth.verifier_nouveau_pour_etape(uow, jeton_etape, candidat, politiques),
            lecture=True,
        )

    def terminer(
        self,
        jeton_etape: str,
        *,
        nouveau_mot_de_passe: str | None = None,
        cgu_acceptee: str | None = None,
    ) -> dict[str, Any]:
        """Step 2: the new password if one is required, the CGU version accepted if they are to
        be; then a session. Returns ``jeton`` (the session token, for the client to keep),
        ``identifiant``, ``session_expire_le``, ``session_inactivite_minutes``,
        ``mot_de_passe_change`` and ``cgu_acceptee``. Refused CGU raise ``CguNonAcceptees``
        after a new password is saved."""
        from cpfadmin.services import auth

        politiques = self._noyau.politiques()
        session = self._noyau.executer(
            lambda uow: auth.terminer_connexion(
                uow,
                jeton_etape,
                politiques,
                nouveau_mot_de_passe=nouveau_mot_de_passe,
                cgu_acceptee=cgu_acceptee,
            )
        )
        return {
            "jeton": session.jeton,
            "identifiant": session.identifiant,
            "session_expire_le": session.expire_le,
            "session_inactivite_minutes": politiques.session_idle_minutes,
            "mot_de_passe_change": session.mot_de_passe_change,
            "cgu_acceptee": session.cgu_acceptee,
        }

    def deconnecter(self, jeton: str | None, *, toutes: bool = False) -> dict[str, Any]:
        """End this session, or every session of its account: ``identifiant`` and
        ``sessions_terminees``."""
        from cpfadmin.services import auth

        acteur = self._noyau.authentifier(jeton)
        n = self._noyau.executer(lambda uow: auth.deconnecter(uow, acteur, toutes=toutes))
        return {"identifiant": acteur.identifiant, "sessions_terminees": n}

    def valide_jusqua(self, jeton: str) -> Any:
        """Until when the session of ``jeton`` stays usable if unused, or None when it no
        longer opens anything; counts as no activity."""
        from cpfadmin.services import auth

        politiques = self._noyau.politiques()
        return self._noyau.executer(
            lambda uow: auth.session_valide(uow, jeton, politiques), lecture=True
        )

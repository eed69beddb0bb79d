"""What a person reads in table output: one French label for every field of every view, and
the accented reading of the stable codes (rôles, statuts, types…). Display only: JSON and CSV
keep the keys and the codes (``supprime``, ``envoye``, ``administrateur_delegue``), which scripts
compare and which the filters (``--statut supprime``) take.

Pure data (and the domain's table of account fields, pure too): ``options`` builds its column
lists from it at ``--help`` time."""

from cpfadmin.domain.champs import CHAMPS

LIBELLES: dict[str, str] = {
    # accounts: the fields an administrator types, labelled by the domain's one table
    "identifiant": "Identifiant",
    **{c.nom: c.libelle for c in CHAMPS},
    "organisme_siret": "SIRET",
    "organisme_raison_sociale": "Organisme",
    "organisme_type": "Type d'organisme",
    "role": "Rôle",
    "role_libelle": "Rôle",
    "statut": "Statut",
    "cree_le": "Créé le",
    "derniere_connexion_le": "Dernière connexion",
    "verrouille_jusqua": "Verrouillé jusqu'au",
    "premiere_connexion_faite": "Première connexion faite",
    "mot_de_passe_temporaire": "Mot de passe temporaire",
    "mot_de_passe_temporaire_expire_le": "Mot de passe temporaire valable jusqu'au",
    "temporaire_expire_le": "Mot de passe temporaire valable jusqu'au",
    # me and sessions
    "operateur": "Opérateur CDC",
    "cgu_version_acceptee": "CGU acceptées",
    "session_expire_le": "Session valable jusqu'au",
    "session_inactivite": "Session close après",
    "profil": "Profil",
    "serveur": "Serveur",
    "stockage_jeton": "Jeton conservé dans",
    "autres_sessions_terminees": "Autres sessions terminées",
    "sessions_terminees": "Sessions terminées",
    "menu": "Menu",
    "fonction": "Fonction",
    "description": "Description",
    "acces": "Accès",
    "active": "Active",
    "valable_jusqua": "Valable jusqu'au",
    "deverrouille": "Compte déverrouillé",
    # organismes and unités
    "siret": "SIRET",
    "raison_sociale": "Raison sociale",
    "type": "Type",
    "administrateur_principal": "Administrateur principal",
    "comptes_actifs": "Comptes actifs",
    "libelle": "Unité",
    # messages
    "id": "N°",
    "destinataire": "Destinataire",
    "sujet": "Sujet",
    "tentatives": "Essais",
    "envoye_le": "Envoyé le",
    "derniere_erreur": "Dernière erreur",
    "envoyes": "Envoyés",
    "expires": "Expirés",
    "echecs": "Échecs",
    "en_attente": "En attente",
    # audit
    "seq": "N°",
    "horodatage": "Date",
    "action": "Action",
    "acteur": "Acteur",
    "organisme": "Organisme",
    "cible": "Cible",
    "details": "Détails",
    "valide": "Chaîne intègre",
    "evenements_verifies": "Événements vérifiés",
    # audit checkpoints
    "format": "Format",
    "condensat": "Empreinte",
    "dernier_evenement_le": "Dernier événement le",
    "pris_le": "Pris le",
    "pris_par": "Pris par",
    "algorithme": "Algorithme",
    "cle_publique": "Clé publique",
    "empreinte_cle": "Empreinte de la clé",
    "signature": "Signature",
    "points_de_controle": "Points de contrôle",
    "cle_de_confiance": "Clé de confiance",
    "fichier": "Fichier",
    "fichier_public": "Fichier de la clé publique",
    # CGU
    "version": "Version",
    "publiee_le": "Publiée le",
    "acceptee": "Acceptée",
    "acceptee_le": "Acceptée le",
    "texte": "Texte",
    # imports
    "ligne": "Ligne",
    "resultat": "Résultat",
    "colonne": "Colonne",
    "raison": "Raison",
    # security policy
    "cle": "Clé",
    "valeur": "Valeur",
    "defaut": "Par défaut",
    "bornes": "Bornes",
    "avant": "Avant",
    "hors_bornes": "Hors bornes",
    "modifie": "Modifiée",
    "modifie_par": "Modifiée par",
    "modifie_le": "Modifiée le",
    # store
    "base": "Base",
    "revision": "Révision",
    "revision_precedente": "Révision précédente",
    "revision_courante": "Révision courante",
    "revision_attendue": "Révision attendue",
    "a_jour": "À jour",
}

# The rôle reads the same in every table (short enough for a list at 80 columns).
ROLES = {
    "administrateur_principal": "adm. principal",
    "administrateur_delegue": "adm. délégué",
    "gestionnaire": "gestionnaire",
}
STATUTS = {
    # accounts and organismes
    "actif": "actif",
    "suspendu": "suspendu",
    "supprime": "supprimé",
    # messages
    "en_attente": "en attente",
    "envoye": "envoyé",
    "echec": "échec",
    "expire": "expiré",
    "remplace": "remplacé",
}
TYPES_ORGANISME = {
    "cdc": "CDC",
    "employeur_public": "employeur public",
    "employeur_prive": "employeur privé",
    "conseil_regional": "conseil régional",
    "opco": "OPCO",
    "france_travail": "France Travail",
}
RESULTATS_IMPORT = {
    "cree": "créé",
    "mis_a_jour": "mis à jour",
    "existant": "existant (ignoré)",
    "rejete": "rejeté",
    "a_creer": "à créer",
    "a_mettre_a_jour": "à mettre à jour",
}

# field → {code → what a person reads}; a code absent from its map is shown as is.
VALEURS: dict[str, dict[str, str]] = {
    "role": ROLES,
    "statut": STATUTS,
    "type": TYPES_ORGANISME,
    "organisme_type": TYPES_ORGANISME,
    "resultat": RESULTATS_IMPORT,
}

# The columns a person acts on (``gestionnaires show ABCD2345``, ``organismes show SIRET``,
# ``audit show N``): never cut nor folded in a table, however narrow the terminal.
IDENTIFIANTS = frozenset({"identifiant", "siret", "organisme_siret", "seq", "id"})


def libelle(cle: str) -> str:
    return LIBELLES.get(cle) or cle.replace("_", " ").capitalize()


def colonnes(*cles: str | tuple[str, str]) -> list[tuple[str, str]]:
    """(key, label) pairs for ``afficher``, labels from the one table above. A (key, label)
    pair is kept as given: only where the same key means something else in that view (a
    session's ``valide`` is not the audit chain's)."""
    return [cle if isinstance(cle, tuple) else (cle, libelle(cle)) for cle in cles]


def colonnes_restantes(vue: dict, deja: list[tuple[str, str]]) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    """The keys of ``vue`` not in ``deja``, labelled: a full record after its usual fields."""
    vues = {cle for cle, _ in deja}
    return [(cle, libelle(cle)) for cle in vue if cle not in vues]


def inactivite(minutes: float) -> str:
    """« 60 min sans activité »: the idle limit of a session, as ``login`` and ``me`` name it."""
    return f"{minutes:g} min sans activité"

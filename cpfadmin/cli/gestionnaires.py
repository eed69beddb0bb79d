"""``cpfadmin gestionnaires``: habiliter, lister, modifier, suspendre, supprimer."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from cpfadmin.application import importation
from cpfadmin.cli import completion
from cpfadmin.cli.context import _console_erreur, contexte
from cpfadmin.cli.libelles import colonnes, colonnes_restantes
from cpfadmin.cli.options import (
    COLONNES_COMPTE,
    COLONNES_LISTE,
    OBLIGATOIRE,
    UN_TELEPHONE,
    FiltreUnite,
    ForceFichier,
    Identifiant,
    Organisme,
    Oui,
)
from cpfadmin.cli.redaction import texte

app = typer.Typer(
    help="Habiliter et gérer les gestionnaires d'un organisme.\n\n"
    "Exemple : cpfadmin gestionnaires list --unite Paie",
    no_args_is_help=True,
)

Nom = Annotated[str | None, typer.Option(help="Nom.")]
Prenom = Annotated[str | None, typer.Option(help="Prénom.")]
Email = Annotated[
    str | None, typer.Option(help="Adresse e-mail (reçoit le mot de passe temporaire).")
]
Fixe = Annotated[str | None, typer.Option(help="Téléphone fixe (français).")]
Mobile = Annotated[str | None, typer.Option(help="Téléphone mobile (français).")]
# For add: what must be given (nom, prénom, e-mail, and one phone at least).
NomRequis = Annotated[str | None, typer.Option(help=f"Nom ; {OBLIGATOIRE}")]
PrenomRequis = Annotated[str | None, typer.Option(help=f"Prénom ; {OBLIGATOIRE}")]
EmailRequis = Annotated[
    str | None,
    typer.Option(help=f"Adresse e-mail (reçoit le mot de passe temporaire) ; {OBLIGATOIRE}"),
]
FixeRequis = Annotated[str | None, typer.Option(help=f"Téléphone fixe, français ({UN_TELEPHONE}).")]
MobileRequis = Annotated[
    str | None,
    typer.Option(help=f"Téléphone mobile, français ({UN_TELEPHONE})."),
]
UniteOpt = Annotated[
    str | None,
    typer.Option("--unite", help="Unité (créée au préalable).", autocompletion=completion.unites),
]
NiveauOpt = Annotated[
    str | None,
    typer.Option(
        "--niveau",
        help="Niveau d'habilitation : consultation ou gestion.",
        autocompletion=completion.niveaux,
    ),
]


@app.command("add")
def ajouter(
    organisme: Organisme = None,
    nom: NomRequis = None,
    prenom: PrenomRequis = None,
    email: EmailRequis = None,
    telephone_fixe: FixeRequis = None,
    telephone_mobile: MobileRequis = None,
    unite: UniteOpt = None,
    niveau: NiveauOpt = None,
    delegue: Annotated[
        bool,
        typer.Option(
            "--delegue",
            help="Administrateur délégué : pourra habiliter d'autres gestionnaires et "
            "renouveler leurs mots de passe (réservé à l'administrateur principal).",
        ),
    ] = False,
) -> None:
    """Habiliter un gestionnaire : affiche son identifiant, à lui transmettre ; son mot de passe
    temporaire lui est envoyé par e-mail.

    Au moins un numéro de téléphone est obligatoire ; l'unité et le niveau sont facultatifs.

    Exemple : cpfadmin gestionnaires add --nom Durand --prenom Paul --email paul.durand@example.fr
    --telephone-mobile 0612345678 --unite Paie --niveau gestion
    """
    from cpfadmin.cli.saisie import demander

    ctx = contexte()
    jeton = ctx.session()
    nom = nom or demander("Nom", option="--nom")
    prenom = prenom or demander("Prénom", option="--prenom")
    email = email or demander("E-mail", option="--email")
    if not telephone_fixe and not telephone_mobile and ctx.interactif:
        telephone_mobile = demander("Téléphone mobile")
    vue = ctx.app.gestionnaires.ajouter(
        jeton,
        organisme=organisme,
        nom=nom,
        prenom=prenom,
        email=email,
        telephone_fixe=telephone_fixe,
        telephone_mobile=telephone_mobile,
        unite=unite,
        niveau=niveau,
        delegue=delegue,
    )
    ctx.afficher(vue, colonnes=COLONNES_COMPTE)
    ctx.info(
        f"Compte créé : identifiant {vue['identifiant']}, à transmettre "
        + ("à l'administrateur délégué. " if delegue else "au gestionnaire. ")
        + f"Son mot de passe temporaire lui est envoyé à {vue['email']}."
    )


@app.command("list")
def lister(
    organisme: Organisme = None,
    unite: FiltreUnite = None,
    role: Annotated[
        str | None,
        typer.Option(
            help="administrateur_principal, administrateur_delegue ou gestionnaire.",
            autocompletion=completion.roles,
        ),
    ] = None,
    statut: Annotated[
        str | None,
        typer.Option(help="actif, suspendu ou supprime.", autocompletion=completion.statuts_compte),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", help="Nom, prénom, e-mail ou identifiant (sans accents ni casse)."
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Nombre maximal de comptes.", min=1, max=10_000_000)
    ] = None,
) -> None:
    """Lister les comptes d'un organisme, avec filtres.

    Exemple : cpfadmin -o json gestionnaires list --unite Paie --statut actif --search dupont
    """
    ctx = contexte()
    comptes = ctx.app.gestionnaires.lister(
        ctx.session(),
        organisme=organisme,
        unite=unite,
        role=role,
        statut=statut,
        recherche=search,
        limite=limit,
    )
    filtre = unite or role or statut or search
    vide = "Aucun compte ne correspond à ces filtres." if filtre else "Aucun gestionnaire."
    if ctx.sortie == "table":
        ctx.afficher(comptes, colonnes=COLONNES_LISTE, vide=vide)
        if comptes:
            ctx.info(f"{len(comptes)} compte(s).")
    else:
        ctx.afficher(comptes)


@app.command("show")
def montrer(identifiant: Identifiant) -> None:
    """Afficher les informations professionnelles d'un compte, dont son identifiant.

    Exemple : cpfadmin gestionnaires show ABCD2345
    """
    ctx = contexte()
    vue = ctx.app.gestionnaires.montrer(ctx.session(), identifiant)
    # The fields of add and update first, with their labels; then the rest of the record.
    ctx.afficher(vue, colonnes=[*COLONNES_COMPTE, *colonnes_restantes(vue, COLONNES_COMPTE)])


@app.command("update")
def modifier(
    identifiant: Identifiant,
    nom: Nom = None,
    prenom: Prenom = None,
    email: Email = None,
    telephone_fixe: Annotated[
        str | None, typer.Option(help='Téléphone fixe ; "" pour l\'effacer.')
    ] = None,
    telephone_mobile: Annotated[
        str | None, typer.Option(help='Téléphone mobile ; "" pour l\'effacer.')
    ] = None,
    unite: UniteOpt = None,
    sans_unite: Annotated[bool, typer.Option("--sans-unite", help="Retirer l'unité.")] = False,
    niveau: NiveauOpt = None,
    sans_niveau: Annotated[bool, typer.Option("--sans-niveau", help="Retirer le niveau.")] = False,
    delegue: Annotated[
        bool | None,
        typer.Option(
            "--delegue/--no-delegue", help="Attribuer ou retirer le rôle d'administrateur délégué."
        ),
    ] = None,
) -> None:
    """Modifier un compte : données, unité, niveau, rôle d'administrateur délégué.

    Exemple : cpfadmin gestionnaires update ABCD2345 --unite Formation --delegue
    """
    ctx = contexte()
    vue = ctx.app.gestionnaires.modifier(
        ctx.session(),
        identifiant,
        nom=nom,
        prenom=prenom,
        email=email,
        telephone_fixe=telephone_fixe,
        telephone_mobile=telephone_mobile,
        unite=unite,
        sans_unite=sans_unite,
        niveau=niveau,
        sans_niveau=sans_niveau,
        delegue=delegue,
    )
    ctx.afficher(vue, colonnes=COLONNES_COMPTE)


def _statut(
    identifiant: str, action: Callable[[str | None, str], dict[str, Any]], message: str
) -> None:
    ctx = contexte()
    vue = action(ctx.session(), identifiant)
    ctx.info(message.format(identifiant=vue["identifiant"]))
    ctx.afficher(vue, colonnes=COLONNES_COMPTE)


@app.command("suspend")
def suspendre(identifiant: Identifiant) -> None:
    """Suspendre un compte : ses sessions prennent fin, il ne peut plus se connecter.

    Exemple : cpfadmin gestionnaires suspend ABCD2345
    """
    _statut(identifiant, contexte().app.gestionnaires.suspendre, "Compte {identifiant} suspendu.")


@app.command("reactivate")
def reactiver(identifiant: Identifiant) -> None:
    """Réactiver un compte suspendu ou supprimé.

    Exemple : cpfadmin gestionnaires reactivate ABCD2345
    """
    _statut(identifiant, contexte().app.gestionnaires.reactiver, "Compte {identifiant} réactivé.")


@app.command("unlock")
def deverrouiller(identifiant: Identifiant) -> None:
    """Déverrouiller un compte bloqué par des échecs de connexion, sans toucher à son mot de
    passe ; permis à qui peut renouveler ce mot de passe. Audité.

    Exemple : cpfadmin gestionnaires unlock ABCD2345
    """
    ctx = contexte()
    vue = ctx.app.gestionnaires.deverrouiller(ctx.session(), identifiant)
    if vue["deverrouille"]:
        ctx.info(
            f"Compte {vue['identifiant']} déverrouillé ; son mot de passe reste celui qu'il était."
        )
    else:
        ctx.info(
            f"Le compte {vue['identifiant']} n'était pas verrouillé ; ses échecs de connexion "
            "sont remis à zéro."
        )
    ctx.afficher(vue, colonnes=colonnes("identifiant", "deverrouille", "verrouille_jusqua"))


def designation(identifiant: str) -> str:
    """« ABCD2345 (Paul Durand, paul.durand@example.fr) » for a confirmation question; the
    identifiant alone when the account cannot be read (the action then says why)."""
    from cpfadmin.domain.errors import AccesRefuse

    ctx = contexte()
    try:
        vue = ctx.app.gestionnaires.montrer(ctx.session(), identifiant)
    except AccesRefuse:
        return identifiant
    return f"{vue['identifiant']} ({vue['prenom']} {vue['nom']}, {vue['email']})"


@app.command("remove")
def supprimer(identifiant: Identifiant, oui: Oui = False) -> None:
    """Supprimer un compte (il reste visible dans l'audit ; son identifiant n'est jamais
    réutilisé). À un terminal, une confirmation est demandée ; --yes la donne d'avance.

    Exemple : cpfadmin gestionnaires remove ABCD2345 --yes
    """
    from cpfadmin.cli.saisie import exiger_confirmation

    exiger_confirmation(
        f"supprimer le compte {identifiant}",
        lambda: f"Supprimer le compte {designation(identifiant)} ?",
        f"Abandon : le compte {identifiant} n'est pas supprimé.",
        oui=oui,
    )
    _statut(identifiant, contexte().app.gestionnaires.supprimer, "Compte {identifiant} supprimé.")


COLONNES_RAPPORT = colonnes(*importation.COLONNES_RAPPORT)
LIGNES_AFFICHEES_MAX = 200


@app.command("import")
def importer(
    fichier: Annotated[
        str,
        typer.Argument(
            help="Fichier CSV, XLSX, XLSM, XLS, ODS, JSON ou NDJSON ; « - » pour l'entrée "
            "standard.",
            show_default=False,
        ),
    ],
    organisme: Organisme = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv, xlsx, xls, ods, json ou ndjson (lu dans le contenu du fichier sinon).",
        ),
    ] = None,
    feuille: Annotated[
        str | None,
        typer.Option(
            "--feuille",
            help="Feuille du classeur à lire (par défaut : la première qui porte les colonnes "
            "nom, prénom et e-mail).",
        ),
    ] = None,
    colonne: Annotated[
        list[str] | None,
        typer.Option(
            "--colonne",
            help='Lire un champ dans cette colonne : CHAMP="En-tête" (répétable), par exemple '
            '--colonne administrateur_delegue="Délégué (O/N)".',
        ),
    ] = None,
    ignorer_colonne: Annotated[
        list[str] | None,
        typer.Option(
            "--ignorer-colonne",
            help="Écarter volontairement cette colonne du fichier (répétable).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Tout vérifier, ne rien écrire.")
    ] = False,
    on_existing: Annotated[
        str,
        typer.Option(
            "--on-existing",
            help="Compte existant (même e-mail) : skip (ignorer), update (mettre à jour) ou "
            "fail (rejeter la ligne).",
        ),
    ] = "skip",
    create_unites: Annotated[
        bool, typer.Option("--create-unites", help="Créer les unités absentes.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Écrire le rapport (.csv pour un tableur, ou .json)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier de --report s'il existe.")
    ] = False,
) -> None:
    """Habiliter des gestionnaires en masse depuis un tableur : chaque ligne est vérifiée avant
    toute écriture ; le rapport donne l'identifiant de chaque compte créé (à transmettre) et la
    raison de chaque ligne rejetée. Relancer le même fichier ne crée rien deux fois.

    Colonnes : nom, prenom, email, telephone_fixe, telephone_mobile, unite, niveau_habilitation,
    administrateur_delegue (oui/non) ; en-têtes lus comme les administrations les écrivent
    (« Mél. », « Prénom(s) », « Téléphone portable », « Direction », « Délégué (O/N) »…), sous
    d'éventuelles lignes de titre. Une colonne inconnue mais remplie arrête l'import avant
    toute écriture (--colonne ou --ignorer-colonne pour continuer). Code 7 si une ligne est
    rejetée.

    Exemple : cpfadmin gestionnaires import agents.csv --create-unites --report rapport.csv
    """
    from cpfadmin.domain.errors import DonneeInvalide, Option

    ctx = contexte()
    with ctx.app.importation.importer(
        ctx.session(),
        fichier,
        organisme=organisme,
        format_=format_,
        feuille=feuille,
        colonnes=colonne,
        ignorer_colonnes=ignorer_colonne,
        simulation=dry_run,
        sur_existant=on_existing,
        creer_unites=create_unites,
        rapport=report,
        ecraser=force,
        suivi=_Suivi(ctx),
        rediger=texte,
    ) as resultat:
        _afficher_rapport(ctx, resultat, dry_run)
    if resultat.rejetes:
        raise DonneeInvalide(
            (f"{resultat.rejetes} ligne(s) rejetée(s) : voir le rapport", f" ({report}).")
            if report
            else (
                f"{resultat.rejetes} ligne(s) rejetée(s) : voir le rapport (",
                Option("report", "FICHIER"),
                " pour le garder).",
            )
        )


class _Suivi:
    """The import followed at a terminal: a progress bar per phase, then how the file was
    read, before anything is written."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        self._ctx = ctx

    def phase(self, libelle: str, total: int | None = None, unite: str = "lignes"):  # type: ignore[no-untyped-def]
        return _progression(libelle, total=total, unite=unite)

    def lecture(self, lecture: dict[str, Any]) -> None:
        _annoncer_lecture(self._ctx, lecture)


def _progression(libelle: str, total: int | None = None, unite: str = "lignes"):  # type: ignore[no-untyped-def]
    """A Rich progress bar on stderr when it is a terminal; nothing otherwise."""
    import contextlib
    import sys

    @contextlib.contextmanager
    def barre():  # type: ignore[no-untyped-def]
        if not sys.stderr.isatty() or contexte().sortie == "json":
            yield lambda _n: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[debit]}"),
            TimeRemainingColumn(),
            console=_console_erreur(),
            transient=True,
        ) as progres:
            tache = progres.add_task(libelle, total=total, debit="")

            def avancer(n: int) -> None:
                vitesse = progres.tasks[0].speed
                progres.update(
                    tache, completed=n, debit=f"{vitesse:.0f} {unite}/s" if vitesse else ""
                )

            yield avancer

    return barre()


def _annoncer_lecture(ctx, lecture: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    """How the file was read, before the report: title rows skipped, the fallback column,
    the empty unknown columns (a filled one stopped the import)."""
    if lecture["avant_entete"]:
        lignes = [n for n, _ in lecture["avant_entete"]]
        premier = lecture["avant_entete"][0][1]
        ctx.info(
            f"En-tête lu ligne {lecture['ligne_entete']} ; ligne(s) de titre ignorée(s) : "
            f"{', '.join(map(str, lignes))} (« {premier} »)."
        )
    for colonne, (principale, secours) in lecture["secours"].items():
        ctx.info(
            f"{colonne} : lu dans « {principale} », ou dans « {secours} » quand la première est "
            "vide."
        )
    if lecture["colonnes_inconnues"]:
        ctx.avertir(
            "colonne(s) inconnue(s) et vide(s), non importée(s) : "
            + ", ".join(f"« {c} »" for c in lecture["colonnes_inconnues"])
        )


def _afficher_rapport(ctx, resultat, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    """The report on stdout — streamed, whatever the size of the import — and the summary on
    stderr."""
    import sys

    entete = resultat.entete
    if ctx.sortie == "json":
        from cpfadmin.cli.output import ecrire_json_en_flux

        ecrire_json_en_flux(sys.stdout, entete, "lignes", resultat.lignes(texte))
        return
    resume = entete["resume"]
    tout = resultat.total <= LIGNES_AFFICHEES_MAX
    montrees = [e for e in resultat.lignes(texte) if tout or e["resultat"] == "rejete"]
    if montrees:
        ctx.afficher(montrees, colonnes=COLONNES_RAPPORT)
    if not tout:
        ctx.info(
            f"{resultat.total} lignes : seules les lignes rejetées sont affichées ; le rapport "
            "complet s'obtient avec --report FICHIER ou -o json."
        )
    dans = f"dans « {entete['organisme_raison_sociale']} » (SIRET {entete['organisme_siret']})"
    if dry_run:
        ctx.info(
            f"Simulation {dans} ({entete['source']}) : {resume['a_creer']} à créer, "
            f"{resume['a_mettre_a_jour']} à mettre à jour, {resume['existants']} existant(s), "
            f"{resume['rejetes']} rejetée(s). Rien n'a été écrit."
        )
    else:
        creees = entete["unites_creees"]
        ctx.info(
            f"Import {dans} ({entete['source']}) : {resume['crees']} créé(s), "
            f"{resume['mis_a_jour']} mis à jour, {resume['existants']} existant(s) ignoré(s), "
            f"{resume['rejetes']} rejetée(s)."
            + (f" Unités créées : {', '.join(creees)}." if creees else "")
        )


@app.command("export")
def exporter(
    organisme: Organisme = None,
    unite: FiltreUnite = None,
    statut: Annotated[
        str | None,
        typer.Option(
            help="actif, suspendu ou supprime (par défaut : tous sauf supprimés).",
            autocompletion=completion.statuts_compte,
        ),
    ] = None,
    fichier: Annotated[
        Path | None,
        typer.Option(
            "--fichier",
            help="Fichier à écrire (.csv, .xlsx, .json, .ndjson) ; sinon la sortie standard.",
        ),
    ] = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format", help="csv, xlsx, json ou ndjson (d'après --fichier sinon ; csv par défaut)."
        ),
    ] = None,
    excel: Annotated[
        bool | None,
        typer.Option(
            "--excel/--no-excel",
            help="CSV tel qu'Excel l'ouvre en France sans abîmer les accents : « ; », UTF-8 "
            "avec BOM, fins de ligne CRLF (par défaut pour --fichier *.csv ; sinon UTF-8 sans "
            "BOM, fins de ligne LF).",
            show_default=False,
        ),
    ] = None,
    force: ForceFichier = False,
) -> None:
    """Exporter les comptes d'un organisme avec les colonnes de l'import (plus identifiant,
    rôle et statut) : l'export se réimporte tel quel, dans un autre organisme par exemple.

    Exemple : cpfadmin gestionnaires export --fichier comptes.xlsx
    """
    ctx = contexte()
    if format_ is None and fichier is None and ctx.sortie == "json":
        format_ = "json"
    n = ctx.app.importation.exporter(
        ctx.session(),
        organisme=organisme,
        unite=unite,
        statut=statut,
        fichier=fichier,
        format_=format_,
        excel=excel,
        ecraser=force,
    )
    ctx.info(f"{n} compte(s) exporté(s)" + (f" dans {fichier}." if fichier else "."))

"""``cpfadmin gestionnaires``: habiliter, lister, modifier, suspendre, supprimer."""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

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
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    nom = nom or demander("Nom", option="--nom")
    prenom = prenom or demander("Prénom", option="--prenom")
    email = email or demander("E-mail", option="--email")
    if not telephone_fixe and not telephone_mobile and ctx.interactif:
        telephone_mobile = demander("Téléphone mobile")
    politiques, url = ctx.politiques(), ctx.profil.courrier.portal_url
    cree = ctx.executer(
        lambda uow: gestionnaires.ajouter(
            uow,
            acteur,
            politiques,
            url,
            organisme_siret=organisme,
            nom=nom,
            prenom=prenom,
            email=email,
            telephone_fixe=telephone_fixe,
            telephone_mobile=telephone_mobile,
            unite=unite,
            niveau=niveau,
            delegue=delegue,
        )
    )
    ctx.afficher(cree.vue, colonnes=COLONNES_COMPTE)
    ctx.info(
        f"Compte créé : identifiant {cree.identifiant}, à transmettre "
        + ("à l'administrateur délégué. " if delegue else "au gestionnaire. ")
        + f"Son mot de passe temporaire lui est envoyé à {cree.vue['email']}."
    )
    ctx.livrer(acteur)


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
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    comptes = ctx.executer(
        lambda uow: gestionnaires.lister(
            uow,
            acteur,
            organisme_siret=organisme,
            unite=unite,
            role=role,
            statut=statut,
            recherche=search,
            limite=limit,
        ),
        lecture=True,
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
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    vue = ctx.executer(lambda uow: gestionnaires.montrer(uow, acteur, identifiant), lecture=True)
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
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    vue = ctx.executer(
        lambda uow: gestionnaires.modifier(
            uow,
            acteur,
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
    )
    ctx.afficher(vue, colonnes=COLONNES_COMPTE)
    if email is not None:
        ctx.livrer(acteur)  # the notice to the former address, if the address changed


def _statut(identifiant: str, fonction: Callable[..., dict[str, Any]], message: str) -> None:
    ctx = contexte()
    acteur = ctx.acteur()
    vue = ctx.executer(lambda uow: fonction(uow, acteur, identifiant))
    ctx.info(message.format(identifiant=vue["identifiant"]))
    ctx.afficher(vue, colonnes=COLONNES_COMPTE)


@app.command("suspend")
def suspendre(identifiant: Identifiant) -> None:
    """Suspendre un compte : ses sessions prennent fin, il ne peut plus se connecter.

    Exemple : cpfadmin gestionnaires suspend ABCD2345
    """
    from cpfadmin.services import gestionnaires

    _statut(identifiant, gestionnaires.suspendre, "Compte {identifiant} suspendu.")


@app.command("reactivate")
def reactiver(identifiant: Identifiant) -> None:
    """Réactiver un compte suspendu ou supprimé.

    Exemple : cpfadmin gestionnaires reactivate ABCD2345
    """
    from cpfadmin.services import gestionnaires

    _statut(identifiant, gestionnaires.reactiver, "Compte {identifiant} réactivé.")


@app.command("unlock")
def deverrouiller(identifiant: Identifiant) -> None:
    """Déverrouiller un compte bloqué par des échecs de connexion, sans toucher à son mot de
    passe ; permis à qui peut renouveler ce mot de passe. Audité.

    Exemple : cpfadmin gestionnaires unlock ABCD2345
    """
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    vue = ctx.executer(lambda uow: gestionnaires.deverrouiller(uow, acteur, identifiant))
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
    from cpfadmin.services import gestionnaires

    ctx = contexte()
    acteur = ctx.acteur()
    try:
        vue = ctx.executer(
            lambda uow: gestionnaires.montrer(uow, acteur, identifiant), lecture=True
        )
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
    from cpfadmin.services import gestionnaires

    _statut(identifiant, gestionnaires.supprimer, "Compte {identifiant} supprimé.")


COLONNES_RAPPORT = colonnes("ligne", "resultat", "identifiant", "email", "colonne", "raison")
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
    from cpfadmin.adapters.fichiers import copier_stdin, ouvrir
    from cpfadmin.domain.errors import DonneeInvalide
    from cpfadmin.domain.tableur import Regles
    from cpfadmin.services import analyse_import, ecriture_import

    ctx = contexte()
    regles = Regles.depuis_options(colonne or [], ignorer_colonne or [])
    acteur = ctx.acteur()
    analyse_import.exiger_organisme(acteur, organisme)
    if report is not None and report.suffix.lower() not in (".csv", ".json"):
        raise DonneeInvalide("--report : un fichier .csv ou .json.", champ="report")
    if report is not None and not report.parent.is_dir():
        raise DonneeInvalide(
            f"--report : le dossier {report.parent} n'existe pas (rien n'a été importé).",
            champ="report",
        )
    if report is not None:
        from cpfadmin.adapters.fichiers import verifier_destination

        verifier_destination(report, force)  # before anything is imported
    chemin, temporaire = (copier_stdin(), True) if fichier == "-" else (Path(fichier), False)
    analyse = None
    try:
        source = ouvrir(
            chemin,
            format_=format_,
            nom_affiche="entrée standard" if temporaire else fichier,
            feuille=feuille,
            regles=regles,
        )
        with _progression("Vérification") as avancer:
            analyse = ctx.executer(
                lambda uow: analyse_import.analyser(
                    uow,
                    acteur,
                    source,
                    organisme_siret=organisme,
                    sur_existant=on_existing,
                    creer_unites=create_unites,
                    regles=regles,
                    progression=avancer,
                ),
                lecture=True,
            )
        _annoncer_lecture(ctx, analyse)
        if not dry_run:
            politiques, url = ctx.politiques(), ctx.profil.courrier.portal_url
            with _progression("Import", total=analyse.a_creer + analyse.a_mettre_a_jour) as avancer:
                resultat = ecriture_import.importer(
                    ctx.fabrique(),
                    ctx.executer,
                    acteur,
                    analyse,
                    politiques,
                    url,
                    sur_existant=on_existing,
                    nom_source=fichier,
                    progression=avancer,
                )
            resume = {
                "crees": resultat.crees,
                "mis_a_jour": resultat.mis_a_jour,
                "existants": resultat.existants,
                "rejetes": analyse.rejetes,
            }
        else:
            resume = {
                "a_creer": analyse.a_creer,
                "a_mettre_a_jour": analyse.a_mettre_a_jour,
                "existants": analyse.existants,
                "rejetes": analyse.rejetes,
            }
        if report is not None:
            _ecrire_rapport(report, analyse.rapport.lignes(), force)
        _afficher_rapport(ctx, analyse, resume, dry_run)
        if not dry_run:
            total = resume["crees"] or None
            with _progression("Envoi des e-mails", total=total, unite="e-mails") as avancer:
                ctx.livrer(acteur, progression=avancer)
    finally:
        if temporaire:
            chemin.unlink(missing_ok=True)
        if analyse is not None:
            analyse.valides.unlink(missing_ok=True)
            analyse.rapport.fermer()
    if analyse.rejetes:
        raise DonneeInvalide(
            f"{analyse.rejetes} ligne(s) rejetée(s) : voir le rapport"
            + (f" ({report})." if report else " (--report FICHIER pour le garder).")
        )


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


def _ecrire_rapport(chemin: Path, lignes: Iterable[dict], force: bool) -> None:  # type: ignore[type-arg]
    from cpfadmin.adapters.fichiers import ecrire

    colonnes = [c for c, _ in COLONNES_RAPPORT]
    format_ = "json" if chemin.suffix.lower() == ".json" else "csv"
    # Checked before the import: the report's file was free, or --force was given.
    ecrire(chemin, format_, colonnes, lignes, ecraser=True)


def _annoncer_lecture(ctx, analyse) -> None:  # type: ignore[no-untyped-def]
    """How the file was read, before the report: title rows skipped, the fallback column,
    the empty unknown columns (a filled one stopped the import)."""
    if analyse.avant_entete:
        lignes = [n for n, _ in analyse.avant_entete]
        premier = analyse.avant_entete[0][1]
        ctx.info(
            f"En-tête lu ligne {analyse.ligne_entete} ; ligne(s) de titre ignorée(s) : "
            f"{', '.join(map(str, lignes))} (« {premier} »)."
        )
    for colonne, (principale, secours) in analyse.secours.items():
        ctx.info(
            f"{colonne} : lu dans « {principale} », ou dans « {secours} » quand la première est "
            "vide."
        )
    if analyse.colonnes_inconnues:
        ctx.avertir(
            "colonne(s) inconnue(s) et vide(s), non importée(s) : "
            + ", ".join(f"« {c} »" for c in analyse.colonnes_inconnues)
        )


def _afficher_rapport(ctx, analyse, resume: dict, dry_run: bool) -> None:  # type: ignore[no-untyped-def, type-arg]
    """The report on stdout — streamed, whatever the size of the import — and the summary on
    stderr."""
    import sys

    if ctx.sortie == "json":
        entete = {
            "organisme_siret": analyse.organisme_siret,
            "organisme_raison_sociale": analyse.organisme_raison_sociale,
            "source": analyse.source,
            "simulation": dry_run,
            "resume": resume,
            "feuille": analyse.feuille,
            "ligne_entete": analyse.ligne_entete,
            "colonnes_inconnues": analyse.colonnes_inconnues,
            "colonnes_ignorees": analyse.colonnes_ignorees,
            "unites_creees" if not dry_run else "unites_a_creer": analyse.unites_a_creer,
        }
        from cpfadmin.cli.output import ecrire_json_en_flux

        ecrire_json_en_flux(sys.stdout, entete, "lignes", analyse.rapport.lignes())
        return
    tout = analyse.total <= LIGNES_AFFICHEES_MAX
    montrees = [e for e in analyse.rapport.lignes() if tout or e["resultat"] == "rejete"]
    if montrees:
        ctx.afficher(montrees, colonnes=COLONNES_RAPPORT)
    if not tout:
        ctx.info(
            f"{analyse.total} lignes : seules les lignes rejetées sont affichées ; le rapport "
            "complet s'obtient avec --report FICHIER ou -o json."
        )
    dans = f"dans « {analyse.organisme_raison_sociale} » (SIRET {analyse.organisme_siret})"
    if dry_run:
        ctx.info(
            f"Simulation {dans} ({analyse.source}) : {resume['a_creer']} à créer, "
            f"{resume['a_mettre_a_jour']} à mettre à jour, {resume['existants']} existant(s), "
            f"{resume['rejetes']} rejetée(s). Rien n'a été écrit."
        )
    else:
        ctx.info(
            f"Import {dans} ({analyse.source}) : {resume['crees']} créé(s), "
            f"{resume['mis_a_jour']} mis à jour, {resume['existants']} existant(s) ignoré(s), "
            f"{resume['rejetes']} rejetée(s)."
            + (
                f" Unités créées : {', '.join(analyse.unites_a_creer)}."
                if analyse.unites_a_creer
                else ""
            )
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
    from cpfadmin.adapters.fichiers import EXTENSIONS, ecrire
    from cpfadmin.domain import tableur
    from cpfadmin.domain.errors import DonneeInvalide, raison_systeme
    from cpfadmin.services import exportation

    ctx = contexte()
    acteur = ctx.acteur()
    if fichier is not None and fichier.suffix.lower() in (".ods", ".fods", ".xls"):
        raise DonneeInvalide(
            f"--fichier {fichier.name} : cpfadmin n'écrit pas le format "
            f"{fichier.suffix[1:].upper()} ; exportez en XLSX (--fichier comptes.xlsx), que "
            "LibreOffice ouvre et enregistre en ODS, ou en CSV.",
            champ="fichier",
        )
    if format_ is None:
        format_ = (
            EXTENSIONS.get(fichier.suffix.lower(), "csv")
            if fichier
            else ("json" if ctx.sortie == "json" else "csv")
        )
    if format_ not in ("csv", "xlsx", "json", "ndjson"):
        raise DonneeInvalide(f"--format : {format_} (csv, xlsx, json ou ndjson).", champ="format")

    def travail(uow):  # type: ignore[no-untyped-def]
        lignes = exportation.exporter(
            uow, acteur, organisme_siret=organisme, unite=unite, statut=statut
        )
        try:
            return ecrire(
                fichier, format_, tableur.COLONNES_EXPORT, lignes, excel=excel, ecraser=force
            )
        except (IsADirectoryError, PermissionError, FileNotFoundError) as e:
            raise DonneeInvalide(
                f"Écriture impossible dans {fichier} : {raison_systeme(e)}.", champ="fichier"
            ) from None

    n = ctx.executer(travail, lecture=True)
    ctx.info(f"{n} compte(s) exporté(s)" + (f" dans {fichier}." if fichier else "."))

"""Use cases of ``gestionnaires import`` and ``gestionnaires export`` (SPEC §6): the import's two
passes, its temporary files and its report; the export's rows to a file or a stream."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from cpfadmin.application.noyau import Groupe
from cpfadmin.domain.errors import (
    DonneeInvalide,
    Option,
    Texte,
    depuis_json,
    raison_systeme,
    rediger,
)

if TYPE_CHECKING:
    from cpfadmin.services.analyse_import import Analyse

T = TypeVar("T")

# The report's columns, in order (a CSV report's header, each JSON line's keys).
COLONNES_RAPPORT = ("ligne", "resultat", "identifiant", "email", "colonne", "raison")
FORMATS_EXPORT = ("csv", "xlsx", "json", "ndjson")


class Suivi(Protocol):
    """How a front end follows a long import: a progress bar per phase, what it learnt from
    the file's layout before anything is written."""

    def phase(
        self, libelle: str, total: int | None = None, unite: str = "lignes"
    ) -> AbstractContextManager[Callable[[int], None]]: ...

    def lecture(self, lecture: dict[str, Any]) -> None: ...


class SansSuivi:
    """Nobody follows (a script, a server's request)."""

    def phase(
        self, libelle: str, total: int | None = None, unite: str = "lignes"
    ) -> AbstractContextManager[Callable[[int], None]]:
        return contextlib.nullcontext(lambda _n: None)

    def lecture(self, lecture: dict[str, Any]) -> None:
        return None


@dataclass
class Import:
    """An import's outcome: ``entete`` (organisme, source, ``simulation``, ``resume``, layout
    of the file) and the report's lines, read from its temporary spool — so ``fermer`` (or the
    end of a ``with``) removes the files the import left behind."""

    entete: dict[str, Any]
    total: int
    rejetes: int
    _analyse: Analyse | None = field(default=None, repr=False)
    _nettoyer: list[Path] = field(default_factory=list, repr=False)

    def lignes(self, rediger: Callable[[Texte], str | None] = rediger) -> Iterator[dict[str, Any]]:
        """The report's lines in file order, each reason worded by ``rediger`` (a front end's
        own wording of the hints; neutral by default)."""
        assert self._analyse is not None
        for ligne in self._analyse.rapport.lignes():
            if ligne["raison"] is not None and not isinstance(ligne["raison"], str):
                ligne["raison"] = rediger(depuis_json(ligne["raison"]))
            yield ligne

    @property
    def lecture(self) -> dict[str, Any]:
        """How the file was read (what ``Suivi.lecture`` heard)."""
        assert self._analyse is not None
        return _lecture(self._analyse)

    def fermer(self) -> None:
        for chemin in self._nettoyer:
            chemin.unlink(missing_ok=True)
        if self._analyse is not None:
            self._analyse.valides.unlink(missing_ok=True)
            self._analyse.rapport.fermer()

    def __enter__(self) -> Import:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.fermer()


def _lecture(analyse: Analyse) -> dict[str, Any]:
    """How the file was read: title rows skipped, fallback columns, empty unknown columns."""
    return {
        "ligne_entete": analyse.ligne_entete,
        "avant_entete": list(analyse.avant_entete),
        "secours": dict(analyse.secours),
        "colonnes_inconnues": list(analyse.colonnes_inconnues),
    }


def verifier_rapport(rapport: Path | None, ecraser: bool) -> None:
    """A report's file must be .csv or .json, in a folder that exists, and free (or
    ``ecraser``): checked before anything is imported."""
    if rapport is None:
        return
    from cpfadmin.adapters.fichiers import verifier_destination

    if rapport.suffix.lower() not in (".csv", ".json"):
        raise DonneeInvalide((Option("report"), " : un fichier .csv ou .json."), champ="report")
    if not rapport.parent.is_dir():
        raise DonneeInvalide(
            (
                Option("report"),
                f" : le dossier {rapport.parent} n'existe pas (rien n'a été importé).",
            ),
            champ="report",
        )
    verifier_destination(rapport, ecraser)


class Importation(Groupe):
    def importer(
        self,
        jeton: str | None,
        fichier: str,
        *,
        organisme: str | None = None,
        format_: str | None = None,
        feuille: str | None = None,
        colonnes: list[str] | None = None,
        ignorer_colonnes: list[str] | None = None,
        simulation: bool = False,
        sur_existant: str = "skip",
        creer_unites: bool = False,
        rapport: Path | None = None,
        ecraser: bool = False,
        suivi: Suivi | None = None,
        rediger: Callable[[Texte], str | None] = rediger,
        livrer: bool = True,
        nom_affiche: str | None = None,
    ) -> Import:
        """Every row checked before anything is written (pass 1), then written in batches
        (pass 2), the temporary passwords delivered; ``simulation`` stops after pass 1. The
        report — each account created with its identifiant, each row rejected with its reason
        — goes to ``rapport`` if given (its reasons worded by ``rediger``), and is the returned
        ``Import``'s lines. Without ``livrer``, the temporary passwords stay queued for the next
        delivery (``outbox send``; a server delivers after answering). ``fichier`` is a
        path, or ``-`` for standard input; ``nom_affiche`` names it in messages and the audit (a
        server's upload). Re-running the same file creates nothing twice."""
        from cpfadmin.adapters.fichiers import copier_stdin, ouvrir
        from cpfadmin.domain.tableur import Regles
        from cpfadmin.services import analyse_import, ecriture_import

        suivi = suivi or SansSuivi()
        noyau = self._noyau
        regles = Regles.depuis_options(colonnes or [], ignorer_colonnes or [])
        acteur = noyau.authentifier(jeton)
        analyse_import.exiger_organisme(acteur, organisme)
        verifier_rapport(rapport, ecraser)
        chemin, temporaire = (copier_stdin(), True) if fichier == "-" else (Path(fichier), False)
        resultat = Import({}, 0, 0, _nettoyer=[chemin] if temporaire else [])
        try:
            source = ouvrir(
                chemin,
                format_=format_,
                nom_affiche="entrée standard"
                if temporaire or nom_affiche == "-"
                else (nom_affiche or fichier),
                feuille=feuille,
                regles=regles,
            )
            with suivi.phase("Vérification") as avancer:
                analyse = noyau.executer(
                    lambda uow: analyse_import.analyser(
                        uow,
                        acteur,
                        source,
                        organisme_siret=organisme,
                        sur_existant=sur_existant,
                        creer_unites=creer_unites,
                        regles=regles,
                        progression=avancer,
                    ),
                    lecture=True,
                )
            resultat._analyse = analyse
            suivi.lecture(_lecture(analyse))
            if simulation:
                resume = {
                    "a_creer": analyse.a_creer,
                    "a_mettre_a_jour": analyse.a_mettre_a_jour,
                    "existants": analyse.existants,
                    "rejetes": analyse.rejetes,
                }
            else:
                politiques, url = noyau.politiques(), noyau.url_portail
                total = analyse.a_creer + analyse.a_mettre_a_jour
                with suivi.phase("Import", total=total) as avancer:
                    ecrit = ecriture_import.importer(
                        noyau.fabrique(),
                        noyau.executer,
                        acteur,
                        analyse,
                        politiques,
                        url,
                        sur_existant=sur_existant,
                        nom_source=nom_affiche or fichier,
                        progression=avancer,
                    )
                resume = {
                    "crees": ecrit.crees,
                    "mis_a_jour": ecrit.mis_a_jour,
                    "existants": ecrit.existants,
                    "rejetes": analyse.rejetes,
                }
            if rapport is not None:
                _ecrire_rapport(rapport, resultat.lignes(rediger))
            if livrer and not simulation:
                envois = resume["crees"] or None
                with suivi.phase("Envoi des e-mails", total=envois, unite="e-mails") as avancer:
                    noyau.livrer(acteur, progression=avancer)
        except BaseException:
            resultat.fermer()
            raise
        resultat.entete = {
            "organisme_siret": analyse.organisme_siret,
            "organisme_raison_sociale": analyse.organisme_raison_sociale,
            "source": analyse.source,
            "simulation": simulation,
            "resume": resume,
            "feuille": analyse.feuille,
            "ligne_entete": analyse.ligne_entete,
            "colonnes_inconnues": analyse.colonnes_inconnues,
            "colonnes_ignorees": analyse.colonnes_ignorees,
            "unites_a_creer" if simulation else "unites_creees": analyse.unites_a_creer,
        }
        resultat.total, resultat.rejetes = analyse.total, analyse.rejetes
        return resultat

    def exporter(
        self,
        jeton: str | None,
        *,
        organisme: str | None = None,
        unite: str | None = None,
        statut: str | None = None,
        fichier: Path | None = None,
        format_: str | None = None,
        excel: bool | None = None,
        ecraser: bool = False,
    ) -> int:
        """The accounts with the import's columns (plus identifiant, role, status), streamed to
        ``fichier`` — written whole or not at all — or to standard output; how many."""
        from cpfadmin.adapters.fichiers import ecrire
        from cpfadmin.domain import tableur
        from cpfadmin.services import exportation

        format_ = format_export(fichier, format_)

        def travail(uow, acteur):  # type: ignore[no-untyped-def]
            lignes = exportation.exporter(
                uow, acteur, organisme_siret=organisme, unite=unite, statut=statut
            )
            try:
                return ecrire(
                    fichier, format_, tableur.COLONNES_EXPORT, lignes, excel=excel, ecraser=ecraser
                )
            except (IsADirectoryError, PermissionError, FileNotFoundError) as e:
                raise DonneeInvalide(
                    f"Écriture impossible dans {fichier} : {raison_systeme(e)}.", champ="fichier"
                ) from None

        return self._lire(jeton, travail)

    def parcourir_export(
        self,
        jeton: str | None,
        consommer: Callable[[Iterator[dict[str, Any]]], T],
        *,
        organisme: str | None = None,
        unite: str | None = None,
        statut: str | None = None,
    ) -> T:
        """``consommer`` the export's rows (the import's columns) inside one read: a front end
        that writes them its own way (a server's streamed response)."""
        from cpfadmin.domain import tableur
        from cpfadmin.services import exportation

        def travail(uow, acteur):  # type: ignore[no-untyped-def]
            lignes = exportation.exporter(
                uow, acteur, organisme_siret=organisme, unite=unite, statut=statut
            )
            return consommer({c: ligne.get(c) for c in tableur.COLONNES_EXPORT} for ligne in lignes)

        return self._lire(jeton, travail)


def format_export(fichier: Path | None, format_: str | None) -> str:
    """The export's format: ``format_``, else the file's extension, else CSV; ODS and XLS are
    refused (cpfadmin writes neither) — the same rule for a local and a remote export."""
    from cpfadmin.adapters.fichiers import EXTENSIONS

    if fichier is not None and fichier.suffix.lower() in (".ods", ".fods", ".xls"):
        raise DonneeInvalide(
            (
                Option("fichier", fichier.name),
                f" : cpfadmin n'écrit pas le format {fichier.suffix[1:].upper()} ; "
                "exportez en XLSX (",
                Option("fichier", "comptes.xlsx"),
                "), que LibreOffice ouvre et enregistre en ODS, ou en CSV.",
            ),
            champ="fichier",
        )
    if format_ is None:
        format_ = EXTENSIONS.get(fichier.suffix.lower(), "csv") if fichier else "csv"
    if format_ not in FORMATS_EXPORT:
        raise DonneeInvalide(
            (Option("format"), f" : {format_} (csv, xlsx, json ou ndjson)."), champ="format"
        )
    return format_


def _ecrire_rapport(chemin: Path, lignes: Iterator[dict[str, Any]]) -> None:
    from cpfadmin.adapters.fichiers import ecrire

    format_ = "json" if chemin.suffix.lower() == ".json" else "csv"
    # Checked before the import: the report's file was free, or ``ecraser`` was given.
    ecrire(chemin, format_, list(COLONNES_RAPPORT), lignes, ecraser=True)

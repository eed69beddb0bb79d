"""Normalisation and validation of what people type: SIRET, e-mail, French phone numbers,
names. Each function returns the canonical value or raises ``DonneeInvalide`` naming the field.
The validation libraries are imported inside the functions so the CLI starts fast."""

from __future__ import annotations

import functools
import unicodedata

from cpfadmin.domain.champs import CHAMPS, Champ
from cpfadmin.domain.errors import DonneeInvalide

LONGUEUR_MAX_NOM = 100
LONGUEUR_MAX_EMAIL = 254
LONGUEUR_MAX_LIBELLE = 100


# The fields as a person reads them in a message (« Prénom : valeur obligatoire. »,
# « Téléphone mobile invalide ») — the codes stay in JSON and in the report's « colonne ».
LIBELLES_CHAMPS = {
    **{c.nom: c.libelle for c in CHAMPS},
    "raison_sociale": "Raison sociale",
    "libelle": "Libellé",
    "siret": "SIRET",
}


def libelle_champ(champ: str) -> str:
    return LIBELLES_CHAMPS.get(champ, champ)


def replier(texte: str) -> str:
    """Lower case without accents ("Hélène" → "helene"): how names are compared, with a
    password or with a search."""
    decompose = unicodedata.normalize("NFKD", texte.casefold())
    return "".join(c for c in decompose if not unicodedata.combining(c))


def _sans_controle(valeur: str, champ: str) -> str:
    # isprintable() is False for every control, format, surrogate, private or unassigned
    # character (and for separators other than the space): the slow check runs only then.
    if valeur.isprintable():
        return valeur
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in valeur):
        raise DonneeInvalide(
            f"{libelle_champ(champ)} : caractères de contrôle interdits.", champ=champ
        )
    return valeur


def texte(valeur: str | None, champ: str, *, longueur_max: int = LONGUEUR_MAX_NOM) -> str:
    """A required human text (nom, prénom, raison sociale, libellé): trimmed, NFC, no control
    characters, no leading formula character (CSV injection), bounded length."""
    if valeur is None or not valeur.strip():
        raise DonneeInvalide(f"{libelle_champ(champ)} : valeur obligatoire.", champ=champ)
    # Control characters (tabs and line breaks included) are refused, not turned into spaces.
    _sans_controle(valeur.strip(" "), champ)
    valeur = unicodedata.normalize("NFC", " ".join(valeur.split()))
    if len(valeur) > longueur_max:
        raise DonneeInvalide(
            f"{libelle_champ(champ)} : {longueur_max} caractères au plus ({len(valeur)} saisis).",
            champ=champ,
        )
    if valeur[0] in "=+-@|%":
        raise DonneeInvalide(
            f"{libelle_champ(champ)} : ne peut pas commencer par « {valeur[0]} ».", champ=champ
        )
    return valeur


def texte_libre(champ: Champ, valeur: str | None) -> str | None:
    """A plain-text field of an account (``champs.TEXTES_LIBRES``): as ``texte``, within the
    field's length; an optional one left empty is None."""
    if not champ.obligatoire and (valeur is None or not valeur.strip()):
        return None
    return texte(valeur, champ.nom, longueur_max=champ.longueur_max)


def filtre(valeur: str | None, champ: str, *, longueur_max: int = 200) -> str | None:
    """A free-text filter (search, action, statut…): no control character, bounded length."""
    if valeur is None:
        return None
    _sans_controle(valeur, champ)
    if len(valeur) > longueur_max:
        raise DonneeInvalide(f"{champ} : {longueur_max} caractères au plus.", champ=champ)
    return valeur


def siret(valeur: str | None) -> str:
    """14 digits with a valid Luhn checksum (python-stdnum), spaces tolerated."""
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siret as stdnum_siret

    brut = (valeur or "").strip()
    _sans_controle(brut, "siret")
    try:
        return stdnum_siret.validate(brut)
    except ValidationError:
        raise DonneeInvalide(
            f"SIRET invalide : « {brut[:20]} » (14 chiffres avec une clé de contrôle valide).",
            champ="siret",
        ) from None


def email(valeur: str | None) -> str:
    """A syntactically valid address (email-validator, no DNS lookup), domain lower-cased."""
    from email_validator import EmailNotValidError, validate_email

    brut = (valeur or "").strip()
    if not brut:
        raise DonneeInvalide("e-mail : valeur obligatoire.", champ="email")
    _sans_controle(brut, "email")
    if len(brut) > LONGUEUR_MAX_EMAIL:
        raise DonneeInvalide(f"e-mail : {LONGUEUR_MAX_EMAIL} caractères au plus.", champ="email")
    try:
        resultat = validate_email(brut, check_deliverability=False, strict=True)
    except EmailNotValidError:
        raise DonneeInvalide(f"Adresse e-mail invalide : « {brut[:60]} ».", champ="email") from None
    return resultat.normalized


def cle_email(adresse: str) -> str:
    """The key under which e-mails are unique within an organisme (case-insensitive)."""
    return adresse.casefold()


def telephone(valeur: str | None, champ: str) -> str | None:
    """A French number (metropolitan or overseas), returned in E.164; None when empty."""
    import phonenumbers

    brut = (valeur or "").strip()
    if not brut:
        return None
    _sans_controle(brut, champ)
    libelle = libelle_champ(champ)
    if not CARACTERES_TELEPHONE.issuperset(brut):
        raise DonneeInvalide(
            f"{libelle} invalide : « {brut[:30]} » (chiffres, espaces, points, tirets, "
            "parenthèses et « + » seulement).",
            champ=champ,
        )
    try:
        numero = phonenumbers.parse(brut, "FR")
    except phonenumbers.NumberParseException:
        raise DonneeInvalide(f"{libelle} invalide : « {brut[:30]} ».", champ=champ) from None
    valide = phonenumbers.is_valid_number(numero)
    if not valide and not brut.startswith(("+", "00")):
        # Overseas numbers written the national way (0262…, 0692…) parse as +33: try the
        # overseas regions only when the metropolitan reading is invalid.
        for region in ("RE", "YT", "GP", "BL", "MF", "MQ", "GF", "PM"):
            essai = phonenumbers.parse(brut, region)
            if phonenumbers.is_valid_number(essai):
                numero, valide = essai, True
                break
    if not valide or phonenumbers.region_code_for_number(numero) not in REGIONS_FRANCAISES:
        raise DonneeInvalide(
            f"{libelle} invalide : « {brut[:30]} » n'est pas un numéro français valide.",
            champ=champ,
        )
    return phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=4096)
def forme_francaise(numero: str | None) -> str | None:
    """A stored (E.164) number as people and spreadsheets read it, in table output, ``-o csv``
    and ``export`` alike: the national form (``06 12 34 56 78``) when it reads back as the same
    number — a spreadsheet keeps it as text, the import reads it back —, else the international
    one (``+687 …``, the Pacific territories). JSON keeps E.164."""
    import phonenumbers

    if not numero:
        return None
    try:
        n = phonenumbers.parse(numero)
    except phonenumbers.NumberParseException:
        return numero
    texte = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
    try:
        if telephone(texte, "telephone") == numero:
            return texte
    except DonneeInvalide:
        pass
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


CARACTERES_TELEPHONE = frozenset("0123456789 +.-()\u00a0")

# Metropolitan France and the overseas departments and collectivities with French numbering.
REGIONS_FRANCAISES = frozenset(
    {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"}
)


def telephones(fixe: str | None, mobile: str | None) -> tuple[str | None, str | None]:
    """Both phones normalised; at least one is required (the guide's first note)."""
    fixe_n = telephone(fixe, "telephone_fixe")
    mobile_n = telephone(mobile, "telephone_mobile")
    if not fixe_n and not mobile_n:
        raise DonneeInvalide(
            "Au moins un numéro de téléphone (fixe ou mobile) doit être indiqué.",
            champ="telephone",
        )
    return fixe_n, mobile_n

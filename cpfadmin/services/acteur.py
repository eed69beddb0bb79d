"""Who is acting: the account behind a valid session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cpfadmin.domain.permissions import Habilitation
from cpfadmin.domain.roles import Role, TypeOrganisme, est_operateur


@dataclass(frozen=True)
class Acteur:
    compte_id: int
    identifiant: str
    organisme_id: int
    organisme_siret: str
    organisme_type: TypeOrganisme
    role: Role
    session_id: int
    session_expire_le: datetime
    # The absolute limit of the session (``session_expire_le`` is the nearer of it and the idle
    # limit).
    session_fin_le: datetime | None = None

    @property
    def est_operateur(self) -> bool:
        return est_operateur(self.organisme_type, self.role)

    @property
    def est_administrateur(self) -> bool:
        return self.role.est_administrateur

    @property
    def habilitation(self) -> Habilitation:
        return Habilitation(self.compte_id, self.organisme_id, self.organisme_type, self.role)

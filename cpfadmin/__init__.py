"""cpfadmin — administration des inscriptions et habilitations du portail gestionnaire SI CPF."""

__version__ = "0.1.0"

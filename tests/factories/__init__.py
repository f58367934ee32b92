"""Factories for the academy's models, one module per app."""

from .people import TeamFactory, UserFactory

__all__ = ["TeamFactory", "UserFactory"]

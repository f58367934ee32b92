from .people import Position, Team, User
from .sessions import UserSession
from .staff_import import StaffImport

__all__ = ["Position", "StaffImport", "Team", "User", "UserSession"]

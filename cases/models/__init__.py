"""The case library's models: the library and its cases, and the case search's index,
synonyms and record of what was searched (cases/search/)."""

from cases.models.library import (
    CaseLibraryPage,
    CasePage,
    CaseRead,
    CaseWeek,
    Channel,
    ClinicSession,
    Difficulty,
    Product,
    ScenarioType,
    SecondPersonApprovalTask,
)
from cases.models.practice import (
    EndState,
    Mood,
    PracticeChannel,
    PracticeReply,
    PracticeRun,
    Simulation,
)
from cases.models.refreshers import ProductChange, Refresher
from cases.models.search import (
    CaseSearch,
    CaseSearchTerm,
    SearchTermFrequency,
    SearchTermSound,
    SynonymGroup,
)

__all__ = [
    "CaseLibraryPage",
    "CasePage",
    "CaseRead",
    "CaseSearch",
    "CaseSearchTerm",
    "CaseWeek",
    "Channel",
    "ClinicSession",
    "Difficulty",
    "EndState",
    "Mood",
    "PracticeChannel",
    "PracticeReply",
    "PracticeRun",
    "Product",
    "ProductChange",
    "Refresher",
    "ScenarioType",
    "SearchTermFrequency",
    "SearchTermSound",
    "SecondPersonApprovalTask",
    "Simulation",
    "SynonymGroup",
]

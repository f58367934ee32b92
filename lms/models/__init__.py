from .curriculum import (
    AcademyHomePage,
    Cohort,
    CurriculumKind,
    CurriculumPage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
)
from .feedback import FeedbackAdjustment, FeedbackFormField, FeedbackFormPage, FeedbackGiven
from .golive import GoLiveState, GoLiveStatus
from .notices import EmailOptOut, Notice, NoticeEmail
from .people import Position, Team, User
from .quiz import (
    Attempt,
    AttemptItem,
    Choice,
    Question,
    QuestionCategory,
    QuestionKind,
    QuestionTag,
    Quiz,
    QuizSection,
)
from .recurring import Frequency, TrainingAssignment, TrainingRound, TrainingSchedule
from .staff_import import StaffImport
from .submissions import FormSubmission

__all__ = [
    "AcademyHomePage",
    "Attempt",
    "AttemptItem",
    "Choice",
    "Cohort",
    "CurriculumKind",
    "CurriculumPage",
    "EmailOptOut",
    "Enrolment",
    "FeedbackAdjustment",
    "FeedbackFormField",
    "FeedbackFormPage",
    "FeedbackGiven",
    "FormSubmission",
    "Frequency",
    "GoLiveState",
    "GoLiveStatus",
    "LessonCompletion",
    "LessonPage",
    "ModulePage",
    "Notice",
    "NoticeEmail",
    "Position",
    "Question",
    "QuestionCategory",
    "QuestionKind",
    "QuestionTag",
    "Quiz",
    "QuizSection",
    "StaffImport",
    "Team",
    "TrainingAssignment",
    "TrainingRound",
    "TrainingSchedule",
    "User",
]

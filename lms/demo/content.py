"""
Curricula, the question bank and quizzes from demo data files, for any app's demo: the core's
onboarding (data/onboarding.yaml, data/questions.yaml) and the feature apps' own courses and
exams call the same builders. Each builder looks for what exists first (pages by slug under
their parent, quizzes by title, questions by category and prompt), so loading twice changes
nothing.
"""

from django.core.exceptions import ValidationError
from wagtail.models import Page, Site

from lms.demo.data import DemoFile, Where, entries, fields, known, of_type, one_of, stream
from lms.demo.people import people_by_number
from lms.models import (
    AcademyHomePage,
    Choice,
    CurriculumPage,
    FeedbackFormField,
    FeedbackFormPage,
    LessonPage,
    ModulePage,
    Question,
    QuestionCategory,
    Quiz,
    QuizSection,
)
from lms.models.quiz import QuestionKind

LESSON_BLOCKS = LessonPage._meta.get_field("body").stream_block


def saved(instance, where: Where, save=None):
    """
    Validate a model instance like a form would, then save it; errors name the entry. Pages
    are saved by `save` (adding them to the tree), which validates them itself.
    """
    try:
        if save is None:
            instance.full_clean()
            return instance.save()
        return save()
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        raise where.error(
            "; ".join(f"{key}: {' '.join(map(str, msgs))}" for key, msgs in problems.items())
        ) from exc


def academy_home() -> AcademyHomePage:
    """The site's root page; Wagtail's placeholder welcome page is replaced once."""
    home = AcademyHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=AcademyHomePage(title="客服学院", slug="academy"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name="客服学院"
        )
    elif site.root_page_id != home.pk:
        placeholder = site.root_page
        site.root_page = home
        site.site_name = "客服学院"
        site.save()
        if type(placeholder.specific) is Page and not placeholder.get_children().exists():
            placeholder.delete()
    return home


# --- Curricula ------------------------------------------------------------------------------


def curricula_read(data: DemoFile) -> list[tuple[Where, dict]]:
    """The `curricula` of a file, checked down to every lesson block."""
    out = []
    for where, entry in entries(data.section("curricula"), data.where.child("curricula"), "slug"):
        curriculum = fields(
            entry,
            where,
            required=("title", "slug", "kind", "modules"),
            optional={
                "audience": "",
                "expected_days": 30,
                "intro": "",
                "golive_requires_signoff": True,
                "golive_quizzes": [],
                "owner": None,
            },
        )
        modules = []
        for module_where, module in entries(curriculum["modules"], where.child("modules"), "slug"):
            module = fields(
                module,
                module_where,
                required=("title", "slug", "lessons"),
                optional={
                    "intro": "",
                    "due_offset_days": 7,
                    "feedback_form": False,
                    "quiz": None,
                    "quiz_required": False,
                },
            )
            if module["quiz"] is not None:
                module["quiz"] = quiz_by_title(module["quiz"], module_where, "quiz")
            lessons = []
            for lesson_where, lesson in entries(
                module["lessons"], module_where.child("lessons"), "slug"
            ):
                lesson = fields(
                    lesson,
                    lesson_where,
                    required=("title", "slug", "body"),
                    optional={"summary": "", "minutes": 15},
                )
                of_type(lesson["minutes"], int, lesson_where, "minutes")
                body = quiz_blocks_by_pk(lesson["body"], lesson_where.child("body"))
                lesson["body"] = stream(LESSON_BLOCKS, body, lesson_where.child("body"))
                lessons.append((lesson_where, lesson))
            modules.append((module_where, {**module, "lessons": lessons}))
        out.append((where, {**curriculum, "modules": modules}))
    return out


def quiz_by_title(title, where: Where, field: str) -> Quiz:
    quizzes = {quiz.title: quiz for quiz in Quiz.objects.filter(title=title)}
    return known(title, quizzes, where, field, defined_in="questions.yaml")


def quiz_blocks_by_pk(body, where: Where):
    """A lesson body with each quiz block's quiz, written as a title, turned into its id."""
    if not isinstance(body, list):
        return body
    out = []
    for index, item in enumerate(body):
        value = item.get("quiz") if isinstance(item, dict) and len(item) == 1 else None
        if isinstance(value, dict) and isinstance(value.get("quiz"), str):
            here = Where(where.file, f"{where.entry}[{index}]").child("quiz")
            item = {"quiz": {**value, "quiz": quiz_by_title(value["quiz"], here, "quiz").pk}}
        out.append(item)
    return out


def curriculum_ensure(where: Where, data: dict, *, home, feedback: dict | None = None):
    """
    One curriculum with its modules and lessons. A curriculum with an `owner` was written by
    that person: its pages carry their name and it is published as their revision, the way
    the CMS records an author.
    """
    owner = None
    if data["owner"]:
        owner = known(data["owner"], people_by_number(), where, "owner", defined_in="people.yaml")
    curriculum = CurriculumPage.objects.filter(slug=data["slug"]).first()
    created = curriculum is None
    if created:
        curriculum = CurriculumPage(
            title=data["title"],
            slug=data["slug"],
            kind=data["kind"],
            audience=data["audience"],
            expected_days=data["expected_days"],
            intro=data["intro"],
            golive_requires_signoff=data["golive_requires_signoff"],
            owner=owner,
        )
        saved(curriculum, where, lambda: home.add_child(instance=curriculum))
    for module_where, module_data in data["modules"]:
        module = ModulePage.objects.child_of(curriculum).filter(slug=module_data["slug"]).first()
        if module is None:
            module = ModulePage(
                title=module_data["title"],
                slug=module_data["slug"],
                due_offset_days=module_data["due_offset_days"],
                intro=module_data["intro"],
                quiz=module_data["quiz"],
                quiz_required=module_data["quiz_required"],
                owner=owner,
            )
            saved(module, module_where, lambda m=module: curriculum.add_child(instance=m))
        for lesson_where, lesson_data in module_data["lessons"]:
            if LessonPage.objects.child_of(module).filter(slug=lesson_data["slug"]).exists():
                continue
            lesson = LessonPage(
                title=lesson_data["title"],
                slug=lesson_data["slug"],
                summary=lesson_data["summary"],
                estimated_minutes=lesson_data["minutes"],
                body=lesson_data["body"],
                owner=owner,
            )
            saved(lesson, lesson_where, lambda m=module, p=lesson: m.add_child(instance=p))
        if module_data["feedback_form"] and feedback:
            feedback_form_ensure(module, feedback)
    quizzes = {quiz.title: quiz for quiz in Quiz.objects.filter(title__in=data["golive_quizzes"])}
    for title in data["golive_quizzes"]:
        quiz = known(title, quizzes, where, "golive_quizzes", defined_in="questions.yaml")
        if not curriculum.golive_quizzes.filter(pk=quiz.pk).exists():
            curriculum.golive_quizzes.add(quiz)  # a parental relation: saved with the page
            curriculum.save()
    if created and owner:
        curriculum.save_revision(user=owner).publish()
    return curriculum


def feedback_read(data: DemoFile) -> dict:
    where = data.where.child("feedback_form")
    form = fields(
        data.section("feedback_form", dict),
        where,
        required=("title", "slug", "fields"),
        optional={"intro": "", "thank_you_text": ""},
    )
    form_fields = []
    for field_where, field in entries(form["fields"], where.child("fields"), "label"):
        field = fields(
            field,
            field_where,
            required=("label", "type"),
            optional={"choices": [], "required": False},
        )
        types = [value for value, _label in FeedbackFormField._meta.get_field("field_type").choices]
        one_of(field["type"], types, field_where, "type")
        form_fields.append(field)
    return {**form, "fields": form_fields}


def feedback_form_ensure(module, form: dict) -> None:
    """A short questionnaire after the module (培训反馈)."""
    if FeedbackFormPage.objects.child_of(module).exists():
        return
    page = module.add_child(
        instance=FeedbackFormPage(
            title=form["title"].format(module=module.title),
            slug=form["slug"],
            intro=form["intro"],
            thank_you_text=form["thank_you_text"],
        )
    )
    for order, field in enumerate(form["fields"]):
        FeedbackFormField.objects.create(
            page=page,
            sort_order=order,
            label=field["label"],
            field_type=field["type"],
            choices="\n".join(field["choices"]),
            required=field["required"],
        )


# --- Questions and quizzes --------------------------------------------------------------


def question_bank_ensure(data: DemoFile) -> dict[str, QuestionCategory]:
    """The file's categories and questions (a question is known by category and prompt)."""
    names = data.section("categories")
    categories = {name: QuestionCategory.objects.get_or_create(name=name)[0] for name in names}
    existing = set(Question.objects.values_list("category__name", "prompt"))
    questions = entries(data.section("questions"), data.where.child("questions"), "prompt")
    for where, entry in questions:
        item = fields(
            entry,
            where,
            required=("category", "kind", "prompt"),
            optional={
                "tags": [],
                "choices": [],
                "answer": None,
                "required_phrases": [],
                "forbidden_phrases": [],
                "rubric": "",
                "points": 1,
                "explanation": "",
            },
        )
        category = known(item["category"], categories, where, "category")
        kind = one_of(item["kind"], QuestionKind, where, "kind")
        choices = [
            fields(c, w, required=("text", "correct"), optional={"feedback": ""})
            for w, c in entries(item["choices"], where.child("choices"))
        ]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not any(
            c["correct"] for c in choices
        ):
            raise where.error("a choice question needs choices, at least one `correct: true`")
        if kind == QuestionKind.TRUE_FALSE:
            of_type(item["answer"], bool, where, "answer")
        if (category.name, item["prompt"]) in existing:
            continue
        question = Question(
            category=category,
            kind=kind,
            prompt=item["prompt"],
            explanation=item["explanation"],
            points=item["points"],
            true_false_answer=item["answer"] if kind == QuestionKind.TRUE_FALSE else None,
            required_phrases="\n".join(item["required_phrases"]),
            forbidden_phrases="\n".join(item["forbidden_phrases"]),
            rubric=item["rubric"],
        )
        saved(question, where)
        question.tags.add(*item["tags"])
        question.save()
        for order, choice in enumerate(choices):
            Choice.objects.create(
                question=question,
                sort_order=order,
                text=choice["text"],
                is_correct=choice["correct"],
                feedback=choice["feedback"],
            )
    return categories


# What a quiz entry may set; anything left out takes the model's default.
QUIZ_FIELDS = (
    "description",
    "time_limit_minutes",
    "pass_mark_percent",
    "max_attempts",
    "retake_wait_minutes",
    "grading",
    "review_when",
    "review_shows_answers",
)


def quiz_ensure(where: Where, entry: dict, *, defaults: dict | None = None) -> Quiz:
    """
    A quiz known by its title, drawing `draw: {category: count}` from the question bank.
    `defaults` are settings a group of quizzes shares (every certification exam's rules).
    """
    data = {**(defaults or {}), **entry}
    fields(data, where, required=("title", "draw"), optional=dict.fromkeys(QUIZ_FIELDS))
    quiz = Quiz.objects.filter(title=data["title"]).first()
    if quiz is not None:
        return quiz
    draw = {}
    of_type(data["draw"], dict, where, "draw")
    categories = {c.name: c for c in QuestionCategory.objects.filter(name__in=data["draw"])}
    for name, count in data.pop("draw").items():
        draw[known(name, categories, where, "draw")] = of_type(count, int, where, "draw")
    quiz = Quiz(**data)
    saved(quiz, where)
    # One by one, not in bulk: saving a section is what enters it in Wagtail's reference
    # index, which the admin reads to show where a question category is used.
    for order, (category, count) in enumerate(draw.items()):
        QuizSection.objects.create(quiz=quiz, category=category, count=count, sort_order=order)
    return quiz

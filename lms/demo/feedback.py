"""The demo's questionnaire answers and the adjustments trainers made in response."""

import datetime as dt
from pathlib import Path

from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from lms.demo.data import DemoFile, entries, fields, known
from lms.demo.people import people_by_number
from lms.models import FeedbackAdjustment, FeedbackFormPage, FeedbackGiven, ModulePage

FEEDBACK_FILE = Path(__file__).parent / "data" / "feedback.yaml"


def _choice(question, rating: int) -> str:
    """The questionnaire's choice that starts with `rating` (“4 有帮助”)."""
    for line in question.choices.splitlines():
        if line.strip().startswith(str(rating)):
            return line.strip()
    return str(rating)


def feedback_ensure(today: dt.date, path: Path = FEEDBACK_FILE) -> None:
    """Answers and adjustments, once: a module whose questionnaire has answers is left as is."""
    data = DemoFile(path)
    people = people_by_number()
    modules = {m.slug: m for m in ModulePage.objects.all()}
    forms = {}
    for module in modules.values():
        form = FeedbackFormPage.objects.child_of(module).first()
        if form is not None:
            forms[module.slug] = form
    answered = set(
        FormSubmission.objects.filter(page__in=forms.values()).values_list("page_id", flat=True)
    )
    for where, entry in entries(data.section("answers"), data.where.child("answers")):
        answer = fields(
            entry,
            where,
            required=("module", "person", "days_ago", "rating"),
            optional={"helpful": "", "improve": ""},
        )
        form = known(answer["module"], forms, where, "module")
        if form.pk in answered:
            continue
        person = known(answer["person"], people, where, "person")
        questions = list(form.form_fields.order_by("sort_order"))
        values = [_choice(questions[0], answer["rating"]), answer["helpful"], answer["improve"]]
        when = timezone.now() - dt.timedelta(days=answer["days_ago"], hours=3)
        submission = FormSubmission.objects.create(
            page=form, form_data={q.clean_name: v for q, v in zip(questions, values, strict=False)}
        )
        FormSubmission.objects.filter(pk=submission.pk).update(submit_time=when)
        FeedbackGiven.objects.get_or_create(
            form=form, user=person, defaults={"first_given_on": timezone.localtime(when).date()}
        )
    for where, entry in entries(data.section("adjustments"), data.where.child("adjustments")):
        item = fields(entry, where, required=("module", "days_ago", "by", "summary"))
        module = known(item["module"], modules, where, "module")
        FeedbackAdjustment.objects.get_or_create(
            module=module,
            summary=item["summary"],
            defaults={
                "adjusted_on": today - dt.timedelta(days=item["days_ago"]),
                "recorded_by": known(item["by"], people, where, "by"),
            },
        )

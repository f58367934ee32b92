"""
A person's rows, and a generation per person that moves whenever one of them changes, so a
page built from them (the dashboard) can be kept in the shared cache until it would read
differently (lms.generations).

Each app registers the models it owns, in `AppConfig.ready()` or its plugins:

- **a person's own rows** (`register_person_rows(Model, person="user")`): enrolments, lesson
  completions, attempts, go-live status, results, certificates, registrations, case reads,
  practice runs, refreshers... Saving or deleting one, or changing one of its many-to-many
  relations, moves that person's generation.
- **the academy's shared rows** (`register_academy_rows(Model, ...)`): teams, cohorts,
  quizzes and their questions, cycles, levels, track steps, schedules, products...: any change
  moves the academy generation, which every kept page depends on too. Pages have their own
  (lms.routing).

Either way the bulk paths (`update()`, `bulk_create()`, `bulk_update()`) move the generation
too: the model's manager must use `KeptRowsQuerySet`, and registering a model whose manager
does not is refused, so no write can slip past.

A change to more than `ONE_BY_ONE` people at once (an HR import, a bulk issue's chunk is
fewer) moves the academy generation instead of each person's: a cache write per person,
twice, inside the writer's transaction costs more than everyone's next page being built
afresh once. tests/lms/test_person_rows.py lists every other model of the three apps with
the reason it cannot change a kept page, so a new model fails the suite until it is placed.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from lms.generations import generation_bump, generations_bump

ACADEMY_GENERATION_KEY = "academy:generation"
ONE_BY_ONE = 100

_person_attname: dict[type[models.Model], str] = {}
_person_name: dict[type[models.Model], str] = {}
_academy_models: set[type[models.Model]] = set()
# Columns of a person's rows that no page shows (a job's own bookkeeping, such as when a
# render was claimed): writing only these moves no generation.
_unseen: dict[type[models.Model], frozenset[str]] = {}


def person_generation_key(user_id: int) -> str:
    return f"person:{user_id}:generation"


def people_changed(user_ids) -> None:
    """What these people's kept pages were built from has changed."""
    people = {user_id for user_id in user_ids if user_id is not None}
    if len(people) > ONE_BY_ONE:
        academy_changed()
    else:
        generations_bump(person_generation_key(user_id) for user_id in people)


def academy_changed(**_kwargs) -> None:
    """Shared rows every kept page may show have changed: everyone's are stale."""
    generation_bump(ACADEMY_GENERATION_KEY)


class KeptRowsQuerySet(models.QuerySet):
    """The bulk writes of a registered model move its people's generations (a person's
    rows) or the academy's (shared rows), as a save does through the signals (Django sends
    none for these paths)."""

    def _attname(self) -> str | None:
        return _person_attname.get(self.model)

    def update(self, **kwargs):
        if self.model in _academy_models:
            changed = super().update(**kwargs)
            if changed:
                academy_changed()
            return changed
        attname = self._attname()
        if _only_unseen(self.model, kwargs):
            return super().update(**kwargs)
        people = []
        if attname is not None:
            # One indexed read of whose rows these are, before they change.
            people = list(self.order_by().values_list(attname, flat=True).distinct())
            for name in {attname, _person_name[self.model]} & set(kwargs):  # changing hands
                new = kwargs[name]
                if hasattr(new, "resolve_expression"):  # computed in SQL: not known here
                    academy_changed()
                else:
                    people.append(getattr(new, "pk", new))
        changed = super().update(**kwargs)
        if changed:
            people_changed(people)
        return changed

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self._objects_changed(created)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        changed = super().bulk_update(objs, fields, *args, **kwargs)
        self._objects_changed(objs)
        return changed

    bulk_update.alters_data = True

    def _objects_changed(self, objs) -> None:
        if self.model in _academy_models:
            if objs:
                academy_changed()
            return
        attname = self._attname()
        if attname is not None:
            people_changed(getattr(obj, attname) for obj in objs)


def _only_unseen(model: type[models.Model], fields) -> bool:
    """Whether a write of `fields` touches only columns no page shows (see `unseen`)."""
    return set(fields) <= _unseen.get(model, frozenset())


def _person_row_changed(sender, instance, update_fields=None, **_kwargs) -> None:
    if update_fields and _only_unseen(sender, update_fields):
        return
    people_changed([getattr(instance, _person_attname[sender])])


def _person_relation_changed(sender, instance, action, reverse, model, pk_set, **_kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:  # a person row's own relation: e.g. a person's groups
        people_changed([getattr(instance, _person_attname[type(instance)])])
    elif action == "post_clear":  # e.g. a group emptied: whose rows they were is gone
        academy_changed()
    else:  # e.g. people added to a group: those people
        rows = model._default_manager.filter(pk__in=pk_set)
        people_changed(rows.values_list(_person_attname[model], flat=True))


def _insist_on_kept_rows_manager(model: type[models.Model]) -> None:
    if not isinstance(model._default_manager.all(), KeptRowsQuerySet):
        raise ImproperlyConfigured(
            f"{model.__name__}'s manager must use lms.person_rows.KeptRowsQuerySet, or its "
            "bulk writes would leave kept pages stale"
        )


def register_person_rows(
    model: type[models.Model], person: str = "user", *, unseen: tuple[str, ...] = ()
) -> None:
    """`model`'s rows belong to the person its field `person` names ("pk": the person).
    `unseen`: columns no page shows; a write of only these leaves the pages kept."""
    _insist_on_kept_rows_manager(model)
    _unseen[model] = frozenset(unseen)
    _person_attname[model] = "pk" if person == "pk" else model._meta.get_field(person).attname
    _person_name[model] = person
    uid = f"person-rows-{model._meta.label}"
    post_save.connect(_person_row_changed, sender=model, dispatch_uid=uid)
    post_delete.connect(_person_row_changed, sender=model, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            _person_relation_changed,
            sender=field.remote_field.through,
            dispatch_uid=f"{uid}-{field.name}",
        )


def register_academy_rows(*academy_models: type[models.Model]) -> None:
    """Rows shared by everyone's pages: any change to them moves the academy generation."""
    for model in academy_models:
        _insist_on_kept_rows_manager(model)
        _academy_models.add(model)
        uid = f"academy-rows-{model._meta.label}"
        post_save.connect(academy_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(academy_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                academy_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )


def registered_models() -> tuple[set, set]:
    """(person models, academy models): for the test that every model is placed."""
    return set(_person_attname), set(_academy_models)

"""
No 500 and nothing half-saved, whatever arrives (issue 12, item 6).

Every address the academy defines — its pages, its forms, the JSON API (read from its
OpenAPI schema) and its own CMS views — is sent hostile values by Hypothesis: NUL and other
control characters, digits of other scripts ('٣'), numbers past 64 bits, wrong types,
unknown ids, and (once per endpoint) a 10 MB body. Each request is made as every role that
can reach the address. The test asserts that nothing answers 500 and that a request that is
refused (4xx, a form shown again, an error message) leaves every table as it was.

`HOSTILE_EXAMPLES` (default 12 per endpoint) sets how hard it tries; examples are
derandomized, so a failure comes back on the next run.
"""

import json
import os
from urllib.parse import quote

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import values
from tests.hostile.endpoints import (
    API,
    ENDPOINTS,
    FILE_HEADERS,
    FILE_ROWS,
    Endpoint,
)
from tests.hostile.world import World, build_world

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "12"))

# --- Tables that a refused request must leave as they were --------------------------------

# Written by any request whatever its outcome: sessions, the cache table, the token's use.
CHURN = ("django_session", "academy_shared_cache", "wagtailapi_apitoken", "django_q_")


def _academy_tables() -> list[str]:
    tables = connection.introspection.table_names()
    return sorted(t for t in tables if not t.startswith(CHURN))


def _row_counts(tables) -> tuple:
    # Table names come from the database's own catalogue, not from any input.
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _refused(response) -> bool:
    if response.status_code >= 400 or (
        response.status_code == 200 and response.request["REQUEST_METHOD"] == "POST"
    ):
        return True  # an error, or a form shown again with its errors
    stored = get_messages(response.wsgi_request)
    return any(message.level >= message_levels.ERROR for message in stored)


# --- Making the requests --------------------------------------------------------------------


@pytest.fixture
def world(db) -> World:
    return build_world()


def _client_for(role, world, client):
    client.logout()
    if role == "token":
        from wagtail.models import APIToken

        _token, plaintext = APIToken.create_token(user=world.academy.supervisor, name="排班")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {plaintext}"
        return client
    client.defaults.pop("HTTP_AUTHORIZATION", None)
    if role is not None:
        client.force_login(world.academy.by_role()[role])
    return client


def _path(endpoint: Endpoint, world: World, data) -> str:
    kwargs = dict(endpoint.kwargs)
    for kwarg, key in endpoint.ids.items():
        kwargs[kwarg] = data.draw(st.one_of(st.just(world.ids()[key]), values.unknown_ids))
    if endpoint.body == "level":  # a level's code in the address: any letters
        level = data.draw(st.sampled_from(["junior", "senior", "x", "a" * 300, "nul"]))
        return reverse(endpoint.name, kwargs={"level": level})
    if endpoint.body == "code":
        real = world.certificate.verification_code
        code = data.draw(st.one_of(st.just(real), values.hostile_text.filter(bool)))
        kwargs["code"] = "X"
        url = reverse(endpoint.name, kwargs=kwargs)
        return url.replace("/X/", "/" + quote(code.replace("/", ""), safe="") + "/", 1)
    return reverse(endpoint.name, kwargs=kwargs or None)


def _fields(endpoint: Endpoint, world: World) -> list[str]:
    names = list(endpoint.fields)
    if "q" in names and endpoint.name == "lms:attempt_submit":
        names.remove("q")
        items = world.attempt.items.values_list("pk", flat=True)
        names += [f"q{pk}" for pk in items] + [f"q{pk}_present" for pk in items]
    return names


def _send(client, endpoint: Endpoint, world: World, data):
    path = _path(endpoint, world, data)
    names = _fields(endpoint, world)
    form = {}
    for name in names:
        choice = data.draw(st.sampled_from(["hostile", "valid", "poisoned", "absent"]), label=name)
        valid = endpoint.valid[name](world) if name in endpoint.valid else "0"
        if choice == "valid":
            form[name] = valid
        elif choice == "poisoned":  # a value that passes, with a control character in it
            form[name] = valid + data.draw(st.sampled_from(values.CONTROL), label=name)
        elif choice == "hostile":
            form[name] = data.draw(values.form_value, label=name)
    # Now and then a field nobody asked for.
    form.update(data.draw(st.dictionaries(values.hostile_text, values.hostile_text, max_size=2)))
    form = {key.replace("\x00", ""): value for key, value in form.items()}
    if endpoint.body == "json":
        items = [str(pk) for pk in world.attempt.items.values_list("pk", flat=True)]
        shaped = st.fixed_dictionaries(
            {
                "revision": st.just(0),
                "answers": st.dictionaries(st.sampled_from(items), values.json_value),
            }
        ).map(lambda value: json.dumps(value).encode())
        body = data.draw(st.one_of(shaped, values.json_body(names), values.raw_bytes()))
        return client.post(path, body, content_type="application/json")
    if endpoint.body == "file":
        valid_row = FILE_ROWS[endpoint.name](world)
        cell = st.one_of(values.hostile_text, st.sampled_from(valid_row))
        rows = [
            FILE_HEADERS[endpoint.name],
            *data.draw(
                st.lists(st.one_of(st.just(valid_row), st.lists(cell, max_size=8)), max_size=5)
            ),
        ]
        text = "\r\n".join(",".join(cell.replace(",", "，") for cell in row) for row in rows)
        encoding = data.draw(st.sampled_from(["utf-8", "gb18030", "utf-16"]))
        name = data.draw(
            st.sampled_from(["staff.csv", "staff.xlsx", "\x00.csv", "a.txt", "名单.CSV"])
        )
        form["file"] = SimpleUploadedFile(name, text.encode(encoding, "replace"), "text/csv")
    if endpoint.method == "GET":
        return client.get(path, form)
    return client.post(path, form)


def _attack(endpoint: Endpoint, world: World, client):
    tables = _academy_tables()
    nul_sql = _nul_check_sql(tables)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def attack(data):
        # Each example starts from the same world: what one saved is rolled back.
        with transaction.atomic():
            role = data.draw(st.sampled_from(endpoint.roles), label="role")
            signed_in = _client_for(role, world, client)
            before = _row_counts(tables)
            response = _send(signed_in, endpoint, world, data)
            assert response.status_code < 500, f"{endpoint} as {role}: {response.status_code}"
            if _refused(response):
                changed = [
                    t for t, a, b in zip(tables, before, _row_counts(tables), strict=True) if a != b
                ]
                assert not changed, f"{endpoint} as {role} refused but changed {changed}"
            _assert_no_nul_stored(nul_sql)
            transaction.set_rollback(True)

    attack()


def _nul_check_sql(tables) -> str | None:
    """One query counting stored NULs in every text column (SQLite only: PostgreSQL
    cannot store them at all, and an attempt to is a 500 the test already catches)."""
    if connection.vendor != "sqlite":
        return None
    checks = []
    with connection.cursor() as cursor:
        for table in tables:
            for column in connection.introspection.get_table_description(cursor, table):
                if column.type_code.lower().startswith(("varchar", "text")):
                    checks.append(
                        f'(SELECT COUNT(*) FROM "{table}" WHERE instr("{column.name}", char(0)))'  # noqa: S608
                        f' AS "{table}.{column.name}"'
                    )
    return "SELECT " + ", ".join(checks)


def _assert_no_nul_stored(sql) -> None:
    if sql is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchone()
        names = [d[0] for d in cursor.description]
    stored = [name for name, count in zip(names, found, strict=True) if count]
    assert not stored, f"a NUL was stored in {stored}"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_hostile_values_get_no_500_and_a_refusal_saves_nothing(endpoint, world, client):
    _attack(endpoint, world, client)


@pytest.mark.parametrize("name", sorted(API))
def test_every_api_parameter_is_attacked(name, world, client):
    """The API's query parameters are read from its OpenAPI schema, as a client would."""
    schema = _client_for("lead", world, client).get(reverse("lms:openapi-json")).json()
    path = reverse(name).removeprefix("/api/v1")
    operation = next(
        operation
        for url, operations in schema["paths"].items()
        if url.endswith(path)
        for operation in operations.values()
    )
    parameters = tuple(p["name"] for p in operation.get("parameters", ()) if p["in"] == "query")
    assert "page" in parameters  # the schema was read
    endpoint = Endpoint(name, roles=API[name].roles, fields=parameters)
    _attack(endpoint, world, client)


def _academy_admin_url_names() -> set[str]:
    """The CMS views the academy's apps add to Wagtail's admin (register_admin_urls)."""
    from wagtail import hooks

    names = set()
    for hook in hooks.get_hooks("register_admin_urls"):
        if hook.__module__.split(".")[0] in ("lms", "cases", "certification"):
            names |= {pattern.name for pattern in hook() if pattern.name}
    return names


def test_every_academy_address_is_attacked():
    """A new page, form, API endpoint or CMS view of ours fails here until it is listed."""
    from tests.lms.test_access import _academy_url_names

    attacked = {endpoint.name for endpoint in ENDPOINTS} | set(API)
    found = _academy_url_names() | _academy_admin_url_names()
    assert "certification_admin_qa_import" in found and "lms:api_people" in found
    assert not found - attacked, f"add these to ENDPOINTS: {sorted(found - attacked)}"
    assert not attacked - found, f"gone: {sorted(attacked - found)}"


POSTS = [endpoint for endpoint in ENDPOINTS if endpoint.method == "POST"]


@pytest.mark.parametrize("endpoint", POSTS, ids=str)
def test_a_10_mb_body_is_refused_in_the_readers_language_and_saves_nothing(endpoint, world, client):
    role = endpoint.roles[-1]
    signed_in = _client_for(role, world, client)
    kwargs = {**endpoint.kwargs, **{k: world.ids()[key] for k, key in endpoint.ids.items()}}
    url = reverse(endpoint.name, kwargs=kwargs or None)
    tables = _academy_tables()
    before = _row_counts(tables)
    if endpoint.body == "file":
        # A file is streamed to disk, not held in memory: its own form limits its size.
        upload = SimpleUploadedFile("staff.csv", b"x" * (10 * 1024 * 1024 + 1), "text/csv")
        response = signed_in.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200  # the form again, with the refusal on the file
    else:
        field = (endpoint.fields or ("text",))[0]
        body = {field: "客" * (10 * 1024 * 1024 // 3)}
        if endpoint.body == "json":
            response = signed_in.post(url, json.dumps(body), content_type="application/json")
            assert response.status_code == 413
            assert response.json()["code"] == "too_large"
        else:
            response = signed_in.post(url, body, HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert response.status_code == 413, endpoint
            assert "Bad Request" not in response.content.decode()
    assert _row_counts(tables) == before


def test_nul_in_every_free_text_field_is_refused_and_nothing_is_stored(world, client):
    """The fields the views read as text, each sent a NUL with every other field valid: the
    same refusal on SQLite (which would store it) and PostgreSQL (which raised a 500)."""
    a = world.academy
    written = world.attempt.items.get(question__kind="written")
    posts = [
        (a.lead_a, "lms:golive_revert", a.newhire_a.pk, {"reason": "坏\x00"}),
        (a.lead_a, "lms:golive_sign_off", a.newhire_a.pk, {"reason": "坏\x00"}),
        (a.lead_a, "certification:recommend", a.agent_a.pk,
         {"step": str(world.step.pk), "note": "坏\x00"}),
        (a.lead_a, "lms:review_item", world.review_item.pk, {"points": "8", "comment": "坏\x00"}),
        (a.agent_a, "lms:attempt_submit", world.attempt.pk,
         {"revision": "0", f"q{written.pk}": "坏\x00"}),
    ]  # fmt: skip
    tables = _academy_tables()
    for user, name, pk, data in posts:
        client.force_login(user)
        before = _row_counts(tables)
        response = client.post(reverse(name, args=[pk]), data)
        assert response.status_code == 302, name
        errors = [m for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]
        assert errors, f"{name} took a NUL without a word"
        assert _row_counts(tables) == before, name
    client.force_login(a.agent_a)
    saved = client.post(
        reverse("lms:attempt_save", args=[world.attempt.pk]),
        {"revision": 0, "answers": {str(written.pk): "坏\x00"}},
        content_type="application/json",
    )
    assert saved.status_code == 409 and saved.json()["code"] == "control_characters"
    # Looked up, not stored: PostgreSQL refuses a NUL in a query as much as in a row.
    registered = client.post(reverse("certification:register"), {"level": "junior\x00"})
    assert registered.status_code == 404
    client.force_login(a.admin)
    desk = client.get(reverse("certification_admin_index"), {"q": "王\x00", "cycle": "٣\x00"})
    assert desk.status_code == 200 and world.certificate.serial in desk.content.decode()
    _assert_no_nul_stored(_nul_check_sql(tables))

"""
The demo academy's data files: a mistake in one is refused with the file and the entry named,
before anything is written, and seed_demo runs the loaders the apps registered, in order.
"""

import textwrap

import pytest
from django.core.management import CommandError, call_command

from lms import features
from lms.demo.content import curricula_read
from lms.demo.data import DemoDataError, DemoFile
from lms.demo.people import people_read
from lms.models import Team, User


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_person_with_an_unknown_position_is_refused_naming_the_file_and_the_person(tmp_path):
    path = _write(
        tmp_path,
        "people.yaml",
        """
        teams: [电商一组]
        people:
          - {employee_no: KF0001, name: 刘洋, position: supervisor, hired_days_ago: 10}
          - {employee_no: KF0002, name: 王芳, team: 电商一组, position: cashier, hired_days_ago: 5}
        """,
    )
    with pytest.raises(DemoDataError) as refused:
        people_read(path)
    message = str(refused.value)
    assert "people.yaml: people[1] “王芳”" in message
    assert "`position` is 'cashier'" in message


def test_a_misspelt_key_is_refused_rather_than_ignored(tmp_path):
    path = _write(
        tmp_path,
        "people.yaml",
        """
        teams: [电商一组]
        people:
          - {employee_no: KF0001, name: 刘洋, position: agent, hired_days_ago: 10, usrname: liu}
        """,
    )
    with pytest.raises(DemoDataError, match=r"people\[0\] “刘洋”: unknown key `usrname`"):
        people_read(path)


def test_a_lesson_block_of_an_unknown_type_is_refused_with_its_place_in_the_curriculum(tmp_path):
    path = _write(
        tmp_path,
        "courses.yaml",
        """
        curricula:
          - title: 电话礼仪
            slug: phone
            kind: in_post
            modules:
              - title: 开场
                slug: opening
                lessons:
                  - title: 问候语
                    slug: greeting
                    body:
                      - paragraph: <p>您好，很高兴为您服务。</p>
                      - checklst: {title: 要点, items: [先问候]}
        """,
    )
    with pytest.raises(DemoDataError) as refused:
        curricula_read(DemoFile(path))
    message = str(refused.value)
    assert (
        "courses.yaml: curricula[0] “phone” › modules[0] “opening” › lessons[0] “greeting” "
        "› body[1]: unknown block type 'checklst'"
    ) in message


def test_a_block_missing_a_required_field_is_refused_as_the_cms_form_would(tmp_path):
    path = _write(
        tmp_path,
        "courses.yaml",
        """
        curricula:
          - title: 电话礼仪
            slug: phone
            kind: in_post
            modules:
              - title: 开场
                slug: opening
                lessons:
                  - title: 问候语
                    slug: greeting
                    body:
                      - standard: {value: 30秒内响应}
        """,
    )
    with pytest.raises(DemoDataError, match=r"lessons\[0\] “greeting” › body\[0\]: standard"):
        curricula_read(DemoFile(path))


def test_a_file_that_is_not_yaml_is_refused_naming_it(tmp_path):
    path = _write(tmp_path, "people.yaml", "people: [unclosed\n")
    with pytest.raises(DemoDataError, match=r"people\.yaml: is not valid YAML"):
        people_read(path)


def test_the_shipped_data_files_are_all_valid(db):
    """Every file the demo ships is read and checked without loading anything."""
    from cases.demo.loader import cases_read
    from certification.demo.loader import DATA as CERTIFICATION_DATA

    teams, people = people_read()
    assert len(people) == 27 and "电商一组" in teams
    assert len(cases_read()) == 46
    courses = curricula_read(DemoFile(CERTIFICATION_DATA / "courses.yaml"))
    assert [c["slug"] for _where, c in courses] == [
        "ecommerce-returns", "peak-season", "review-recovery", "phone-complaints",
        "phone-emotions",
    ]  # fmt: skip


def test_seed_demo_runs_the_registered_loaders_in_order(db, monkeypatch):
    ran = []
    loaders = {
        "late": features.DemoLoader(name="late", load=lambda **kw: ran.append("late"), order=2),
        "early": features.DemoLoader(name="early", load=lambda **kw: ran.append("early"), order=1),
    }
    monkeypatch.setattr(features, "_demo_loaders", loaders)
    call_command("seed_demo", verbosity=0)
    assert ran == ["early", "late"]
    assert not User.objects.exists()  # only the registered loaders ran


def test_a_mistake_in_a_later_loader_leaves_the_database_as_it_was(db, monkeypatch):
    def first(**kwargs):
        Team.objects.create(name="电商一组")

    def broken(**kwargs):
        raise DemoDataError("certification/demo/data/people.yaml: results › KF9999: no such person")

    loaders = {
        "first": features.DemoLoader(name="first", load=first, order=1),
        "broken": features.DemoLoader(name="broken", load=broken, order=2),
    }
    monkeypatch.setattr(features, "_demo_loaders", loaders)
    with pytest.raises(CommandError, match=r"nothing was loaded.*results › KF9999"):
        call_command("seed_demo", verbosity=0)
    assert not Team.objects.exists()


def test_each_app_registers_its_demo_loader_and_site_builder():
    assert [loader.name for loader in features.demo_loaders()] == [
        "lms", "cases", "practice", "refreshers", "certification",
    ]  # fmt: skip
    assert [builder.name for builder in features.site_builders()] == ["cases", "certification"]


def test_a_block_field_of_the_wrong_shape_is_refused_not_coerced(tmp_path):
    """Wagtail would read `items: 先问候` as a list of characters; the loader refuses it."""
    path = _write(
        tmp_path,
        "courses.yaml",
        """
        curricula:
          - title: 电话礼仪
            slug: phone
            kind: in_post
            modules:
              - title: 开场
                slug: opening
                lessons:
                  - title: 问候语
                    slug: greeting
                    body:
                      - checklist: {title: 要点, items: 先问候}
        """,
    )
    with pytest.raises(DemoDataError, match=r"body\[0\] › checklist › items: should be a list"):
        curricula_read(DemoFile(path))

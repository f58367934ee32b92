"""
Demo practice conversations: the simulations of data/practice/*.yaml (known by slug, so
loading twice changes nothing), each checked by the same graph checks the CMS applies, and
a few runs played through the same service a learner's replies go through, so the lists,
the debriefs, the go-live checklist and the statistics have something to show.
"""

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cases.models import PracticeRun, Product, ScenarioType, Simulation
from cases.practice.checks import graph_messages
from cases.practice.engine import END_STATES, MOOD_MOVES
from cases.practice.services import practice_reply, practice_run_start
from lms.demo.data import DemoFile, data_files, entries, fields, known, of_type, one_of, stream_json
from lms.models import CurriculumPage, User

DATA = Path(__file__).parent / "data" / "practice"

RULE_KEYS = {
    "intents": [], "required": [], "unless": [], "slower": None, "mood": "same",
    "next": "", "end": "", "feedback": "",
}  # fmt: skip


def _rule(raw, where) -> dict:
    rule = fields(raw, where, required=("label",), optional=RULE_KEYS)
    one_of(rule["mood"], list(MOOD_MOVES), where, "mood")
    if rule["end"]:
        one_of(rule["end"], END_STATES, where, "end")
    return {
        "label": rule["label"],
        "intents": "\n".join(of_type(rule["intents"], list, where, "intents")),
        "required_phrases": "\n".join(rule["required"]),
        "forbidden_phrases": "\n".join(rule["unless"]),
        "slower_than": rule["slower"],
        "mood": rule["mood"],
        "next": rule["next"],
        "end": rule["end"] or None,
        "feedback": rule["feedback"],
    }


def _turn(raw, where) -> dict:
    turn = fields(
        raw, where, required=("key", "customer", "rules"), optional={"model": "", "repeat": ""}
    )
    return {
        "type": "turn",
        "value": {
            "key": turn["key"],
            "customer": turn["customer"].strip(),
            "repeat": turn["repeat"],
            "model_reply": turn["model"],
            "rules": [
                _rule(r, w) for w, r in entries(turn["rules"], where.child("rules"), "label")
            ],
        },
    }


SIMULATION_KEYS = {
    "golive": "", "forbidden": [], "difficulty": 2, "pass_score": 70, "weights": [40, 40, 20],
}  # fmt: skip


def read(path: Path) -> tuple[list[dict], list[dict]]:
    data = DemoFile(path)
    simulations = []
    for where, raw in entries(data.section("simulations"), data.where.child("simulations"), "slug"):
        sim = fields(
            raw,
            where,
            required=("slug", "title", "brief", "persona", "product", "scenario", "turns"),
            optional=SIMULATION_KEYS,
        )
        sim["persona"] = fields(
            sim["persona"], where.child("persona"), required=("name", "mood", "channel"),
            optional={"note": ""},
        )  # fmt: skip
        sim["conversation"] = [
            _turn(t, w) for w, t in entries(sim["turns"], where.child("turns"), "key")
        ]
        sim["where"] = where
        simulations.append(sim)
    runs = []
    for where, raw in entries(data.section("runs", required=False), data.where.child("runs")):
        run = fields(raw, where, required=("person", "simulation", "hours_ago", "replies"))
        run["where"] = where
        runs.append(run)
    return simulations, runs


def _save(sim: dict, products: dict, scenarios: dict, curricula: dict) -> Simulation:
    where = sim["where"]
    simulation = Simulation.objects.filter(slug=sim["slug"]).first() or Simulation(slug=sim["slug"])
    attitude, solving, compliance = sim["weights"]
    simulation.title = sim["title"]
    simulation.brief = sim["brief"].strip()
    simulation.persona_name = sim["persona"]["name"]
    simulation.persona_note = sim["persona"]["note"]
    simulation.start_mood = sim["persona"]["mood"]
    simulation.channel = sim["persona"]["channel"]
    simulation.product = known(
        sim["product"], products, where, "product", defined_in="library.yaml"
    )
    simulation.scenario_type = known(sim["scenario"], scenarios, where, "scenario")
    simulation.difficulty = sim["difficulty"]
    simulation.pass_score = sim["pass_score"]
    simulation.weight_attitude, simulation.weight_solving = attitude, solving
    simulation.weight_compliance = compliance
    simulation.forbidden_phrases = "\n".join(sim["forbidden"])
    simulation.conversation = stream_json(sim["conversation"])
    simulation.live = True
    problems = graph_messages(simulation.graph())
    if problems:
        raise where.error("; ".join(problems))
    simulation.full_clean()
    simulation.save()
    if sim["golive"]:
        simulation.golive_curricula.set([known(sim["golive"], curricula, where, "golive")])
    if not simulation.latest_revision_id:
        simulation.save_revision().publish()
    return simulation


def _play(run: dict, simulations: dict, people: dict, now) -> bool:
    where = run["where"]
    person = known(run["person"], people, where, "person", defined_in="lms/demo/data/people.yaml")
    simulation = known(run["simulation"], simulations, where, "simulation")
    if PracticeRun.objects.filter(user=person, simulation=simulation).exists():
        return False
    at = now - dt.timedelta(hours=run["hours_ago"])
    played = practice_run_start(user=person, simulation=simulation, now=at)
    for text, seconds in run["replies"]:
        at += dt.timedelta(seconds=seconds)
        played = practice_reply(
            run_id=played.pk, user=person, turn_number=played.turn_number, text=text, now=at
        )
        if not played.is_open:
            break
    return True


@transaction.atomic
def load(*, stdout=None, folder: Path = DATA) -> None:
    read_all = [read(path) for path in data_files(folder)]
    products = {p.name: p for p in Product.objects.all()}
    scenarios = {s.name: s for s in ScenarioType.objects.all()}
    curricula = {c.slug: c for c in CurriculumPage.objects.all()}
    simulations = {}
    for sims, _runs in read_all:
        for sim in sims:
            simulations[sim["slug"]] = _save(sim, products, scenarios, curricula)
    people = {}
    for user in User.objects.all():
        people[user.username] = user
        if user.employee_no:
            people[user.employee_no] = user
    now = timezone.now()
    played = sum(_play(run, simulations, people, now) for _sims, runs in read_all for run in runs)
    if stdout:
        stdout.write(f"practice: {len(simulations)} simulations, {played} runs played")

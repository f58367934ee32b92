"""A small practice simulation: three turns, every kind of rule, two good ends and two bad."""

import json

from cases.models import Simulation

GRAPH = [
    {
        "key": "start",
        "customer": "我的包裹三天没动了！",
        "model_reply": "非常抱歉让您着急了，我马上为您查询。",
        "repeat": "",
        "rules": [
            {
                "label": "推卸责任",
                "intents": "不是我 快递公司的问题",
                "mood": "angrier",
                "next": "angry",
                "end": None,
                "feedback": "不要推卸。",
            },
            {
                "label": "道歉并查询",
                "intents": "抱歉 对不起\n查询 核实",
                "mood": "calmer",
                "next": "details",
                "end": None,
                "feedback": "道歉加行动。",
            },
            {
                "label": "回复太慢",
                "intents": "查询 核实",
                "slower_than": 30,
                "mood": "angrier",
                "next": "details",
                "end": None,
                "feedback": "",
            },
            {
                "label": "只查询",
                "intents": "查询 核实",
                "mood": "same",
                "next": "details",
                "end": None,
                "feedback": "",
            },
        ],
    },
    {
        "key": "angry",
        "customer": "什么叫不是你们的问题？我要投诉！",
        "model_reply": "抱歉，我马上请班组长跟进。",
        "repeat": "你到底管不管？",
        "rules": [
            {
                "label": "升级班组长",
                "intents": "班组长 主管",
                "mood": "calmer",
                "next": "",
                "end": "escalated",
                "feedback": "及时升级。",
            },
            {
                "label": "继续推卸",
                "intents": "没办法",
                "mood": "angrier",
                "next": "",
                "end": "complaint",
                "feedback": "",
            },
        ],
    },
    {
        "key": "details",
        "customer": "订单号 DD1，什么时候到？",
        "model_reply": "今天18点前给您回复，我会跟进到底。",
        "repeat": "",
        "rules": [
            {
                "label": "时限加跟进",
                "intents": "今天 明天 小时\n跟进 通知您",
                "required_phrases": "",
                "forbidden_phrases": "绝对",
                "mood": "calmer",
                "next": "",
                "end": "resolved",
                "feedback": "方案具体。",
            },
            {
                "label": "说不知道",
                "intents": "不知道",
                "mood": "angrier",
                "next": "",
                "end": "hung_up",
                "feedback": "",
            },
        ],
    },
]


def stream(graph) -> str:
    return json.dumps([{"type": "turn", "value": turn} for turn in graph], ensure_ascii=False)


def simulation(slug="parcel", *, graph=GRAPH, live=True, **fields) -> Simulation:
    sim = Simulation(
        slug=slug,
        title=fields.pop("title", "包裹滞留"),
        brief="双十一前包裹滞留。",
        persona_name="陈女士",
        start_mood=fields.pop("start_mood", 1),
        pass_score=fields.pop("pass_score", 70),
        conversation=stream(graph),
        live=live,
        **fields,
    )
    sim.save()
    return sim

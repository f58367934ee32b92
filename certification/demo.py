"""
Demo certification for seed_demo: the three levels with their exams, two past cycles with
published results and one open now, certificates at every level (current, lapsing, lapsed,
superseded and one revoked), the promotion tracks, QA scores and leads' recommendations.

The people are chosen so every track step has someone eligible now and someone one
requirement short (see DEMO_STORY below). Certificates are issued through the real services,
so serials, supersession and the audit trail are what production would write. Idempotent:
everything is looked up before it is created, so running it again changes nothing.
"""

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from certification.models import (
    Certificate,
    CertificationEvent,
    Cycle,
    Level,
    LevelCode,
    QAScore,
    Registration,
    Result,
    TrackStep,
)
from certification.selectors import registration_missing
from certification.services import (
    certificate_issue,
    certificate_revoke,
    recommendation_create,
    registration_create,
    result_record_exceptional,
)
from lms.demo.seed import academy_home, question_bank
from lms.models import (
    CurriculumPage,
    LessonPage,
    ModulePage,
    Position,
    Quiz,
    QuizSection,
    User,
)

JR, IM, SR = LevelCode.JUNIOR, LevelCode.INTERMEDIATE, LevelCode.SENIOR
P = Position

# --- Levels and their exams -------------------------------------------------------------------

EXAM_RULES = (
    "认证考试只在本期考试窗口内开放，须先报名。题目从题库按类别随机抽取，限时作答，"
    "最多两次，两次之间需间隔一天，取最高分。书面回复题由班组长或质检专员评分。"
)
LEVELS = {
    JR: {
        "title": "初级服务技能认证考试",
        "time_limit_minutes": 45,
        "pass_mark_percent": 80,
        "draw": {"服务标准": 5, "话术规范": 4, "沟通礼仪": 3, "产品与服务": 3},
        "required_level": "",
        "min_tenure_months": 0,
        "description": "掌握服务标准、规范话术和基本礼仪，能独立、规范地接待日常咨询。",
    },
    IM: {
        "title": "中级服务技能认证考试",
        "time_limit_minutes": 60,
        "pass_mark_percent": 80,
        "draw": {"话术规范": 5, "投诉处理": 6, "流程与工具": 4, "产品与服务": 3, "沟通礼仪": 2},
        "required_level": JR,
        "min_tenure_months": 12,
        "description": "能独立处理一般投诉和跨部门工单，熟练使用工单与知识库，带教新人。",
    },
    SR: {
        "title": "高级服务技能认证考试",
        "time_limit_minutes": 90,
        "pass_mark_percent": 85,
        "draw": {"投诉处理": 8, "话术规范": 6, "流程与工具": 5, "服务标准": 4, "沟通礼仪": 2},
        "required_level": IM,
        "min_tenure_months": 24,
        "description": "能处理升级投诉和舆情风险，复盘案例、优化话术，具备班组管理或专业岗的基础。",
    },
}

# --- Promotion tracks (职业发展双通道) ------------------------------------------------------

V, L = TrackStep.Kind.VERTICAL, TrackStep.Kind.LATERAL
TRACK_STEPS = (
    (P.AGENT, P.SENIOR_AGENT, V, {"required_level": IM, "min_months_in_position": 12,
                                  "min_qa_score": Decimal(85)}),
    (P.SENIOR_AGENT, P.TEAM_LEAD, V, {"required_level": SR, "min_months_in_position": 18,
                                      "needs_recommendation": True}),
    (P.TEAM_LEAD, P.SUPERVISOR, V, {"required_level": SR, "min_months_in_position": 24,
                                    "needs_recommendation": True}),
    (P.SENIOR_AGENT, P.TRAINER, L, {"required_level": IM, "courses_authored": 3,
                                    "cases_authored": 10}),
    (P.SENIOR_AGENT, P.QA, L, {"required_level": IM, "min_qa_score": Decimal(90)}),
    (P.SENIOR_AGENT, P.DATA_ANALYST, L, {"required_level": IM, "min_months_in_position": 12}),
)  # fmt: skip

# --- The people ------------------------------------------------------------------------------
#
# DEMO_STORY, as of the first seeding (P1 = last half year's cycle, P2 = the one before):
#   客服代表 → 资深客服: 宋佳琪 eligible; 王芳 (demo agent) and 曹雪 lack only the intermediate.
#   资深客服 → 班组长: 李强 eligible (recommended by 张伟); 孙丽 lacks only a recommendation.
#   班组长 → 运营主管: 张伟 eligible (recommended by 刘洋); 马丽娟 lacks only a recommendation.
#   资深客服 → 培训: 孙丽 eligible (3 courses, 10 cases); 林俊杰 has written 2 courses of 3.
#   资深客服 → 质检: 李强 and 林俊杰 eligible; 孙丽's QA score 87 is short of 90.
#   资深客服 → 数据分析: 李强 and 孙丽 eligible; 林俊杰 is 8 months in post, 冯凯 holds
#   only a lapsed junior certificate.

# Days in the current position for people promoted after they were hired (else: hire date).
IN_POSITION_DAYS = {
    "KF1001": 820,  # 张伟, team lead
    "KF2001": 900,  # 马丽娟, team lead
    "KF3001": 500,  # 唐嘉怡, team lead
    "KF1003": 640,  # 李强, senior agent
    "KF1005": 575,  # 孙丽, senior agent
    "KF2002": 250,  # 林俊杰, senior agent
    "KF3002": 400,  # 冯凯, senior agent
}

# Results per person: (cycles ago, level, percent); below the exam's pass mark is a fail.
HISTORY = {
    "KF0002": ((2, SR, "94"),),  # 刘洋: senior, lapsed
    "KF0003": ((2, SR, "95"),),  # 陈静: senior, lapsed
    "KF0004": ((2, IM, "90"), (1, SR, "93")),  # 周敏
    "KF0005": ((2, JR, "88"), (1, IM, "86")),  # 吴磊: the intermediate certificate is revoked
    "KF1001": ((2, IM, "91"), (1, SR, "89")),  # 张伟
    "KF1002": ((2, JR, "70"), (1, JR, "92")),  # 王芳, the demo agent: failed once, then passed
    "KF1003": ((2, IM, "88"), (1, SR, "88")),  # 李强
    "KF1004": ((1, JR, "74"),),  # 赵敏: failed, registered again
    "KF1005": ((2, IM, "90"), (1, SR, "86")),  # 孙丽
    "KF2001": ((2, IM, "85"), (1, SR, "90")),  # 马丽娟: a paper exam, recorded by the admin
    "KF2002": ((2, JR, "93"), (1, IM, "84")),  # 林俊杰
    "KF2003": ((1, JR, "68"),),  # 高珊: failed, registered again
    "KF2006": ((2, JR, "90"), (1, IM, "87")),  # 宋佳琪
    "KF3001": ((2, JR, "92"), (1, IM, "86")),  # 唐嘉怡
    "KF3002": ((2, JR, "85"), (1, IM, "72")),  # 冯凯: failed the intermediate, junior lapsed
    "KF3003": ((1, JR, "88"),),  # 曹雪
}
EXCEPTIONAL = {
    ("KF2001", 1, SR): "考试当日系统故障，改为纸质试卷考试，成绩经培训部复核后录入。",
}
REVOKED = {
    ("KF0005", 1, IM): "经质检复核，该次考试期间存在违规查阅资料行为，"
    "依据《服务技能认证考试规则》撤销证书。",
}
# Registered for the open cycle (the demo agent is left unregistered on purpose).
OPEN_REGISTRATIONS = (
    ("KF1004", JR), ("KF1006", JR), ("KF2003", JR), ("KF2004", JR), ("KF3002", JR), ("KF3004", JR),
    ("KF3003", IM),
    ("KF0004", SR), ("KF1001", SR), ("KF1003", SR), ("KF1005", SR), ("KF2002", SR), ("KF2006", SR),
    ("KF3001", SR),
)  # fmt: skip
# QA scores for the two quarters before today: (earlier, later).
QA_SCORES = {
    "KF1002": ("84", "86"),
    "KF1004": ("80", "83"),
    "KF1006": ("78", "81"),
    "KF2003": ("79", "82"),
    "KF2004": ("83", "85"),
    "KF2006": ("87", "89"),
    "KF3003": ("88", "90"),
    "KF3004": ("81", "84"),
    "KF1003": ("88", "91"),
    "KF1005": ("85", "87"),
    "KF2002": ("91", "93"),
    "KF3002": ("82", "84"),
}
RECOMMENDATIONS = (
    # (person, from → to, recommended by, note)
    ("KF1003", P.SENIOR_AGENT, P.TEAM_LEAD, "KF1001",
     "连续两个季度质检优秀，带教两名新人上线，晚班应急调度表现稳定。"),
    ("KF1001", P.TEAM_LEAD, P.SUPERVISOR, "KF0002",
     "电商一组连续三个季度指标达标，大促期间统筹跨组排班，具备管理多个班组的能力。"),
)  # fmt: skip

# --- Authored courses (the trainer track counts published courses and cases) --------------

COURSES = (
    {
        "owner": "KF1005",  # 孙丽
        "slug": "ecommerce-returns",
        "title": "电商售后：退换货与退款实务",
        "kind": "in_post",
        "audience": "电商渠道客服代表",
        "intro": "<p>一线整理的退换货判断要点和退款时效，帮助您一次说清规则、少走回头路。</p>",
        "module": ("退换货规则与流程", "rules"),
        "lesson": {
            "title": "七天无理由退货怎么判断",
            "slug": "seven-day-returns",
            "summary": "拆封、试用、赠品缺失时能不能退，以及怎样向客户解释。",
            "paragraph": "<p>先确认签收日期和商品状态，再对照规则给出明确答复。"
            "不能退时，说明原因并主动给出维修或换货等替代方案。</p>",
            "checklist": ("受理前核对", ["签收日期是否在7天内", "商品及配件是否齐全",
                                        "是否影响二次销售", "退款原路返回的时效"]),
            "script": ("李女士拆封试用后申请退货。",
                       "李女士您好，拆封试用不影响七天无理由退货，我这边马上为您提交申请，"
                       "退款会在仓库签收后3个工作日内原路退回。",
                       ["是您自己拆的", "这个我们不管"]),
        },
    },
    {
        "owner": "KF1005",
        "slug": "peak-season",
        "title": "大促高峰期接待技巧",
        "kind": "in_post",
        "audience": "电商渠道客服代表",
        "intro": "<p>大促期间咨询量是平时的数倍。这门课讲排队安抚、快捷回复和优先级判断。</p>",
        "module": ("高峰期排队与话术", "queue"),
        "lesson": {
            "title": "排队安抚与快捷回复",
            "slug": "queue-replies",
            "summary": "客户排队时先安抚、再分流，快捷回复要个性化。",
            "paragraph": "<p>高峰期首响仍要控制在30秒内。先用一句话告知客户已收到问题，"
            "再按物流、售后、咨询分流处理。</p>",
            "checklist": ("高峰期自查", ["首响30秒内", "快捷回复后补一句个性化说明",
                                        "承诺时效具体到小时", "复杂问题及时转工单"]),
            "script": ("客户排队十分钟后抱怨没人理。",
                       "非常抱歉让您久等了，今天咨询量很大，我现在专门为您处理，"
                       "请把订单号发给我。",
                       ["没看到人多吗", "您再等等"]),
        },
    },
    {
        "owner": "KF1005",
        "slug": "review-recovery",
        "title": "差评挽回与主动回访",
        "kind": "advanced",
        "audience": "资深客服、班组长",
        "intro": "<p>从差评到回头客：回访时机、道歉方式和补偿方案的选择。</p>",
        "module": ("从差评到回头客", "recovery"),
        "lesson": {
            "title": "差评回访四步法",
            "slug": "four-steps",
            "summary": "共情、核实、给方案、跟进，24小时内完成首次回访。",
            "paragraph": "<p>差评回访不是要客户删评，而是把问题真正解决。"
            "先共情和道歉，再核实经过，给出可选方案，最后约定跟进时间。</p>",
            "checklist": ("回访前准备", ["看完订单和聊天记录", "准备两种可选方案",
                                        "确认补偿权限", "约定下次联系时间"]),
            "script": ("张先生因礼盒压坏给了差评。",
                       "张先生您好，礼盒压坏给您添麻烦了，非常抱歉。我们可以为您补发新礼盒，"
                       "或者退还差价，您看哪种更方便？",
                       ["您能不能先把差评删了", "快递压坏的不归我们管"]),
        },
    },
    {
        "owner": "KF2002",  # 林俊杰
        "slug": "phone-complaints",
        "title": "电话投诉安抚话术精讲",
        "kind": "advanced",
        "audience": "电话渠道客服代表",
        "intro": "<p>电话里客户情绪来得快。这门课讲先稳情绪、再给方案，以及何时升级。</p>",
        "module": ("稳定情绪", "calm"),
        "lesson": {
            "title": "先共情，再给方案",
            "slug": "empathy-first",
            "summary": "不打断、不辩解，复述问题后给出具体时效。",
            "paragraph": "<p>客户发泄时不要打断，等对方说完再复述问题。"
            "给方案时说清谁来处理、多久回复；复杂投诉1小时内升级班组长。</p>",
            "checklist": ("通话要点", ["不打断客户", "复述确认问题", "承诺具体到小时",
                                      "需要升级时告知客户下一步"]),
            "script": ("客户说要打12315投诉。",
                       "您的心情我非常理解，这件事我会负责跟进到底，"
                       "1小时内由班组长给您回电说明处理方案。",
                       ["随便您投诉", "这不是我的问题"]),
        },
    },
    {
        "owner": "KF2002",
        "slug": "phone-emotions",
        "title": "来电情绪识别与降温",
        "kind": "in_post",
        "audience": "电话渠道客服代表",
        "intro": "<p>从语速、音量和用词听出客户情绪，用对的方式让对话降温。</p>",
        "module": ("听出情绪", "listen"),
        "lesson": {
            "title": "三种常见情绪与应对",
            "slug": "three-moods",
            "summary": "焦急、愤怒、失望三种情绪，各有不同的开场方式。",
            "paragraph": "<p>焦急的客户要先给确定信息，愤怒的客户要先被听见，"
            "失望的客户要看到诚意。静音查询超过30秒要提前告知。</p>",
            "checklist": ("降温技巧", ["放慢语速、降低音量", "用客户的称呼", "查询前告知等待时间",
                                      "结束前确认客户是否满意"]),
            "script": ("客户连续追问物流，语速很快。",
                       "我明白您很着急，我现在就查，大约需要一分钟，请您稍等，"
                       "查到后马上告诉您。",
                       ["您别急", "我也没办法"]),
        },
    },
)  # fmt: skip
CASES_OWNED = (
    # (person, how many published cases, channels to take them from first)
    ("KF1005", 10, ("ecommerce", "chat")),  # 孙丽: enough for the trainer track
    ("KF2002", 10, ("phone",)),  # 林俊杰: cases enough, courses not
)


# --- Building it -----------------------------------------------------------------------------


def _half_of(day: dt.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def _half_before(year: int, half: int) -> tuple[int, int]:
    return (year, 1) if half == 2 else (year - 1, 2)


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _exam(categories, data) -> Quiz:
    quiz = Quiz.objects.filter(title=data["title"]).first()
    if quiz is None:
        quiz = Quiz.objects.create(
            title=data["title"],
            description=EXAM_RULES,
            time_limit_minutes=data["time_limit_minutes"],
            pass_mark_percent=data["pass_mark_percent"],
            max_attempts=2,
            retake_wait_minutes=24 * 60,
            grading=Quiz.Grading.BEST,
            review_when=Quiz.ReviewWhen.AFTER_LAST_ATTEMPT,
            review_shows_answers=False,
        )
        QuizSection.objects.bulk_create(
            QuizSection(quiz=quiz, category=categories[name], count=count, sort_order=order)
            for order, (name, count) in enumerate(data["draw"].items())
        )
    return quiz


def levels_ensure() -> dict[str, Level]:
    categories = question_bank()
    levels = {}
    for code, data in LEVELS.items():
        level = Level.objects.filter(code=code).first()
        if level is None:
            level = Level.objects.create(
                code=code,
                exam=_exam(categories, data),
                required_level=data["required_level"],
                min_tenure_months=data["min_tenure_months"],
                description=data["description"],
            )
        levels[code] = level
    return levels


def _past_cycle(year: int, half: int) -> Cycle:
    """Registration in the 4th month of the half, the exam in the 5th, results in the 6th."""
    first = 1 if half == 1 else 7
    published = dt.date(year, first + 5, 10)
    cycle, _created = Cycle.objects.get_or_create(
        year=year,
        half=half,
        defaults={
            "registration_opens": dt.date(year, first + 3, 1),
            "registration_closes": dt.date(year, first + 3, 30),
            "exam_opens": dt.date(year, first + 4, 10),
            "exam_closes": dt.date(year, first + 4, 30),
            "results_published_on": published,
        },
    )
    return cycle


def _open_cycle(today: dt.date) -> Cycle:
    """The cycle of today's half year, with registration and the exam open around today."""
    year, half = _half_of(today)
    cycle, _created = Cycle.objects.get_or_create(
        year=year,
        half=half,
        defaults={
            "registration_opens": today - dt.timedelta(days=22),
            "registration_closes": today + dt.timedelta(days=17),
            "exam_opens": today - dt.timedelta(days=8),
            "exam_closes": today + dt.timedelta(days=27),
        },
    )
    return cycle


def cycles_ensure(today: dt.date) -> tuple[Cycle, dict[int, Cycle]]:
    """The open cycle and the past ones by how many cycles ago they were (1 and 2)."""
    open_cycle = _open_cycle(today)
    last = _half_before(open_cycle.year, open_cycle.half)
    before = _half_before(*last)
    # The older cycle first, so its serial numbers and rows come first.
    past = {2: _past_cycle(*before), 1: _past_cycle(*last)}
    return open_cycle, past


def track_steps_ensure() -> dict[tuple[str, str], TrackStep]:
    steps = {}
    for from_position, to_position, kind, requirements in TRACK_STEPS:
        steps[from_position, to_position] = TrackStep.objects.get_or_create(
            from_position=from_position,
            to_position=to_position,
            defaults={"kind": kind, **requirements},
        )[0]
    return steps


def positions_since(people: dict[str, User], today: dt.date) -> None:
    for number, days in IN_POSITION_DAYS.items():
        person = people.get(number)
        if person and person.position_since is None:
            person.position_since = today - dt.timedelta(days=days)
            person.save(update_fields=["position_since"])


def _result(person, cycle, code, percent, *, levels, admin, exceptional="") -> Result:
    passed = percent >= levels[code].exam.pass_mark_percent
    Registration.objects.get_or_create(
        user=person,
        cycle=cycle,
        level=code,
        defaults={"registered_at": _moment(cycle.registration_opens + dt.timedelta(days=5))},
    )
    if exceptional:
        result = result_record_exceptional(
            user=person,
            cycle=cycle,
            level=code,
            passed=passed,
            percent=percent,
            reason=exceptional,
            actor=admin,
        )
        # Recorded a few days after the exam closed, as the administrator would have.
        moment = _moment(cycle.exam_closes + dt.timedelta(days=3), 15)
        Result.objects.filter(pk=result.pk).update(recorded_at=moment)
        CertificationEvent.objects.filter(
            user=person,
            kind=CertificationEvent.Kind.RESULT_EXCEPTIONAL,
            detail__contains=exceptional,
        ).update(at=moment)
        return result
    return Result.objects.create(
        user=person,
        cycle=cycle,
        level=code,
        passed=passed,
        percent=percent,
        recorded_at=_moment(cycle.exam_closes, 18),
    )


def _backdate_issue(certificate: Certificate, cycle: Cycle) -> None:
    """The audit trail says the certificate was issued when the cycle's results came out."""
    moment = _moment(cycle.results_published_on, 9)
    CertificationEvent.objects.filter(
        certificate=certificate, kind=CertificationEvent.Kind.ISSUED
    ).update(at=moment)
    CertificationEvent.objects.filter(
        kind=CertificationEvent.Kind.SUPERSEDED, detail=certificate.serial
    ).update(at=moment)


def histories_ensure(people, levels, past: dict[int, Cycle], admin) -> None:
    """Results and certificates of past cycles; a person with results is left as they are."""
    with_results = set(
        Result.objects.filter(user__in=people.values()).values_list("user_id", flat=True)
    )
    todo = [
        (people[number], history)
        for number, history in HISTORY.items()
        if number in people and people[number].pk not in with_results
    ]
    # Cycle by cycle, oldest first: serials count up and later certificates supersede.
    for ago in sorted(past, reverse=True):
        cycle = past[ago]
        for person, history in todo:
            for cycles_ago, code, percent in history:
                if cycles_ago != ago:
                    continue
                key = (person.employee_no, cycles_ago, code)
                result = _result(
                    person,
                    cycle,
                    code,
                    Decimal(percent),
                    levels=levels,
                    admin=admin,
                    exceptional=EXCEPTIONAL.get(key, ""),
                )
                if not result.passed:
                    continue
                certificate = certificate_issue(
                    result_id=result.pk, today=cycle.results_published_on
                )
                _backdate_issue(certificate, cycle)
                if key in REVOKED:
                    certificate_revoke(certificate=certificate, actor=admin, reason=REVOKED[key])


def open_registrations_ensure(people, levels, cycle: Cycle, today: dt.date) -> None:
    """Sign-ups for the open cycle, through the real rules (prerequisites are checked)."""
    if not cycle.registration_is_open(today):
        return
    for number, code in OPEN_REGISTRATIONS:
        person = people.get(number)
        if person is None:
            continue
        if Registration.objects.filter(user=person, cycle=cycle, level=code).exists():
            continue
        if registration_missing(user=person, level=levels[code], today=today):
            continue  # seeded on another day: this person no longer qualifies
        registration_create(user=person, level=levels[code], today=today)


def _quarters_before(today: dt.date, count: int = 2) -> list[str]:
    """The `count` quarters before today's, oldest first (e.g. 2026Q2, 2026Q3)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    periods = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        periods.append(f"{year}Q{quarter}")
    return periods[::-1]


def qa_scores_ensure(people, today: dt.date) -> None:
    periods = _quarters_before(today)
    scored = set(QAScore.objects.values_list("user_id", flat=True))
    QAScore.objects.bulk_create(
        QAScore(user=people[number], period=period, score=Decimal(score))
        for number, scores in QA_SCORES.items()
        if number in people and people[number].pk not in scored
        for period, score in zip(periods, scores, strict=True)
    )


def recommendations_ensure(people, steps) -> None:
    for number, from_position, to_position, by_number, note in RECOMMENDATIONS:
        person, lead = people.get(number), people.get(by_number)
        if person is None or lead is None:
            continue
        recommendation_create(
            person=person, step=steps[from_position, to_position], by=lead, note=note
        )


def _stream(lesson) -> str:
    situation, reply, avoid = lesson["script"]
    title, items = lesson["checklist"]
    return json.dumps(
        [
            {"type": "paragraph", "value": lesson["paragraph"]},
            {"type": "checklist", "value": {"title": title, "items": items}},
            {"type": "script", "value": {"situation": situation, "reply": reply, "avoid": avoid}},
        ],
        ensure_ascii=False,
    )


def courses_ensure(people) -> None:
    """Short in-post courses written by senior agents, published under their name."""
    home = None
    for data in COURSES:
        owner = people.get(data["owner"])
        if owner is None or CurriculumPage.objects.filter(slug=data["slug"]).exists():
            continue
        home = home or academy_home()
        course = home.add_child(
            instance=CurriculumPage(
                title=data["title"],
                slug=data["slug"],
                kind=data["kind"],
                audience=data["audience"],
                expected_days=7,
                intro=data["intro"],
                golive_requires_signoff=False,
                owner=owner,
            )
        )
        module_title, module_slug = data["module"]
        module = course.add_child(
            instance=ModulePage(
                title=module_title, slug=module_slug, due_offset_days=7, owner=owner
            )
        )
        lesson = data["lesson"]
        module.add_child(
            instance=LessonPage(
                title=lesson["title"],
                slug=lesson["slug"],
                summary=lesson["summary"],
                estimated_minutes=10,
                body=_stream(lesson),
                owner=owner,
            )
        )
        course.save_revision(user=owner).publish()


def cases_assign(people) -> None:
    """Give senior agents authorship of published demo cases (as if they had written them)."""
    from wagtail.models import Page

    from cases.models import CasePage

    for number, count, channels in CASES_OWNED:
        owner = people.get(number)
        if owner is None or CasePage.objects.filter(owner=owner).exists():
            continue
        free = CasePage.objects.live().filter(owner__isnull=True).order_by("path")
        picked = list(free.filter(channel__in=channels).values_list("pk", flat=True)[:count])
        if len(picked) < count:
            rest = free.exclude(pk__in=picked).values_list("pk", flat=True)
            picked += list(rest[: count - len(picked)])
        Page.objects.filter(pk__in=picked).update(owner=owner)


def seed_certification(today: dt.date | None = None) -> Cycle:
    """Build the demo certification (see the module docstring); returns the open cycle."""
    today = today or timezone.localdate()
    people = {u.employee_no: u for u in User.objects.filter(employee_no__isnull=False)}
    admin = people["KF0001"]
    levels = levels_ensure()
    open_cycle, past = cycles_ensure(today)
    steps = track_steps_ensure()
    positions_since(people, today)
    courses_ensure(people)
    cases_assign(people)
    qa_scores_ensure(people, today)
    recommendations_ensure(people, steps)
    histories_ensure(people, levels, past, admin)
    open_registrations_ensure(people, levels, open_cycle, today)
    return open_cycle

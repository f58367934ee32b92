"""
Scoring a finished conversation on the QA centre's three dimensions (质检三维度) and the
30-second response standard, pure: it reads the replies as the engine saw them.

- Attitude (服务态度): the calming formula 道歉 + 共情 + 行动承诺 each said at least once, and
  the polite forms 您 / 请 in the replies.
- Problem solving (问题解决): the four steps 需求澄清 → 方案匹配 → 情绪安抚 → 闭环跟进 each
  covered somewhere, and a good end (resolved, or escalated in time).
- Compliance (合规): no forbidden expression (这不是我的问题, 绝对无风险, 终身质保 ... and the
  simulation's own), no privacy breach (asking for a password or verification code,
  reading out a full phone or ID number).

The total is the dimensions weighted as the simulation says, less five points for every
reply slower than 30 seconds (twenty at most): silence over 30 seconds is what QA flags.
Each phrase list below is matched with the trainers' synonym groups too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cases.practice.engine import GOOD_ENDS, Reply, Synonyms

RESPONSE_SECONDS = 30
SLOW_PENALTY = 5
SLOW_PENALTY_MAX = 20

ATTITUDE = "attitude"
SOLVING = "solving"
COMPLIANCE = "compliance"
DIMENSIONS = (ATTITUDE, SOLVING, COMPLIANCE)

# What each marker sounds like in a reply (Chinese service phrases; synonyms extend them).
MARKERS: dict[str, tuple[str, ...]] = {
    "apology": ("抱歉", "对不起", "不好意思", "致歉", "歉意"),
    "empathy": ("理解", "明白您", "着急", "心情", "辛苦", "换作是我", "感受"),
    "promise": ("马上", "立即", "立刻", "尽快", "第一时间", "我会", "我们会", "现在就", "这就"),
    "clarify": ("请问", "确认", "核实", "订单号", "具体", "哪个", "什么时候", "是否"),
    "solution": (
        "方案",
        "为您办理",
        "为您安排",
        "安排",
        "补发",
        "退款",
        "换货",
        "维修",
        "升级处理",
        "可以为您",
    ),
    "calm": ("抱歉", "对不起", "理解", "放心", "别着急", "不要着急", "请您放心"),
    "follow_up": ("跟进", "回访", "回电", "联系您", "通知您", "反馈给您", "小时内", "结果"),
}
POLITE = ("您", "请")

FORBIDDEN = (
    "这不是我的问题",
    "不是我的问题",
    "不关我的事",
    "绝对无风险",
    "终身质保",
    "爱买不买",
    "你自己看",
    "没办法",
)
PRIVACY_WORDS = ("密码", "验证码", "完整身份证", "身份证号码发")
PHONE_OR_ID = re.compile(r"(?<!\d)(1\d{10}|\d{17}[\dx])(?!\d)")

STEPS = ("clarify", "solution", "calm", "follow_up")  # 需求澄清 方案匹配 情绪安抚 闭环跟进


@dataclass
class ReplyMarks:
    """What one reply showed: markers said, forbidden expressions, privacy breaches."""

    markers: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    privacy: list[str] = field(default_factory=list)
    polite: bool = False


def reply_marks(
    text: str, *, synonyms: Synonyms, forbidden_extra: Sequence[str] = ()
) -> ReplyMarks:
    reply = Reply.of(text)
    marks = ReplyMarks()
    for marker, phrases in MARKERS.items():
        if any(reply.says(p, synonyms) for p in phrases):
            marks.markers.append(marker)
    found = [p for p in dict.fromkeys((*FORBIDDEN, *forbidden_extra)) if p and reply.has_phrase(p)]
    # 这不是我的问题 also holds 不是我的问题: one expression said once counts once.
    marks.forbidden = [p for p in found if not any(p != q and p in q for q in found)]
    marks.privacy = [p for p in PRIVACY_WORDS if reply.has_phrase(p)]
    marks.privacy += PHONE_OR_ID.findall(reply.text)
    marks.polite = any(p in reply.text for p in POLITE)
    return marks


@dataclass
class Scores:
    attitude: int
    solving: int
    compliance: int
    total: int
    slow_replies: int
    steps: dict[str, bool]
    formula: dict[str, bool]


def _clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def conversation_scores(
    replies: Sequence[Mapping], *, end_state: str | None, weights: Mapping[str, int]
) -> Scores:
    """`replies`: each {"marks": ReplyMarks as a dict, "seconds": float}."""
    said = {m for r in replies for m in r["marks"]["markers"]}
    formula = {m: m in said for m in ("apology", "empathy", "promise")}
    polite_share = (
        (sum(1 for r in replies if r["marks"]["polite"]) / len(replies)) if replies else 0
    )
    attitude = 25 * formula["apology"] + 25 * formula["empathy"] + 30 * formula["promise"]
    attitude += 20 * polite_share
    steps = {step: step in said for step in STEPS}
    solving = 20 * sum(steps.values()) + (20 if end_state in GOOD_ENDS else 0)
    forbidden = sum(len(r["marks"]["forbidden"]) for r in replies)
    privacy = sum(len(r["marks"]["privacy"]) for r in replies)
    compliance = 100 - 40 * forbidden - 50 * privacy
    dims = {ATTITUDE: _clamp(attitude), SOLVING: _clamp(solving), COMPLIANCE: _clamp(compliance)}
    weight_sum = sum(max(0, weights.get(d, 0)) for d in DIMENSIONS) or 1
    weighted = sum(dims[d] * max(0, weights.get(d, 0)) for d in DIMENSIONS) / weight_sum
    slow = sum(1 for r in replies if r["seconds"] > RESPONSE_SECONDS)
    total = _clamp(weighted - min(SLOW_PENALTY_MAX, SLOW_PENALTY * slow))
    return Scores(dims[ATTITUDE], dims[SOLVING], dims[COMPLIANCE], total, slow, steps, formula)

"""
A pasted chat transcript made into a case's conversation turns. Trainers copy conversations
out of the phone system, the chat tool or the e-commerce back office; each has its own
layout, so three are read:

- plain text, one turn per speaker label (客户：/客服：/顾客/坐席/Customer/Agent...), with
  or without a timestamp before or after the label; a line without a label continues the
  turn before it (a message of several lines), and a label alone on a line (a chat tool's
  "客户 2026-11-20 10:01:05" header) takes the lines under it;
- a CSV export with a header naming the speaker and text columns (and optionally time);
- HTML copied from a chat tool: it goes through lms.sanitise.html_to_text (bleach), the
  project's one door for outside HTML, and is then read as plain text. A table's cells
  arrive tab-separated, so a table of time, speaker and text reads too.

Every turn is masked for personal data (cases.pii) here, and what was masked is listed by
line in its masked form, for the trainer to check. Errors name their line, in the reader's
language, and nothing is taken from a paste that has any error.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases.pii import KINDS, mask_pii
from lms.sanitise import html_to_text

MAX_LINES = 3000
MAX_ERRORS = 20

CUSTOMER_LABELS = (
    "客户", "顾客", "用户", "买家", "客人", "访客", "来电人", "来电客户",
    "customer", "client", "user", "buyer", "visitor", "caller",
)  # fmt: skip
AGENT_LABELS = (
    "客服代表", "人工客服", "在线客服", "客服", "坐席", "座席", "卖家", "商家", "售后",
    "agent", "support", "service", "seller", "staff", "operator",
)  # fmt: skip
SPEAKERS = dict.fromkeys(CUSTOMER_LABELS, "customer") | dict.fromkeys(AGENT_LABELS, "agent")

_TIME = r"(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[ T]?)?\d{1,2}:\d{2}(?::\d{2})?"
_OPEN, _CLOSE = r"[\[【(（]?", r"[\]】)）]?"
_LABELS = "|".join(sorted((re.escape(label) for label in SPEAKERS), key=len, reverse=True))
# [10:01] 客户：…  /  客户 10:01:05：…  /  客服(小王)：…  /  Agent - Lily: …
# and a header alone: 客户 2026-11-20 10:01
_TURN_LINE = re.compile(
    rf"^{_OPEN}(?P<before>{_TIME}){_CLOSE}\s*"
    rf"|^(?=.)",
    re.IGNORECASE,
)
_LABEL_PART = re.compile(
    rf"(?P<label>{_LABELS})(?![A-Za-z])"
    r"(?:\s*[(（][^)）:：]{1,16}[)）]|\s*[-_·]\s*[^\s:：]{1,12})?"
    rf"(?:\s*{_OPEN}(?P<after>{_TIME}){_CLOSE})?"
    r"\s*(?:(?P<colon>[:：])\s*(?P<text>.*)|$)",
    re.IGNORECASE,
)
_TIME_ONLY = re.compile(rf"^{_OPEN}({_TIME}){_CLOSE}$")
_CLOCK = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?$")
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s>/]")

SPEAKER_COLUMNS = {
    "发送方", "发送者", "发送人", "说话人", "角色", "身份", "speaker", "sender", "role", "from",
}  # fmt: skip
TEXT_COLUMNS = {
    "内容", "消息", "消息内容", "聊天内容", "文本", "content", "message", "text", "msg",
}  # fmt: skip
TIME_COLUMNS = {"时间", "发送时间", "时刻", "time", "timestamp", "datetime"}


@dataclass
class Turn:
    speaker: str  # "customer" or "agent", TurnBlock's choices
    time: str
    text: str
    line: int

    def block_value(self) -> dict:
        return {"speaker": self.speaker, "time": self.time, "text": self.text}


@dataclass
class MaskedFind:
    line: int
    kind: str
    masked: str

    def __str__(self):
        return _("line %(line)s: %(kind)s %(masked)s") % {
            "line": self.line,
            "kind": KINDS[self.kind],
            "masked": self.masked,
        }


@dataclass
class Transcript:
    turns: list[Turn]
    source: str  # "text", "csv" or "html"
    masked: list[MaskedFind] = field(default_factory=list)


class TranscriptError(ValueError):
    """The paste could not be read; `errors` are sentences naming their line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def transcript_parse(raw: str) -> Transcript:
    """Turns from a pasted transcript (text, CSV or HTML), masked; TranscriptError if unread."""
    raw = (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not raw.strip():
        return Transcript(turns=[], source="text")
    if _LOOKS_LIKE_HTML.search(raw):
        source, turns = "html", _text_turns(html_to_text(raw))
    elif _csv_header(raw) is not None:
        source, turns = "csv", _csv_turns(raw)
    else:
        source, turns = "text", _text_turns(raw)
    transcript = Transcript(turns=turns, source=source)
    for turn in turns:
        listed: list = []
        turn.text = mask_pii(turn.text, listed=listed)[0]
        transcript.masked.extend(MaskedFind(turn.line, kind, masked) for kind, masked in listed)
    return transcript


def _clock(value: str | None) -> str:
    """The time of day of a timestamp (10:01:05 of 2026-11-20 10:01:05): what a turn shows."""
    if not value:
        return ""
    found = _CLOCK.search(value.strip())
    return found.group(0) if found else ""


def _speaker(label: str) -> str | None:
    label = re.sub(r"\s*[(（\-_·].*$", "", label.strip()).casefold()
    return SPEAKERS.get(label)


class _Errors(list):
    def add(self, line: int, message: str):
        if len(self) < MAX_ERRORS:
            self.append(_("Line %(line)s: %(message)s") % {"line": line, "message": message})


def _check_size(lines: list[str]) -> None:
    if len(lines) > MAX_LINES:
        raise TranscriptError(
            [
                _("The transcript has %(count)s lines; paste at most %(max)s at a time.")
                % {"count": len(lines), "max": MAX_LINES}
            ]
        )


def _text_turns(text: str) -> list[Turn]:
    lines = text.split("\n")
    _check_size(lines)
    turns: list[Turn] = []
    errors = _Errors()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        turn = (
            _tabbed_turn(stripped, number) if "\t" in stripped else _labelled_turn(stripped, number)
        )
        if turn is not None:
            turns.append(turn)
        elif turns:
            turns[-1].text = f"{turns[-1].text}\n{stripped}".strip("\n")
        else:
            errors.add(
                number,
                _(
                    "no speaker found. Each turn starts with a speaker such as “客户：” or "
                    "“客服：” (also 顾客, 坐席, Customer, Agent)."
                ),
            )
    for turn in turns:
        if not turn.text.strip():
            errors.add(turn.line, _("the turn has no text."))
    if errors:
        raise TranscriptError(errors)
    return turns


def _labelled_turn(line: str, number: int) -> Turn | None:
    before = _TURN_LINE.match(line)
    rest = line[before.end() :] if before else line
    match = _LABEL_PART.match(rest)
    if not match:
        return None
    time = _clock(before.group("before") if before else None) or _clock(match.group("after"))
    return Turn(
        speaker=_speaker(match.group("label")),
        time=time,
        text=(match.group("text") or "").strip(),
        line=number,
    )


def _tabbed_turn(line: str, number: int) -> Turn | None:
    """A table row (time, speaker, text in any order), as a chat tool's HTML table gives it."""
    cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
    speaker = time = None
    rest = []
    for cell in cells:
        if speaker is None and _speaker(cell):
            speaker = _speaker(cell)
        elif time is None and _TIME_ONLY.match(cell):
            time = _clock(cell)
        else:
            rest.append(cell)
    if speaker is None:
        return _labelled_turn(" ".join(cells), number)
    return Turn(speaker=speaker, time=time or "", text=" ".join(rest), line=number)


def _column(header: list[str], names: set[str]) -> int | None:
    for index, cell in enumerate(header):
        if cell.strip().lstrip("\ufeff").casefold() in names:
            return index
    return None


def _csv_header(raw: str) -> list[str] | None:
    first = raw.split("\n", 1)[0]
    if "," not in first:
        return None
    header = next(csv.reader([first]), [])
    if _column(header, SPEAKER_COLUMNS) is None or _column(header, TEXT_COLUMNS) is None:
        return None
    return header


def _csv_turns(raw: str) -> list[Turn]:
    reader = csv.reader(io.StringIO(raw))
    header = next(reader)
    speaker_at = _column(header, SPEAKER_COLUMNS)
    text_at = _column(header, TEXT_COLUMNS)
    time_at = _column(header, TIME_COLUMNS)
    turns: list[Turn] = []
    errors = _Errors()
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            _check_size(turns)
            cells = row + [""] * (len(header) - len(row))
            label, text = cells[speaker_at].strip(), cells[text_at].strip()
            speaker = _speaker(label)
            if speaker is None:
                errors.add(
                    number,
                    _("unknown speaker “%(label)s”: use 客户 or 客服 (or Customer, Agent).")
                    % {"label": label[:20]},
                )
            elif not text:
                errors.add(number, _("the turn has no text."))
            else:
                time = _clock(cells[time_at]) if time_at is not None else ""
                turns.append(Turn(speaker=speaker, time=time, text=text, line=number))
    except csv.Error as error:
        errors.add(reader.line_num, _("the CSV cannot be read (%(error)s).") % {"error": error})
    if errors:
        raise TranscriptError(errors)
    return turns

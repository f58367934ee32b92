"""
Moodle's plain-text question formats, so banks written for Moodle come across as they are.
GIFT: single choice ({=right ~wrong}), multiple choice (~%50%…), true/false ({T}/{F}), essay
({}, whose general feedback “####…” becomes the rubric), $CATEGORY and // comments. Aiken:
single choice with “A.” or “A)” options and an “ANSWER: B” line. Every question keeps the line
it starts on, for the error table.
"""

import re

from lms.models import QuestionKind
from lms.services.question_bank.rows import ImportProblem, QuestionRow

_ESCAPED = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n"}
_PLACEHOLDER = "\x00{}\x00"


def _protect(text: str) -> str:
    """Escaped specials become placeholders so the splitting below can ignore them."""
    for n, escaped in enumerate(_ESCAPED):
        text = text.replace(escaped, _PLACEHOLDER.format(n))
    return text


def _restore(text: str) -> str:
    for n, plain in enumerate(_ESCAPED.values()):
        text = text.replace(_PLACEHOLDER.format(n), plain)
    return re.sub(r"^\[(html|moodle|plain|markdown)\]", "", text.strip()).strip()


def _gift_blocks(text: str) -> list[tuple[int, str, str]]:
    """(first line number, text, category) for each question, split on blank lines."""
    blocks, lines, start, category = [], [], None, ""
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            category = stripped.split(":", 1)[1].strip().rstrip("/").split("/")[-1].strip()
            if category == "$course$":
                category = ""
            continue
        if stripped:
            if start is None:
                start = number
            lines.append(line)
            continue
        # A blank line ends a question, unless its answers are still open.
        joined = _protect("\n".join(lines))
        if lines and joined.count("{") > joined.count("}"):
            lines.append(line)
            continue
        if lines:
            blocks.append((start, "\n".join(lines), category))
        lines, start = [], None
    if lines:
        blocks.append((start, "\n".join(lines), category))
    return blocks


def gift_rows_read(text: str) -> tuple[list[QuestionRow], list[ImportProblem]]:
    rows, problems = [], []
    for line, raw, category in _gift_blocks(text):
        body = _protect(raw)
        body = re.sub(r"^\s*::.*?::", "", body, flags=re.S)  # the optional title
        if "{" not in body:
            continue  # a description item: nothing to answer
        if "}" not in body:
            problems.append(ImportProblem("gift_syntax", line))
            continue
        before, rest = body.split("{", 1)
        answers, after = rest.split("}", 1)
        prompt = _restore(before) + (" ＿＿ " + _restore(after) if _restore(after) else "")
        row, problem = _gift_answers(line, answers.strip())
        if problem:
            problems.append(problem)
            continue
        row.prompt, row.category = prompt.strip(), category
        rows.append(row)
    return rows, problems


def _gift_answers(line: int, answers: str) -> tuple[QuestionRow | None, ImportProblem | None]:
    general = ""
    if "####" in answers:
        answers, general = answers.split("####", 1)
        general = _restore(general)
    answers = answers.strip()
    head = answers.split("#", 1)[0].strip().upper()
    if head in {"T", "TRUE", "F", "FALSE"}:
        row = QuestionRow(row=line, kind=QuestionKind.TRUE_FALSE, prompt="")
        row.true_false_answer, row.explanation = head.startswith("T"), general
        return row, None
    if not answers:
        row = QuestionRow(row=line, kind=QuestionKind.WRITTEN, prompt="", rubric=general)
        return row, None
    if answers.startswith("#"):
        return None, ImportProblem("gift_unsupported", line, value="numerical")
    if "->" in answers:
        return None, ImportProblem("gift_unsupported", line, value="matching")
    parts = re.findall(r"([=~])([^=~]*)", answers)
    if not any(sign == "~" for sign, _text in parts):
        return None, ImportProblem("gift_unsupported", line, value="short answer")
    choices, weighted = [], False
    for sign, text in parts:
        text, _hash, feedback = text.partition("#")
        weight = re.match(r"\s*%(-?[\d.]+)%", text)
        if weight:
            weighted = True
            correct = float(weight.group(1)) > 0
            text = text[weight.end() :]
        else:
            correct = sign == "="
        choices.append((_restore(text), correct, _restore(feedback)))
    kind = QuestionKind.MULTIPLE if weighted else QuestionKind.SINGLE
    row = QuestionRow(row=line, kind=kind, prompt="", choices=choices, explanation=general)
    return row, None


_AIKEN_OPTION = re.compile(r"^([A-Z])\s*[.)．）、]\s*(.+)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*([A-Z])\s*$", re.I)


def aiken_rows_read(text: str) -> tuple[list[QuestionRow], list[ImportProblem]]:
    rows, problems = [], []
    start, prompt, options = None, [], []

    def finish(answer_line: str | None):
        if answer_line is None:
            problems.append(ImportProblem("aiken_no_answer", start))
        elif not options:
            problems.append(ImportProblem("aiken_no_options", start))
        else:
            answer = _AIKEN_ANSWER.match(answer_line).group(1).upper()
            letters = [letter for letter, _text in options]
            if answer not in letters:
                problems.append(ImportProblem("invalid_answer", start, "answer", answer))
            rows.append(
                QuestionRow(
                    row=start,
                    kind=QuestionKind.SINGLE,
                    prompt="\n".join(prompt),
                    choices=[(text, letter == answer, "") for letter, text in options],
                )
            )

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if start is None:
            start, prompt, options = number, [stripped], []
        elif _AIKEN_ANSWER.match(stripped):
            finish(stripped)
            start = None
        elif match := _AIKEN_OPTION.match(stripped):
            options.append((match.group(1), match.group(2).strip()))
        elif options:
            # A new question started before this one's ANSWER line.
            finish(None)
            start, prompt, options = number, [stripped], []
        else:
            prompt.append(stripped)
    if start is not None:
        finish(None)
    return rows, problems

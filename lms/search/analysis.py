"""
How Chinese text and what people type become search terms, the same way for both, so a
query finds the text whatever way it was written:

- NFKC (full-width letters and digits become ASCII), case folded, `Wi-Fi` = `wifi`;
- Chinese numerals before a unit, in a sales-day name or read digit by digit become digits
  (两小时 = 2小时, 七十二小时 = 72小时, 双十一 = 双11, 六一八 = 618), while words that only
  contain a numeral character (一直, 一下, 统一) stay as they are;
- Chinese text is indexed as its character bigrams, beside jieba's longer words: a query
  cut one way still meets text cut another, the bigrams being the same;
- Latin letters and digits are terms of their own (app, r3, 12315).

Queries are cut into jieba words; filler and question words (了, 怎么办, 一直 ...) are dropped.
`pinyin_key` gives a term's toneless pinyin, so a word typed with the wrong character of the
same sound (发漂 for 发票) can be looked up by its sound.
"""

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
JOINED = re.compile(r"(?<=[a-z0-9])[-_·](?=[a-z0-9])")

DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
# What counts a numeral before it: time, times, money, things. Checked on the text after it.
UNIT_WORDS = (
    "小时 分钟 星期 个月 个 天 日 周 月 年 秒 次 遍 回 趟 通 元 块 角 件 台 单 张 条 位 名 人 "
    "家 岁 倍 折 层 楼 号 步 项 种 款 份 套 笔 箱 包 瓶 部 只 双 克 斤 米 寸 公里 档 级 星"
)
UNITS = tuple(UNIT_WORDS.split(" "))
STOP_WORDS_FILE = Path(__file__).with_name("stop_words.txt")


def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than in someone's first search."""
    _jieba().initialize()


def _numeral_value(run: str) -> int | None:
    """The value of a Chinese numeral (四十, 七十二, 一百零五); None when it is not one."""
    if not any(ch in MULTIPLIERS for ch in run):
        return None
    total, section, digit = 0, 0, None
    for ch in run:
        if ch in DIGITS:
            if digit is not None:
                return None  # two digits in a row inside a counted numeral: not a number
            digit = DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * MULTIPLIERS[ch]
            digit = None
    return total + section + (digit or 0)


def _numerals_to_digits(text: str) -> str:
    def replace(match: re.Match) -> str:
        run, before, after = match.group(), text[: match.start()], text[match.end() :]
        value = _numeral_value(run)
        if value is None and len(run) >= 3 and all(ch in DIGITS for ch in run):
            return "".join(str(DIGITS[ch]) for ch in run)  # 六一八, 四零零: read digit by digit
        if value is None and len(run) == 1 and run in DIGITS and run not in "零〇":
            value = DIGITS[run]  # 零 alone is a word's start (零件, 零钱), not a count
        if value is None:
            return run
        if before.endswith(("双", "第")) or any(after.startswith(unit) for unit in UNITS):
            return str(value)
        if len(run) >= 2 and any(ch in MULTIPLIERS for ch in run) and run not in ("十分", "万一"):
            return str(value)
        return run

    return NUMERAL_RUN.sub(replace, text)


def normalise(text: str) -> str:
    """Text as it is indexed and searched: NFKC, case folded, numerals as digits."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = JOINED.sub("", text)
    return _numerals_to_digits(text)


def bigrams(word: str) -> list[str]:
    """The character bigrams of a Chinese word (the word itself when it has one or two)."""
    if len(word) <= 2:
        return [word]
    return list(dict.fromkeys(word[i : i + 2] for i in range(len(word) - 1)))


def is_cjk(word: str) -> bool:
    return bool(CJK.fullmatch(word))


def index_terms(text: str) -> Counter:
    """
    The terms of a text with how often each occurs: Chinese bigrams, jieba's words of three
    characters or more (扫地机器人, 消费者协会), and Latin words and numbers.
    """
    terms: Counter = Counter()
    for token in TOKEN.findall(normalise(text)):
        if not is_cjk(token):
            terms[token] += 1
            continue
        if len(token) == 1:
            terms[token] += 1
        else:
            terms.update(token[i : i + 2] for i in range(len(token) - 1))
        if len(token) >= 3:
            terms.update(w for w in _jieba().cut_for_search(token) if len(w) >= 3)
    return terms


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    words = {w for line in lines if not line.startswith("#") for w in line.split()}
    return frozenset(normalise(w) for w in words)


def query_words(query: str) -> list[str]:
    """
    The words a query asks for, in order, each once: jieba's cut of the normalised query
    without filler and question words. Latin words and numbers are words of their own.
    """
    words = []
    stop = stop_words()
    for token in TOKEN.findall(normalise(query)):
        pieces = _jieba().cut(token, HMM=True) if is_cjk(token) else [token]
        for word in pieces:
            word = word.strip()
            if word and word not in stop and word not in words:
                words.append(word)
    return words[:12]


@lru_cache(maxsize=20_000)
def pinyin_key(term: str) -> str:
    """The toneless pinyin of a Chinese term ("fa piao"), "" for anything else."""
    if not is_cjk(term):
        return ""
    return " ".join(_pypinyin().lazy_pinyin(term))


def _pypinyin():
    """pypinyin, whose dictionaries (~40 MB, some 200,000 objects) load on import: only
    processes that meet a word no case holds pay for them. Once loaded they stay, so they
    join the objects the garbage collector no longer walks (lms.wsgi freezes those of the
    start): a full collection over them took 50 ms, a stall in whichever request met it."""
    import gc
    import sys

    first = "pypinyin" not in sys.modules
    import pypinyin

    if first:
        gc.freeze()
    return pypinyin


_added: set[str] = set()


def add_query_words(words) -> None:
    """Words a query keeps whole (synonyms trainers listed), added to jieba once each."""
    for word in words:
        if word not in _added and is_cjk(word) and len(word) >= 2:
            _jieba().add_word(word, freq=2000)
            _added.add(word)

"""
The academy's table exports (lms.exports.table_response) against tablib doing the same
work, in one process, back to back; the README's "What the academy keeps of its own"
quotes the figures. tablib is not a dependency: `.venv/bin/pip install "tablib[xlsx]"`,
then `.venv/bin/python -m tests.bench.exports_vs_tablib`.
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
django.setup()

import tablib  # noqa: E402

from lms.exports import spreadsheet_text, table_response  # noqa: E402

HEADERS = ["工号", "姓名", "班组", "岗位", "入职日期", "在职", "邮箱"]


def staff_rows(n):
    return [
        [f"KF{i:05d}", spreadsheet_text(f"王芳{i}"), "电商一组", "客服代表", "2026-03-01", "是",
         f"agent{i}@example.cn"]
        for i in range(n)
    ]  # fmt: skip


def ours(fmt, rows):
    response = table_response(
        fmt=fmt, filename=f"t.{fmt}", headers=HEADERS, rows=iter(rows), sheet_title="员工"
    )
    return b"".join(response.streaming_content) if response.streaming else response.content


def with_tablib(fmt, rows):
    dataset = tablib.Dataset(*rows, headers=HEADERS, title="员工")
    if fmt == "csv":
        return ("\ufeff" + dataset.export("csv")).encode()
    return dataset.export("xlsx")


def median_ms(build, fmt, rows, repeat):
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            build(fmt, rows)
        rounds.append((time.perf_counter() - started) * 1000 / repeat)
    return statistics.median(rounds)


if __name__ == "__main__":
    for size, repeat in ((40, 20), (2000, 2)):
        rows = staff_rows(size)
        for fmt in ("csv", "xlsx"):
            mine = median_ms(ours, fmt, rows, repeat * (20 if fmt == "csv" else 1))
            theirs = median_ms(with_tablib, fmt, rows, repeat * (20 if fmt == "csv" else 1))
            print(
                f"{size:5d} rows {fmt:4s}  ours {mine:8.2f} ms  tablib {theirs:8.2f} ms  "
                f"({100 * (theirs / mine - 1):+.0f} %)"
            )

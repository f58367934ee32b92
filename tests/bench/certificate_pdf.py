"""
How long a certificate PDF takes, against the least WeasyPrint can do (a one-line document)
measured in the same run, and how many certificates two worker processes render a minute.

    .venv/bin/python -m tests.bench.certificate_pdf [--rounds 30] [--total 200] [--check]

Renders unsaved Certificate instances (no database needed) with Chinese names. Prints a
Markdown table and writes it to var/bench/certificate_pdf.md. Target: two worker processes
render at least 1,000 certificates a minute (--check exits 1 on a miss). The certificate
beside the minimal document is reported, no longer a target: the remainder is WeasyPrint's
own layout of a designed page (QR code, logo, positioned footer, two scripts), and what
people wait for is a cycle's close (tests/bench/bulk_issue.py).

Certificates are set in the compact font `make install` builds (manage.py
build_certificate_font) when it is there, and in the system font when it is not; the report
says which. Two reference rows show what one line of Chinese costs in either font.
"""

import argparse
import datetime as dt
import logging
import multiprocessing
import os
import platform
import resource
import statistics
import time
from decimal import Decimal
from pathlib import Path

TARGET_PER_MINUTE = 1000
# The queue renders a bulk issue's certificates in batches of this many (the chunk of
# certification.services.bulk), laid out together (certification.rendering.certificate_pdfs).
BATCH = 25
NAMES = ["王芳", "欧阳娜娜", "林俊杰", "曹雪", "马丽娟", "张伟", "杨晨", "周敏", "刘洋", "陈静"]
# References, not targets: one line of Chinese and nothing else, in the system font and in
# the compact font (declared as the certificate template declares it).
CJK_LINE_HTML = "<p style=\"font-family: 'Noto Serif CJK SC'\">客服学院</p>"
COMPACT_LINE_HTML = (
    "<style>@font-face {{ font-family: '{family}'; src: url('{url}'); }}</style>"
    "<p style=\"font-family: '{family}', 'Noto Serif CJK SC'\">客服学院</p>"
)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def sample_certificate(number: int):
    """An unsaved certificate as issued: every printed field frozen, Chinese text included."""
    from certification.models import Certificate, LevelCode
    from certification.services import verification_code_new

    return Certificate(
        serial=f"IM-2026H2-{number:05d}",
        verification_code=verification_code_new(),
        level=LevelCode.INTERMEDIATE,
        holder_name=NAMES[number % len(NAMES)],
        holder_employee_no=f"KF{100000 + number}",
        level_name_zh="中级",
        level_name_en="Intermediate",
        cycle_name_zh="2026年下半年",
        cycle_name_en="Second half of 2026",
        percent=Decimal("80") + Decimal(number % 200) / 10,
        issued_on=dt.date(2026, 12, 18),
        expires_on=dt.date(2027, 6, 30),
        template_version="2026.1",
        issuer_name="客服学院",
    )


def compact_font() -> Path | None:
    """The compact font's file, if it has been built."""
    from django.conf import settings

    from certification.rendering import CERTIFICATE_FONT_FILE

    path = Path(settings.CERTIFICATE_FONT_DIR) / CERTIFICATE_FONT_FILE
    return path if path.is_file() else None


def renderer(kind: str):
    from certification.rendering import (
        CERTIFICATE_FONT_FAMILY,
        certificate_font_url,
        certificate_pdf,
        certificate_pdfs,
        html_pdf,
        minimal_pdf,
    )

    compact_line = COMPACT_LINE_HTML.format(
        family=CERTIFICATE_FONT_FAMILY, url=certificate_font_url()
    )
    return {
        "certificate": lambda number: certificate_pdf(sample_certificate(number)),
        "batch": lambda number: certificate_pdfs(
            [sample_certificate(number * BATCH + i) for i in range(BATCH)]
        ),
        "minimal": lambda number: minimal_pdf(),
        "cjk_line": lambda number: html_pdf(CJK_LINE_HTML),
        "compact_line": lambda number: html_pdf(compact_line),
    }[kind]


def median_seconds(rounds: int) -> dict[str, float]:
    """Median render time of each kind, interleaved so that noise hits them alike."""
    kinds = ["certificate", "batch", "minimal", "cjk_line"]
    if compact_font():
        kinds.append("compact_line")
    render = {kind: renderer(kind) for kind in kinds}
    for number in range(3):  # warm up: fonts loaded, templates compiled
        for kind in kinds:
            render[kind](number)
    timings = {kind: [] for kind in kinds}
    for number in range(rounds):
        for kind in kinds:
            started = time.perf_counter()
            render[kind](number)
            timings[kind].append(time.perf_counter() - started)
    medians = {kind: statistics.median(values) for kind, values in timings.items()}
    medians["batch"] /= BATCH  # a certificate's share of its batch
    return medians


def _worker(kind, count, offset, ready, start, done):
    setup()
    render = renderer(kind)
    for number in range(3):
        render(offset + number)
    ready.put(True)
    start.wait()
    for number in range(count):
        render(offset + number)
    # CLOCK_MONOTONIC is system-wide on Linux, so the parent can compare it with its own.
    done.put((time.monotonic(), peak_rss_kib()))


def peak_rss_kib() -> int:
    """This process's own peak resident memory. ru_maxrss would not do: Linux carries it over
    fork and exec, so a worker would report the parent's peak if that was higher."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def per_minute(kind: str, total: int, processes: int = 2) -> tuple[float, int]:
    """Documents a minute with `processes` warm worker processes sharing `total` renders."""
    context = multiprocessing.get_context("spawn")
    ready, done, start = context.Queue(), context.Queue(), context.Event()
    per_call = BATCH if kind == "batch" else 1
    share = total // processes // per_call
    workers = [
        context.Process(target=_worker, args=(kind, share, i * share, ready, start, done))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=300)
    started = time.monotonic()
    start.set()
    finished = [done.get(timeout=3600) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = max(at for at, _ in finished) - started
    peak_rss_kib = max(rss for _, rss in finished)
    return share * per_call * processes / elapsed * 60, peak_rss_kib


def table(medians: dict[str, float], throughput: dict[str, float]) -> tuple[str, bool]:
    certificate, minimal, cjk_line = (
        medians["certificate"],
        medians["minimal"],
        medians["cjk_line"],
    )
    compact_line = medians.get("compact_line")
    # The font the certificate is set in: the compact one when built, else the system one.
    own_line = compact_line or cjk_line
    ratio = certificate / minimal
    batch = medians["batch"]
    passed = throughput["certificate"] >= TARGET_PER_MINUTE
    rows = [
        ("figure", "value", "baseline", "ratio", "target", "pass/fail"),
        ("---", "---:", "---:", "---:", "---", "---"),
        (
            "median render, certificate vs minimal one-line document",
            f"{certificate * 1000:.1f} ms",
            f"{minimal * 1000:.1f} ms",
            f"{ratio:.1f}×",
            "— (retired target: the renderer's own layout)",
            "—",
        ),
        (
            "per minute, 2 processes: certificates vs minimal documents",
            f"{throughput['certificate']:.0f}",
            f"{throughput['minimal']:.0f}",
            f"{throughput['minimal'] / throughput['certificate']:.1f}× fewer",
            f"≥ {TARGET_PER_MINUTE:,} certificates",
            "pass" if passed else "FAIL",
        ),
        (
            f"median render, a certificate in a batch of {BATCH} (as the queue renders) vs alone",
            f"{batch * 1000:.1f} ms",
            f"{certificate * 1000:.1f} ms",
            f"{batch / certificate:.2f}×",
            "—",
            "—",
        ),
        (
            f"per minute, 2 processes: certificates in batches of {BATCH} vs alone",
            f"{throughput['batch']:.0f}",
            f"{throughput['certificate']:.0f}",
            f"{throughput['batch'] / throughput['certificate']:.2f}×",
            "—",
            "—",
        ),
        (
            "reference: one line of Chinese in the system font (Noto Serif CJK SC) vs minimal",
            f"{cjk_line * 1000:.1f} ms",
            f"{minimal * 1000:.1f} ms",
            f"{cjk_line / minimal:.1f}×",
            "— (the system CJK font's floor)",
            "—",
        ),
        (
            "reference: one line of Chinese in the compact font vs minimal",
            f"{compact_line * 1000:.1f} ms" if compact_line else "not built",
            f"{minimal * 1000:.1f} ms",
            f"{compact_line / minimal:.1f}×" if compact_line else "—",
            "— (the compact font's floor)",
            "—",
        ),
        (
            "reference: certificate vs one line of Chinese in its font",
            f"{certificate * 1000:.1f} ms",
            f"{own_line * 1000:.1f} ms",
            f"{certificate / own_line:.1f}×",
            "—",
            "—",
        ),
    ]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows), passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--rounds", type=int, default=30, help="interleaved timing rounds")
    parser.add_argument("--total", type=int, default=200, help="documents per throughput run")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args()
    setup()
    import weasyprint

    medians = median_seconds(args.rounds)
    throughput, peak_rss = {}, {}
    for kind in ("certificate", "batch", "minimal"):
        throughput[kind], peak_rss[kind] = per_minute(kind, args.total)
    body, passed = table(medians, throughput)
    font = compact_font()
    font_note = (
        f"Certificates set in the compact font {font.name} ({font.stat().st_size / 2**20:.1f} MiB)."
        if font
        else "Compact font not built (`make certificate-font`): certificates set in the "
        "system font."
    )
    report = "\n".join(
        [
            "# Certificate PDF benchmark",
            "",
            f"{dt.datetime.now():%Y-%m-%d %H:%M}, WeasyPrint {weasyprint.__version__}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs; medians of "
            f"{args.rounds} interleaved rounds after warm-up; throughput from {args.total} "
            f"documents shared by 2 warm worker processes (peak RSS per worker "
            f"{peak_rss['certificate'] // 1024} MiB rendering certificates). {font_note}",
            "",
            body,
            "",
        ]
    )
    print(report)
    out = Path(__file__).resolve().parents[2] / "var" / "bench" / "certificate_pdf.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"written to {out}")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""
Wagtail's Simplified Chinese catalogues lag behind its English ones: hundreds of admin strings
("Save changes", "Insert a block", the dashboard panels, API tokens, autosave) have no zh_Hans
entry, so a trainer sees English in an otherwise Chinese CMS. We keep the missing strings in a
catalogue of our own, lms/locale_wagtail/zh_Hans/LC_MESSAGES/{django,djangojs}.po, listed in
LOCALE_PATHS after lms/locale so the project's own wording still wins.

After a Wagtail upgrade run this command: it compares the installed Wagtail's English and
zh_Hans catalogues again, keeps our translations of strings still missing, adds new ones with
an empty msgstr (to translate by hand) and drops those Wagtail now translates itself.
`--check` fails while any entry is untranslated (the test suite runs it).
"""

from pathlib import Path

import polib
import wagtail
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DOMAINS = ("django", "djangojs")
HEADER = {
    "Project-Id-Version": "Kefu Academy: Wagtail strings missing from zh_Hans",
    "Language": "zh_Hans",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def catalogue_dir() -> Path:
    return Path(settings.BASE_DIR) / "lms" / "locale_wagtail" / "zh_Hans" / "LC_MESSAGES"


def _key(entry):
    return (entry.msgctxt or "", entry.msgid)


def _translated(entry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def missing_entries(domain: str) -> list[polib.POEntry]:
    """Wagtail's English msgids for `domain` that no zh_Hans Wagtail catalogue translates."""
    root = Path(wagtail.__file__).parent
    english, translated = {}, set()
    for po_path in sorted(root.rglob(f"locale/en/LC_MESSAGES/{domain}.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.msgid and not entry.obsolete:
                english.setdefault(_key(entry), entry)
    for po_path in sorted(root.rglob(f"locale/zh_Hans/LC_MESSAGES/{domain}.po")):
        translated |= {_key(e) for e in polib.pofile(str(po_path)) if _translated(e)}
    return [entry for key, entry in english.items() if key not in translated]


def refresh(domain: str) -> tuple[polib.POFile, int, int]:
    """Rewrite our catalogue for `domain`; return it with the counts of entries added, dropped."""
    path = catalogue_dir() / f"{domain}.po"
    ours = {_key(e): e for e in polib.pofile(str(path))} if path.exists() else {}
    po = polib.POFile(wrapwidth=100)
    po.metadata = dict(HEADER)
    added = 0
    for source in missing_entries(domain):
        kept = ours.pop(_key(source), None)
        if kept is None:
            added += 1
        entry = polib.POEntry(
            msgid=source.msgid,
            msgctxt=source.msgctxt,
            msgid_plural=source.msgid_plural,
            occurrences=source.occurrences[:1],
            flags=[f for f in source.flags if f.endswith("-format")],
        )
        if source.msgid_plural:
            entry.msgstr_plural = {0: kept.msgstr_plural.get(0, "") if kept else ""}
        else:
            entry.msgstr = kept.msgstr if kept else ""
        po.append(entry)
    return po, added, len(ours)


class Command(BaseCommand):
    help = "Refresh lms/locale_wagtail: Wagtail admin strings its zh_Hans catalogue lacks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Write nothing; fail if any is untranslated."
        )

    def handle(self, *args, check=False, **options):
        untranslated = []
        for domain in DOMAINS:
            po, added, dropped = refresh(domain)
            todo = [e.msgid for e in po if not _translated(e)]
            untranslated += todo
            self.stdout.write(
                f"{domain}: {len(po)} strings, {added} new, {dropped} dropped, "
                f"{len(todo)} to translate"
            )
            if not check:
                catalogue_dir().mkdir(parents=True, exist_ok=True)
                po.save(str(catalogue_dir() / f"{domain}.po"))
        if check and untranslated:
            raise CommandError(f"{len(untranslated)} Wagtail strings lack a Chinese translation.")

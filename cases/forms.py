import uuid
from collections import Counter

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from cases.pii import mask_pii
from cases.slugs import case_free_slug
from cases.transcript import TranscriptError, transcript_parse

# Form fields that carry no free text.
_NOT_TEXT = {"csrfmiddlewaretoken", "scenario", "channel", "difficulty", "product"}
# Masked after it is read, turn by turn, so that what was masked can be listed by line.
PASTE_FIELD = "transcript_paste"


class CasePageForm(WagtailAdminPageForm):
    """
    Masks customer personal data before anything is saved, drafts and revisions included:
    every value the editor sent (title, slug, SEO fields, comments, the case text) is
    masked as it arrives, and what was masked is recorded for the trainer to see. The slug
    is masked in a form a slug may take (138xxxx5678), or it could never be saved.

    A pasted conversation (cases.transcript) becomes a conversation block of turns at the
    end of the case; the paste itself is never stored.
    """

    transcript_paste = forms.CharField(
        label=_("Paste a conversation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text with a speaker on each turn (客户：… / 客服：…, timestamps allowed), "
            "a CSV export with speaker and text columns, or HTML copied from the chat tool. "
            "It is added as a conversation at the end of the case, with personal data masked."
        ),
    )

    def __init__(self, data=None, *args, **kwargs):
        self.found_in_post: Counter = Counter()
        if data is not None:
            data = data.copy()
            for key in data:
                if key in _NOT_TEXT or key == PASTE_FIELD:
                    continue
                if key.endswith(("-id", "-type", "-order", "-deleted")):
                    continue
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                masked = []
                for value in values:
                    if isinstance(value, str):
                        value, counts = mask_pii(value, in_slug=key == "slug")
                        self.found_in_post.update(counts)
                    masked.append(value)
                if hasattr(data, "setlist"):
                    data.setlist(key, masked)
                else:
                    data[key] = masked[0]
        super().__init__(data, *args, **kwargs)
        if data is not None and (data.get(PASTE_FIELD) or "").strip() and "body" in self.fields:
            self.fields["body"].required = False  # the paste gives the case its text

    def clean(self):
        self._free_the_slug()
        cleaned = super().clean()
        self._add_pasted_transcript(cleaned)
        # Everything was masked as it arrived (__init__); record what for the trainer.
        self.instance.masked_pii = dict(self.found_in_post)
        return cleaned

    def _free_the_slug(self):
        """
        A case never published takes the next free slug (-2, -3...) when a sibling holds
        its own, so an abandoned draft of the same title never blocks it. A published
        case's address is public: changing it to a taken one is refused, in words.
        """
        slug = self.cleaned_data.get("slug")
        if not slug or self.parent_page is None:
            return
        free = case_free_slug(parent=self.parent_page, base=slug, page=self.instance)
        if free == slug:
            return
        if self.instance.first_published_at is None:
            self.cleaned_data["slug"] = free
        else:
            self.add_error(
                "slug",
                _("Another case already has the address “%(slug)s”; choose another.")
                % {"slug": slug},
            )

    def _add_pasted_transcript(self, cleaned):
        raw = cleaned.get(PASTE_FIELD) or ""
        if not raw.strip() or "body" not in self.fields:
            return
        try:
            transcript = transcript_parse(raw)
        except TranscriptError as error:
            self.add_error(PASTE_FIELD, error.errors)
            return
        if not transcript.turns:
            return
        body = cleaned.get("body")
        blocks = list(body.get_prep_value()) if body else []
        turns = [turn.block_value() for turn in transcript.turns]
        # Already in the case when autosave sent the form while the paste was still in its
        # box and the save button sends it again: a paste is added once.
        if not any(_same_turns(block, turns) for block in blocks):
            blocks.append(
                {
                    "type": "transcript",
                    "id": str(uuid.uuid4()),
                    "value": [
                        {"type": "item", "id": str(uuid.uuid4()), "value": turn} for turn in turns
                    ],
                }
            )
            cleaned["body"] = self.fields["body"].block.to_python(blocks)
        self.found_in_post.update(find.kind for find in transcript.masked)
        # Read by the after-save hook (cases.wagtail_hooks), which tells the trainer.
        self.instance.transcript_report = {
            "turns": len(transcript.turns),
            "source": transcript.source,
            "masked": [str(find) for find in transcript.masked],
        }
        cleaned[PASTE_FIELD] = ""


def _same_turns(block: dict, turns: list[dict]) -> bool:
    if block.get("type") != "transcript":
        return False
    existing = [item.get("value", item) for item in block.get("value") or []]
    keys = ("speaker", "time", "text")
    return [tuple(t.get(k, "") for k in keys) for t in existing] == [
        tuple(t[k] for k in keys) for t in turns
    ]

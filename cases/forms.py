from collections import Counter

from wagtail.admin.forms import WagtailAdminPageForm

from cases.pii import mask_in, mask_pii


class CasePageForm(WagtailAdminPageForm):
    """
    Masks customer personal data in the title and the case text before anything is saved,
    drafts and revisions included, and records what it masked for the trainer to see.
    """

    def clean(self):
        cleaned = super().clean()
        found: Counter = Counter()
        if cleaned.get("title"):
            cleaned["title"], counts = mask_pii(cleaned["title"])
            found.update(counts)
        body = cleaned.get("body")
        if body is not None:
            block = self.fields["body"].block
            masked = mask_in(body.get_prep_value(), found)
            if found:
                cleaned["body"] = block.to_python(masked)
        self.instance.masked_pii = dict(found)
        return cleaned

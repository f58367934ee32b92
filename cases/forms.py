from collections import Counter

from wagtail.admin.forms import WagtailAdminPageForm

from cases.pii import mask_pii

# Form fields that carry no free text.
_NOT_TEXT = {"csrfmiddlewaretoken", "scenario", "channel", "difficulty", "product"}


class CasePageForm(WagtailAdminPageForm):
    """
    Masks customer personal data before anything is saved, drafts and revisions included:
    every value the editor sent (title, slug, SEO fields, comments, the case text) is
    masked as it arrives, and what was masked is recorded for the trainer to see. The slug
    is masked in a form a slug may take (138xxxx5678), or it could never be saved.
    """

    def __init__(self, data=None, *args, **kwargs):
        self.found_in_post: Counter = Counter()
        if data is not None:
            data = data.copy()
            for key in data:
                if key in _NOT_TEXT or key.endswith(("-id", "-type", "-order", "-deleted")):
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

    def clean(self):
        cleaned = super().clean()
        # Everything was masked as it arrived (__init__); record what for the trainer.
        self.instance.masked_pii = dict(self.found_in_post)
        return cleaned

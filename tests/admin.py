"""Posting Wagtail admin forms in tests as the admin page itself would send them."""

from django.http import QueryDict
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html


def admin_form(client, url, form_id="w-editor-form", **changes) -> QueryDict:
    """
    The form at `url` as a browser would post it (read with Wagtail's querydict_from_html),
    with `changes` applied: a value sets a field, a list sets a multiple choice, None
    unticks a checkbox. Starting from the rendered form keeps every field the page sends,
    so a test changes only what it is about.
    """
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    data = querydict_from_html(html, form_id=form_id)
    # querydict_from_html sends a ticked checkbox without a value attribute (how Django
    # renders one) as "", which Django reads as unticked; a browser sends "on".
    form = WagtailTestUtils.get_soup(html).find("form", attrs={"id": form_id})
    for box in form.find_all("input", type="checkbox", checked=True):
        if "value" not in box.attrs:
            data.setlist(box["name"], ["on"])
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        elif isinstance(value, list | tuple):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = str(value)
    return data

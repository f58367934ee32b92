"""
Wagtail's Sites listing with its column headers in the reader's language. Wagtail 8 names
the port, site-name and root-page columns from their field names ("Port", "Site name",
"Root page") without gettext, so no catalogue reaches them; the model's own verbose names
are in Wagtail's catalogue (端口号, 站点名称, 根页面).
"""

from django.utils.text import capfirst
from wagtail.admin.ui.tables import Column
from wagtail.models import Site
from wagtail.sites import views as wagtail_sites


def _field_label(name: str):
    return capfirst(Site._meta.get_field(name).verbose_name)


class SiteIndexView(wagtail_sites.IndexView):
    columns = [
        column
        if column.name not in ("port", "site_name", "root_page")
        else Column(column.name, label=_field_label(column.name), sort_key=column.sort_key)
        for column in wagtail_sites.IndexView.columns
    ]

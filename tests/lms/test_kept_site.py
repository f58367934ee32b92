"""
The Wagtail site for a request's host is kept in the shared cache (lms.middleware
.KeptSiteMiddleware): no site query on a page once the host was seen, and a site added or
changed in the CMS answers on the next request.
"""

from wagtail.models import Page, Site

from lms.models import AcademyHomePage
from tests.factories.learning import CurriculumPageFactory
from tests.querycount import count_queries


def test_a_known_host_costs_no_site_query_and_a_new_site_answers_at_once(academy, login, client):
    ours = CurriculumPageFactory(slug="onboarding")
    login(academy.newhire_a)

    def served(host):
        response = client.get("/onboarding/", HTTP_HOST=host)
        assert response.status_code == 200
        return response.context["page"].pk

    assert served("academy.example") == ours.pk
    _count, sql = count_queries(lambda: served("academy.example"))
    assert not [s for s in sql if "wagtailcore_site" in s]

    # A second academy for the English-speaking team, on its own host.
    english = Page.get_first_root_node().add_child(
        instance=AcademyHomePage(title="Kefu Academy EN", slug="en-home")
    )
    theirs = CurriculumPageFactory(parent=english, slug="onboarding", title="Onboarding")
    Site.objects.create(hostname="en.example", root_page=english)
    assert served("en.example") == theirs.pk
    assert served("academy.example") == ours.pk

    Site.objects.filter(hostname="en.example").delete()  # the CMS's delete sends the signal too
    assert served("en.example") == ours.pk  # the default site again

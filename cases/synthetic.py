"""
The case library of a synthetic centre for benchmarks (`manage.py generate_site`): the demo
cases repeated until the library holds the size's number, spread over the past year.
Registered with `lms.features.register_site_builder` in CasesConfig.ready().
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from cases.demo.loader import case_body, case_library, cases_read, library_read
from cases.models import CasePage, CaseSearchTerm, Product, ScenarioType
from cases.search import case_search_text
from cases.search.index import case_postings, frequencies_rebuild, sounds_ensure
from lms.demo.content import academy_home
from lms.routing import pages_changed
from lms.synthetic import PREFIX, chunks

CASES = {"S": 200, "M": 2_000, "L": 20_000}


def cases_build(*, size: str, people, now, progress, **_context) -> dict:
    """
    Cases as children of the library, written with bulk statements: Wagtail's tree paths
    are computed here (the library's path plus a four-character step per child), the page
    rows are bulk-inserted and each CasePage row is inserted on its own (Django cannot
    bulk-insert a multi-table model). Bodies and their search text come from the demo
    cases, cut once per variant rather than once per case.
    """
    count = CASES[size]
    data = library_read()
    library = case_library(academy_home(), data["library"])
    scenarios = [ScenarioType.objects.get_or_create(name=n)[0] for n in data["scenario_types"]]
    products = [Product.objects.get_or_create(name=name)[0] for name in data["products"]]
    variants = []
    for case in cases_read(library=data):
        body, _found = case_body(case)
        probe = CasePage(title=case["title"], body=body)
        text = case_search_text(probe)
        variants.append((case, body, text, case_postings(text)))
    content_type = ContentType.objects.get_for_model(CasePage)
    authors = people[:: max(len(people) // 50, 1)]
    # treebeard trusts numchild; these statements keep it right themselves.
    children = Page.objects.filter(path__startswith=library.path, depth=library.depth + 1)
    last = children.order_by("-path").first()
    start = Page._str2int(last.path[-Page.steplen :]) if last else 0
    slug = f"{PREFIX.lower()}-case-"
    pages = []
    for n in range(count):
        case = variants[n % len(variants)][0]
        # Spread evenly over the past year, newest first, so every size has cases this week.
        moment = now - dt.timedelta(hours=1) - (n * dt.timedelta(weeks=52)) / count
        pages.append(
            Page(
                path=Page._get_path(library.path, library.depth + 1, start + n + 1),
                depth=library.depth + 1,
                numchild=0,
                title=f"{case['title']}（{n + 1}）",
                draft_title=f"{case['title']}（{n + 1}）",
                slug=f"{slug}{n + 1}",
                content_type=content_type,
                live=True,
                first_published_at=moment,
                last_published_at=moment,
                owner=authors[n % len(authors)],
                locale_id=library.locale_id,
                url_path=f"{library.url_path}{slug}{n + 1}/",
            )
        )
    for done, chunk in enumerate(chunks(pages), start=1):
        Page.objects.bulk_create(chunk)
        progress("cases", min(done * 2_000, len(pages)) // 2, len(pages))
    page_ids = list(
        Page.objects.filter(slug__startswith=slug).order_by("path").values_list("pk", flat=True)
    )
    postings = []
    for n, page_id in enumerate(page_ids):
        case, body, text, terms = variants[n % len(variants)]
        row = CasePage(
            page_ptr_id=page_id,
            scenario=scenarios[n % len(scenarios)],
            channel=case["channel"],
            difficulty=case["difficulty"],
            product=products[n % len(products)],
            body=body,
            search_text=text,
        )
        row.save_base(raw=True, force_insert=True)
        # The case search's postings: the variant's terms plus the title's number.
        terms = {**terms, str(n + 1): 1000}
        postings += [CaseSearchTerm(case_id=page_id, term=t, weight=w) for t, w in terms.items()]
        if len(postings) >= 20_000:
            CaseSearchTerm.objects.bulk_create(postings, batch_size=5_000)
            postings = []
        if n % 500 == 0:
            progress("cases", len(pages) // 2 + n // 2, len(pages))
    CaseSearchTerm.objects.bulk_create(postings, batch_size=5_000)
    frequencies_rebuild()  # the postings came in bulk, past case_index_update
    sounds_ensure({t for variant in variants for t in variant[3]})
    Page.objects.filter(pk=library.pk).update(numchild=children.count())
    pages_changed()  # past the signals: kept routes would show the library as it was
    progress("cases", len(pages), len(pages))
    return {"cases": len(pages)}

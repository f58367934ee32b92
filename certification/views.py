"""
Certification pages: a person's own certification and next career steps, the lead's team
certification page with exports, and the public verification page.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from certification.credential_views import credential_response
from certification.credentials.documents import MEDIA_TYPE
from certification.filters import TeamCertificationFilter
from certification.forms import RecommendationForm, RegistrationForm
from certification.models import Certificate, Level, LevelCode, TrackStep
from certification.selectors import (
    certification_offers,
    current_cycle,
    lapse_timeline,
    level_distribution,
    promotion_attach,
    promotion_options_for,
    score_display,
    standing_of,
    team_certification_rows,
    verification_cache_seconds,
    verification_lookup,
    verification_page_cache_key,
    verification_status,
)
from certification.services import recommendation_create, registration_create
from lms.exports import spreadsheet_text, table_response, zip_response
from lms.formatting import list_display
from lms.forms import first_error
from lms.kept_pages import kept_render, kept_team_part
from lms.models import Position
from lms.refusals import Refused
from lms.selectors.people import staff_visible_to, teams_visible_to
from lms.selectors.todos import lead_todo_counts_forget
from lms.views.people import team_viewer_required
from lms.views.rows import labels, url_for_pk

# A team (12-25 people in a contact centre) fits one page. Each row works out every
# promotion step and its cells run to several lines: 50 rows took 35 ms to build and, with
# 50 leads at it together, p95 ran past 150 ms (tests/bench/); supervisors page through.
PAGE_SIZE = 25
CODE_RE = re.compile(r"[a-z2-7]{32}")


# --- The person's own page ------------------------------------------------------------------


@login_required
def my_certification(request):
    """Where I stand, what I can register for or sit now, and my next career steps."""
    user = request.user
    today = timezone.localdate()
    certificates = list(Certificate.objects.filter(user=user).order_by("-issued_on", "-pk"))
    standing = standing_of(certificates, today)
    cycle, offers = certification_offers(user=user, today=today, certificates=certificates)
    options = promotion_options_for([user], today, standings={user.pk: standing})[user.pk]
    return render(
        request,
        "certification/my_certification.html",
        {
            "standing": standing,
            "certificates": certificates,
            "cycle": cycle,
            "offers": offers,
            "options": options,
            # Registered for the open cycle: the lapse warning's "register" no longer applies.
            "registered_any": any(offer.registered for offer in offers),
        },
    )


@require_POST
@login_required
def register(request):
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        raise Http404  # names no level: there is nothing to register for
    level = get_object_or_404(Level, code=form.cleaned_data["level"])
    try:
        registration = registration_create(user=request.user, level=level)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("You are registered for the %(level)s certification in %(cycle)s.")
            % {"level": level.get_code_display(), "cycle": registration.cycle.label},
        )
    return redirect("certification:mine")


def _pdf_response(certificate: Certificate, *, inline: bool = True) -> FileResponse:
    # A revoked certificate is not handed out again, not even to its holder.
    if certificate.revoked_at:
        raise Http404(_("This certificate was revoked."))
    if certificate.render_state != Certificate.RenderState.READY or not certificate.pdf:
        raise Http404(_("This certificate's PDF is still being prepared."))
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=not inline,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


@login_required
def certificate_download(request, pk):
    """The holder, or a lead/supervisor/administrator who may see the holder."""
    certificate = get_object_or_404(Certificate, pk=pk)
    if certificate.user_id != request.user.pk and not (
        staff_visible_to(request.user).filter(pk=certificate.user_id).exists()
    ):
        raise Http404
    return _pdf_response(certificate, inline=False)


# --- The lead's team page ------------------------------------------------------------------


def _team_rows(request, *, promotion: bool = True):
    """The viewer's filtered rows (certification.selectors.team) with the filterset."""
    today = timezone.localdate()
    filterset = TeamCertificationFilter(
        request.GET, queryset=staff_visible_to(request.user), request=request
    )
    rows, last_cycle = team_certification_rows(
        people=filterset.qs, today=today, with_promotion=promotion, **filterset.derived
    )
    return filterset.form, rows, last_cycle, today


def _attach_row_labels(rows) -> None:
    """Links and labels of the rows shown, reversed and translated once for the page."""
    position_labels = labels(Position)
    level_labels = labels(LevelCode)
    detail_url = url_for_pk("lms:person_detail")
    for row in rows:
        row["url"] = detail_url(row["person"].pk)
        row["position_label"] = position_labels.get(row["person"].position, row["person"].position)
        for result in [*row["results"], *row.get("current_results", [])]:
            result.level_label = level_labels.get(result.level, result.level)
        row["registered_labels"] = [level_labels.get(code, code) for code in row["registered"]]


def _team_certifications_html(request) -> str:
    form, rows, last_cycle, today = _team_rows(request, promotion=False)
    standings = {row["person"].pk: row["standing"] for row in rows}
    distribution = level_distribution(standings)
    timeline = lapse_timeline(standings, today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    promotion_attach(page.object_list, today)
    _attach_row_labels(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return kept_render(
        "certification/team_certifications_body.html",
        {
            "request": request,
            "user": request.user,
            "form": form,
            "teams": teams_visible_to(request.user),
            "page": page,
            "rows": page.object_list,
            "last_cycle": last_cycle,
            "current_cycle": current_cycle(today),
            "distribution": distribution,
            "distribution_max": max((n for _c, _l, n in distribution), default=0) or 1,
            "timeline": timeline,
            "timeline_max": max((n for _l, n in timeline), default=0) or 1,
            "query": query.urlencode(),
            "can_recommend": request.user.has_perm("certification.add_recommendation"),
        },
    )


@team_viewer_required
def team_certifications(request):
    """
    The lead's team certification page: each member's level, status, last result and
    promotion eligibility, with a chart. A fixed number of queries whatever the team size;
    promotion is worked out for the page shown unless the filter asks about it. Kept for
    the lead per filter (lms.kept_pages) until a member's rows or the academy's change: a
    lead opens it several times a day, and building it reads every member's standing.
    """
    body = kept_team_part(
        request, "team_certifications", lambda: _team_certifications_html(request)
    )
    return render(request, "certification/team_certifications.html", {"body": body})


def _export_row(row) -> list[str]:
    person, standing = row["person"], row["standing"]
    passed, failed = _("passed"), _("not passed")
    return [
        person.employee_no or "",
        spreadsheet_text(person.get_full_name()),
        spreadsheet_text(person.team.name) if person.team else "",
        person.get_position_display(),
        str(standing.level_name) if standing.certificate else "",
        str(standing.label),
        standing.certificate.expires_on.isoformat() if standing.certificate else "",
        list_display(
            f"{result.get_level_display()} {passed if result.passed else failed} "
            f"{score_display(result.percent)}"
            for result in row["results"]
        ),
        list_display(option.step for option in row["eligible"]),
        list_display(option.step for option in row["close"]),
    ]


def _export_headers(last_cycle) -> list[str]:
    return [
        _("Employee number"),
        _("Name"),
        _("Team"),
        _("Position"),
        _("Level held"),
        _("Certification"),
        _("Valid until"),
        _("Result %(cycle)s") % {"cycle": last_cycle.label} if last_cycle else _("Last result"),
        _("Eligible now"),
        _("One requirement short"),
    ]


@team_viewer_required
def team_certifications_export(request, fmt):
    _form, rows, last_cycle, today = _team_rows(request)
    return table_response(
        fmt=fmt,
        filename=f"certifications-{today.isoformat()}.{fmt}",
        headers=_export_headers(last_cycle),
        rows=(_export_row(row) for row in rows),
        sheet_title=_("Certification"),
    )


@team_viewer_required
def team_certificates_zip(request):
    """Every current certificate PDF of the people on the (filtered) page, as one ZIP."""
    _form, rows, _cycle, today = _team_rows(request, promotion=False)
    wanted = [row["standing"].certificate.pk for row in rows if row["standing"].current]
    certificates = Certificate.objects.filter(
        pk__in=wanted, render_state=Certificate.RenderState.READY
    ).exclude(pdf="")

    def files():
        for certificate in certificates.iterator():
            owner = certificate.holder_employee_no or certificate.pk
            yield f"{owner}-{certificate.holder_name}-{certificate.serial}.pdf", certificate.pdf

    return zip_response(filename=f"certificates-{today.isoformat()}.zip", files=files())


@require_POST
@team_viewer_required
def recommend(request, pk):
    """A lead recommends a member of their own teams for a track step (never themselves)."""
    person = get_object_or_404(staff_visible_to(request.user), pk=pk)
    form = RecommendationForm(request.POST)
    if not form.is_valid():
        if "step" in form.errors:
            raise Http404  # names no step of this academy's: nothing to recommend for
        messages.error(request, first_error(form))
        return redirect("certification:team")
    step = get_object_or_404(TrackStep, pk=form.cleaned_data["step"], from_position=person.position)
    try:
        _recommendation, created = recommendation_create(
            person=person, step=step, by=request.user, note=form.cleaned_data["note"]
        )
    except Refused:
        raise PermissionDenied from None
    if created:
        lead_todo_counts_forget(request.user)  # the menu's badge counts again
        messages.success(
            request,
            _("%(name)s is recommended for %(step)s.")
            % {"name": person.get_full_name(), "step": step},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("certification:team")
    return redirect(back)


# --- Public verification ----------------------------------------------------------------------


def _verify_rate(group, request) -> str:
    return f"{settings.CERTIFICATE_VERIFY_RATE_PER_MINUTE}/m"


def _rate_limited(request) -> bool:
    """
    A fixed window per client address (lms.clients.client_address, behind the trusted
    proxies), counted in the shared cache by every worker of every app server: enough for
    people, too slow to guess codes.
    """
    return is_ratelimited(
        request, group="certificate-verify", key="ip", rate=_verify_rate, increment=True
    )


def _lookup(code: str):
    # Every unknown code, well-formed or not, gets the same answer.
    return verification_lookup(code) if CODE_RE.fullmatch(code) else None


def _revoked_gone(found) -> HttpResponse | None:
    """The PDF and the badge of a revoked certificate are gone; the page says why."""
    if found["revoked_at"]:
        return _public(HttpResponse(_("This certificate was revoked."), status=410))
    return None


def _public(response):
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-cache"
    # A signed-in visitor's page carries their navigation: caches must keep them apart,
    # also when the page was answered without looking at the session.
    patch_vary_headers(response, ("Cookie",))
    return response


def _verify_page(request, code, *, shared: bool = False) -> HttpResponse:
    found = _lookup(code)
    if found is None:
        context, status = {"found": None}, 404
    else:
        context, status = {"found": found, "status": verification_status(found)}, 200
    return render(
        request, "certification/verify.html", {**context, "shared_page": shared}, status=status
    )


def verify(request, code):
    """
    Public: is this certificate genuine and valid? Anyone may ask.

    A QR code is scanned by strangers far more often than the answer changes, so anonymous
    visitors get the page as rendered for all of them, kept in the shared cache per
    language until the certificate changes (cleared on commit) or local midnight. Signed-in
    visitors get it rendered with their own navigation.

    The rate limit is there to make guessing codes hopeless, and every guess is a code not
    asked about before, so it counts the requests that reach the database: a page already
    in the cache reveals nothing new and is served without counting (one cache read).
    """
    # Without a session cookie nobody is signed in: no need to build the user to know.
    anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES or (
        not request.user.is_authenticated
    )
    if not anonymous:
        if _rate_limited(request):
            return _limited(request)
        return _public(_verify_page(request, code))
    key = verification_page_cache_key(code if CODE_RE.fullmatch(code) else "-", get_language())
    kept = caches["local"].get(key)
    if kept is None:
        shared_cache = caches["default"]
        kept = shared_cache.get(key)
        if kept is None:
            if _rate_limited(request):
                return _limited(request)
            response = _verify_page(request, code, shared=True)
            kept = (response.status_code, response.content)
            shared_cache.set(key, kept, verification_cache_seconds())
        # Kept from when it was read from the shared cache, and not renewed by hits: a
        # change made in another worker shows here within these seconds.
        local_seconds = min(settings.CERTIFICATE_VERIFY_LOCAL_SECONDS, verification_cache_seconds())
        caches["local"].set(key, kept, local_seconds)
    status, content = kept
    return _public(HttpResponse(content, status=status))


def _limited(request) -> HttpResponse:
    response = render(request, "certification/verify.html", {"limited": True}, status=429)
    response["Retry-After"] = "60"
    return _public(response)


def verify_pdf(request, code):
    if _rate_limited(request):
        return HttpResponse(status=429)
    found = _lookup(code)
    if found is None:
        raise Http404
    return _revoked_gone(found) or _public(_pdf_response(Certificate.objects.get(pk=found["pk"])))


def verify_badge(request, code):
    """
    The certificate's signed Open Badges 3.0 credential, exactly as signed at issue, for
    wallets, HR systems and verifiers. Served whatever became of the certificate: a
    revoked or superseded one says so through its status list, which a verifier reads.
    """
    if _rate_limited(request):
        return HttpResponse(status=429)
    found = _lookup(code)
    if found is None:
        raise Http404
    credential = (
        Certificate.objects.filter(pk=found["pk"]).values_list("credential", flat=True).first()
    )
    if not credential:
        response = HttpResponse(
            _("This certificate's credential is still being prepared."), status=503
        )
        response["Retry-After"] = "60"
        return _public(response)
    response = credential_response(credential, MEDIA_TYPE)
    response["Content-Disposition"] = f'inline; filename="{found["serial"]}.json"'
    return _public(response)

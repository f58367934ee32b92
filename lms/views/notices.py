"""The notice centre: a person's notices, opened and marked read, and their e-mail settings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.forms import NoticeSettingsForm
from lms.selectors.notices import email_kinds_for, notice_render, notices_for
from lms.services.notices import notice_preferences_save, notices_mark_read


@login_required
def notice_list(request):
    page = Paginator(notices_for(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/notices.html",
        {"page": page, "notices": [notice_render(notice) for notice in page]},
    )


@require_POST
@login_required
def notice_open(request, pk):
    """Mark the notice read (a POST: a GET never writes) and go where it points."""
    notice = get_object_or_404(notices_for(request.user), pk=pk)
    notices_mark_read(user=request.user, pks=[notice.pk])
    target = notice.url if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) else ""
    return redirect(target or "lms:notices")


@require_POST
@login_required
def notices_read_all(request):
    count = notices_mark_read(user=request.user)
    if count:
        messages.success(request, _("All notices are marked as read."))
    return redirect("lms:notices")


@login_required
def notice_settings(request):
    """Which notices also come by e-mail, and the e-mail's language (a form: bad input is
    shown back, never saved)."""
    kinds = email_kinds_for(request.user)
    initial = {
        "email": [code for code, _label, emailed in kinds if emailed],
        "language": request.user.language,
    }
    form = NoticeSettingsForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        notice_preferences_save(
            user=request.user,
            emailed_kinds=set(form.cleaned_data["email"]),
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your notice settings are saved."))
        return redirect("lms:notice_settings")
    return render(
        request,
        "lms/notice_settings.html",
        {"form": form, "email_languages": settings.LANGUAGES},
        status=400 if form.is_bound else 200,
    )

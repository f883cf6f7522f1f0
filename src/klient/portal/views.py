"""The customers' pages: magic-link sign-in, their conversations, public request forms and
help articles. Thin: parse, call one action or query, render."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klient.core import ratelimit
from klient.core.downloads import safe_download
from klient.knowledge.queries import public_article, suggest_articles
from klient.people.actions import set_customer_time_zone
from klient.sla.promise import zone_named

from . import access, actions, antispam, session, sign_in
from .models import LANGUAGE_CODES, FormField, RequestForm
from .queries import answer_by_text, answer_due, customer_conversations
from .request_forms import (
    MAX_FILE_BYTES,
    UploadedData,
    callback_input_names,
    clean_submission,
    input_name,
)
from .texts import text

LANGUAGE_SESSION_KEY = "portal_language"
NEXT_SESSION_KEY = "portal_next"
# Where a link from an email may send a customer once signed in: a conversation page.
_CONVERSATION_PATH = re.compile(r"/portal/c/[A-Za-z0-9-]{1,32}/")
FORM_LIMIT_PER_IP = 10
FORM_WINDOW_SECONDS = 3600


def _language(request: HttpRequest, *, remember: bool = True) -> str:
    """?lang= if given (remembered in the portal session), else the browser's language."""
    wanted = request.GET.get("lang", "")
    if wanted in LANGUAGE_CODES:
        if remember:
            request.session[LANGUAGE_SESSION_KEY] = wanted
    elif remember and request.session.get(LANGUAGE_SESSION_KEY) in LANGUAGE_CODES:
        wanted = request.session[LANGUAGE_SESSION_KEY]
    else:
        wanted = getattr(request, "LANGUAGE_CODE", "en")
        wanted = wanted if wanted in LANGUAGE_CODES else "en"
    translation.activate(wanted)
    request.LANGUAGE_CODE = wanted
    return wanted


def customer_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = _language(request)
        current = session.signed_in(request)
        if current is None:
            if request.method == "GET":
                # A link from an email: after signing in, the customer lands here.
                request.session[NEXT_SESSION_KEY] = request.path
            return redirect("portal:index")
        customer, email = current
        return view(request, *args, customer=customer, email=email, language=language, **kwargs)

    return wrapper


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Render a portal page; a signed-in customer sees its times in their own time zone
    (detected by their browser and stored once: `time_zone`)."""
    current = session.signed_in(request)
    customer = current[0] if current else None
    context.setdefault("portal_customer", customer)
    context.setdefault("languages", settings.LANGUAGES)
    context.setdefault("detect_time_zone", customer is not None and not customer.time_zone)
    zone = zone_named(customer.time_zone) if customer is not None else None
    if zone is None:
        return render(request, template, context, status=status)
    with timezone.override(zone):
        return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Signed in: your conversations. Otherwise: ask for a sign-in link by email."""
    language = _language(request)
    current = session.signed_in(request)
    if current is not None:
        customer, _email = current
        conversations = list(customer_conversations(customer)[:100])
        due = answer_due(conversations)
        rows = [
            (
                c,
                answer_by_text(due[c.pk], language=language, time_zone=customer.time_zone)
                if c.pk in due
                else "",
            )
            for c in conversations
        ]
        return _page(request, "portal/conversations.html", {"rows": rows})
    if request.method == "POST":
        try:
            sign_in.request_sign_in(
                request.POST.get("email", ""), ip=ratelimit.client_ip(request), language=language
            )
        except sign_in.RateLimited:
            return _page(request, "portal/rate_limited.html", {}, status=429)
        return redirect("portal:link_sent")
    return _page(request, "portal/sign_in.html", {})


@require_GET
def link_sent(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    message = text("link_sent", language, minutes=sign_in.LINK_MINUTES)
    return _page(request, "portal/link_sent.html", {"message": message})


@require_http_methods(["GET", "POST"])
def redeem(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not use them up."""
    _language(request)
    if request.method == "GET":
        if sign_in.valid_link(token) is None:
            return _page(request, "portal/link_invalid.html", {}, status=410)
        return _page(request, "portal/redeem.html", {"token": token})
    link = sign_in.redeem(token)
    if link is None:
        return _page(request, "portal/link_invalid.html", {}, status=410)
    going_to = request.session.pop(NEXT_SESSION_KEY, "")
    session.sign_in(request, customer_id=link.customer_id, email=link.email)
    if link.language in LANGUAGE_CODES:
        request.session[LANGUAGE_SESSION_KEY] = link.language
    if isinstance(going_to, str) and _CONVERSATION_PATH.fullmatch(going_to):
        return redirect(going_to)
    return redirect("portal:index")


@require_POST
@customer_required
def time_zone(request: HttpRequest, *, customer: Any, email: str, language: str) -> HttpResponse:
    """The browser's time zone (Intl.DateTimeFormat().resolvedOptions().timeZone), posted
    once by portal/time_zone.js: 204 when stored, 400 for a name that is not a zone."""
    try:
        set_customer_time_zone(customer, request.POST.get("time_zone", ""))
    except ValidationError:
        return HttpResponse(status=400)
    return HttpResponse(status=204)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session.sign_out(request)
    return redirect("portal:index")


@require_GET
@customer_required
def conversation(
    request: HttpRequest, reference: str, *, customer: Any, email: str, language: str
) -> HttpResponse:
    found = access.access_conversation(customer, reference)
    due = answer_due([found])
    return _page(
        request,
        "portal/conversation.html",
        {
            "conversation": found,
            "messages": access.public_messages(found),
            "answer_by": answer_by_text(
                due[found.pk], language=language, time_zone=customer.time_zone
            )
            if found.pk in due
            else "",
            "is_closed": found.status in actions.CLOSED,
            "nonce": uuid.uuid4().hex,
            "max_files": actions.MAX_ATTACHMENTS,
            "max_mb": MAX_FILE_BYTES // 2**20,
        },
    )


@require_POST
@customer_required
def reply(
    request: HttpRequest, reference: str, *, customer: Any, email: str, language: str
) -> HttpResponse:
    found = access.access_conversation(customer, reference)
    uploads = request.FILES.getlist("files")
    error = ""
    if len(uploads) > actions.MAX_ATTACHMENTS or any(
        (u.size or 0) > MAX_FILE_BYTES for u in uploads
    ):
        error = text("file_too_large", language, size=MAX_FILE_BYTES // 2**20)
    else:
        files = [
            UploadedData(str(u.name or ""), str(u.content_type or ""), u.read()) for u in uploads
        ]
        try:
            actions.customer_reply(
                found,
                customer=customer,
                email=email,
                body=request.POST.get("body", ""),
                files=files,
                nonce=request.POST.get("nonce", ""),
            )
        except ValidationError as exc:
            # The customer's own words for what went wrong (portal.texts), never English.
            error = text("too_long" if exc.code == "too_long" else "required", language)
    if error:
        return _page(
            request,
            "portal/conversation.html",
            {
                "conversation": found,
                "messages": access.public_messages(found),
                "is_closed": found.status in actions.CLOSED,
                "nonce": uuid.uuid4().hex,
                "reply_error": error,
                "body": request.POST.get("body", ""),
                "max_files": actions.MAX_ATTACHMENTS,
                "max_mb": MAX_FILE_BYTES // 2**20,
            },
            status=400,
        )
    return redirect("portal:conversation", reference=found.reference)


@require_POST
@customer_required
def set_status(
    request: HttpRequest, reference: str, *, customer: Any, email: str, language: str
) -> HttpResponse:
    found = access.access_conversation(customer, reference)
    wanted = request.POST.get("action", "")
    if wanted not in ("close", "reopen"):
        return HttpResponse(status=400)
    actions.set_status_by_customer(found, customer=customer, solved=wanted == "close")
    return redirect("portal:conversation", reference=found.reference)


@require_GET
@customer_required
def attachment(
    request: HttpRequest, reference: str, pk: int, *, customer: Any, email: str, language: str
) -> FileResponse:
    """Always a download the browser may neither sniff nor run."""
    found = access.access_attachment(customer, reference, pk)
    return safe_download(found.blob, found.filename)


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language(request, remember=False)
    found = public_article(slug, language)
    if found is None:
        raise Http404("No such article.")
    return _page(request, "portal/article.html", {"article": found})


# Request forms -------------------------------------------------------------------------


def _active_form(slug: str) -> tuple[RequestForm, list[FormField]]:
    form = get_object_or_404(RequestForm.objects.select_related("team"), slug=slug, is_active=True)
    fields = list(form.fields.select_related("required_if").order_by("order", "id"))
    return form, fields


def _field_rows(fields: list[FormField], language: str, post: Any, errors: dict) -> list[dict]:
    rows = []
    for form_field in fields:
        name = input_name(form_field)
        rows.append(
            {
                "field": form_field,
                "name": name,
                "label": form_field.label(language),
                "help": form_field.help(language),
                "options": form_field.options(language),
                "value": post.get(name, "") if post is not None else "",
                "error": errors.get(name, ""),
                "required": form_field.required,
                "conditional": form_field.required_if_id is not None,
                "parts": {
                    part: post.get(sub, "") if post is not None else ""
                    for part, sub in callback_input_names(form_field).items()
                }
                if form_field.kind == FormField.Kind.CALLBACK
                else {},
            }
        )
    return rows


def _render_form(
    request: HttpRequest,
    form: RequestForm,
    fields: list[FormField],
    language: str,
    *,
    embed: bool,
    post: Any = None,
    errors: dict | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    action = reverse("portal:form_embed" if embed else "portal:form", kwargs={"slug": form.slug})
    context = {
        "form_def": form,
        "title": form.title(language),
        "intro": form.intro(language),
        "rows": _field_rows(fields, language, post, errors),
        "errors": errors,
        "post": post or {},
        "notice": notice,
        "embed": embed,
        "action": f"{action}?lang={language}",
        "started": antispam.started_token(form.slug),
        "honeypot": antispam.HONEYPOT,
        "nonce": uuid.uuid4().hex,
        "language": language,
        "has_files": any(f.kind == FormField.Kind.FILE for f in fields),
        "suggest_url": reverse("portal:form_suggest", kwargs={"slug": form.slug}),
    }
    response = _page(
        request, "portal/form_embed.html" if embed else "portal/form.html", context, status
    )
    return _frame_policy(response, form, embed)


def _frame_policy(response: HttpResponse, form: RequestForm, embed: bool) -> HttpResponse:
    """Only the embed variant may be framed, and only by the form's allowed origins."""
    origins = form.origins() if embed else []
    if origins:
        response["Content-Security-Policy"] = "frame-ancestors " + " ".join(origins)
    else:
        response["Content-Security-Policy"] = "frame-ancestors 'none'"
        response["X-Frame-Options"] = "DENY"
    return response


def _request_form(request: HttpRequest, slug: str, *, embed: bool) -> HttpResponse:
    language = _language(request, remember=False)
    form, fields = _active_form(slug)
    if request.method == "GET":
        return _render_form(request, form, fields, language, embed=embed)

    def refused(**why: Any) -> HttpResponse:
        """The form again, filled in as sent, with why it was not taken."""
        return _render_form(
            request, form, fields, language, embed=embed, post=request.POST, status=400, **why
        )

    verdict = antispam.check(request.POST, form.slug)
    if verdict == "honeypot":
        return _frame_policy(_page(request, "portal/rejected.html", {}, status=400), form, embed)
    if verdict:
        return refused(notice=text("too_fast", language))
    if not ratelimit.allow(
        "form-ip",
        ratelimit.client_ip(request),
        limit=FORM_LIMIT_PER_IP,
        window_seconds=FORM_WINDOW_SECONDS,
    ):
        return _frame_policy(
            _page(request, "portal/rate_limited.html", {}, status=429), form, embed
        )
    submission, errors = clean_submission(fields, request.POST, request.FILES, language)
    if submission is None:
        return refused(errors=errors)
    created = actions.submit_form(
        form,
        fields,
        submission,
        language=language,
        nonce=request.POST.get("nonce", ""),
        time_zone=request.POST.get("time_zone", ""),
    )
    message = text("submitted", language, reference=created.reference)
    return _frame_policy(
        _page(
            request,
            "portal/form_sent.html",
            {"message": message, "embed": embed, "title": form.title(language)},
        ),
        form,
        embed,
    )


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest, slug: str) -> HttpResponse:
    return _request_form(request, slug, embed=False)


@csrf_exempt  # framed on another site, our cookies are third-party; see docs/portal.md
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def request_form_embed(request: HttpRequest, slug: str) -> HttpResponse:
    return _request_form(request, slug, embed=True)


@require_GET
def form_suggest(request: HttpRequest, slug: str) -> HttpResponse:
    """Published public articles matching what the visitor is typing as the subject."""
    language = _language(request, remember=False)
    _active_form(slug)
    words = request.GET.get("subject", "")[:300]
    articles = suggest_articles(words, language, public_only=True, limit=5) if words else []
    return render(request, "portal/_suggestions.html", {"articles": articles, "lang": language})

"""Pages for saved replies (/macros/) and the reply form's picker. Thin: the rules are in
actions and queries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.conversations.access import access_conversation
from klient.core.pages import render_agent_page

from . import actions
from .forms import MacroForm
from .models import Macro
from .placeholders import VALUES
from .queries import may_edit, usable_macro, usable_macros


@login_required
def macro_list(request: HttpRequest) -> HttpResponse:
    macros = [(macro, may_edit(request.user, macro)) for macro in usable_macros(request.user)]
    return render_agent_page(request, "macros/list.html", {"macros": macros})


def _editable(request: HttpRequest, macro_id: int) -> Macro:
    macro = usable_macro(request.user, macro_id)
    if not may_edit(request.user, macro):
        raise PermissionDenied(_("Only its owner or an administrator may change this macro."))
    return macro


@login_required
def macro_edit(request: HttpRequest, macro_id: int | None = None) -> HttpResponse:
    macro = _editable(request, macro_id) if macro_id is not None else None
    if request.method != "POST":
        form = MacroForm.for_macro(macro) if macro else MacroForm()
    else:
        form = MacroForm(request.POST)
        if form.is_valid():
            try:
                actions.save_macro(
                    actor=request.user,
                    macro=macro,
                    name=form.cleaned_data["name"],
                    texts=form.texts(),
                    default_language=form.cleaned_data["default_language"],
                    shared=form.cleaned_data["shared"],
                    team=form.cleaned_data["team"],
                    set_status=form.cleaned_data["set_status"],
                    add_tags=form.tags(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved reply saved."))
                return redirect("macros:list")
    context = {"form": form, "macro": macro, "placeholders": list(VALUES)}
    return render_agent_page(
        request, "macros/edit.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    actions.delete_macro(_editable(request, macro_id), actor=request.user)
    messages.success(request, _("Saved reply deleted."))
    return redirect("macros:list")


@login_required
@require_POST
def macro_use(request: HttpRequest) -> HttpResponse:
    """htmx: the chosen macro's text for the conversation, for the page to insert into
    the reply box (and its status to preselect)."""
    conversation = access_conversation(request.user, request.POST.get("conversation", ""))
    try:
        macro = usable_macro(request.user, int(request.POST.get("macro") or 0))
    except ValueError:
        raise Http404("No such saved reply.") from None
    text, language = actions.use_macro(macro, conversation, actor=request.user)
    context = {"macro": macro, "text": text, "language": language}
    return render_agent_page(request, "macros/_inserted.html", context)

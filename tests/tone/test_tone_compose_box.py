"""The tone guard in the workspace: while the agent writes, the compose box shows each
finding's words, category, why and a warmer wording, with a Dismiss button; a dismissal is
counted per rule and category on the administrators' tone page, where they add their own
rules, effective at once."""

import re

from django.urls import reverse

from klient.core.models import Event
from klient.tone.models import ToneDismissal, ToneRule

DRAFT = "Bonjour Luc, comme je vous l'ai déjà dit, le remboursement prend cinq jours."


def check_url(conversation):
    return reverse("workspace:reply_check", args=[conversation.reference])


def dismiss_url(conversation):
    return reverse("tone:dismiss", args=[conversation.reference])


def test_the_compose_box_shows_the_words_category_reason_and_warmer_wording(anna_client, luc):
    response = anna_client.post(check_url(luc), {"body": DRAFT}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<q>comme je vous l&#x27;ai déjà dit</q>" in html
    assert '<span class="finding-category">Passive-aggressive</span>' in html
    assert "Rappeler au client qu&#x27;on l&#x27;a déjà dit sonne comme un reproche." in html
    assert "Perhaps: Pour résumer : …" in html
    button = re.search(r'<button type="button" class="finding-dismiss"[^>]*>', html).group(0)
    assert f'hx-post="{dismiss_url(luc)}"' in button
    start = DRAFT.index("comme")
    assert f"&quot;start&quot;: &quot;{start}&quot;" in button or f'"start": "{start}"' in button


def test_the_category_is_named_in_the_agents_language(anna_client, luc):
    response = anna_client.post(check_url(luc), {"body": DRAFT}, headers={"accept-language": "de"})

    assert "Passiv-aggressiv" in response.content.decode()


def test_a_dismissed_finding_is_counted_and_no_longer_shown_to_her(anna_client, luc):
    start = DRAFT.index("comme")
    end = start + len("comme je vous l'ai déjà dit")

    response = anna_client.post(
        dismiss_url(luc),
        {"body": DRAFT, "start": start, "end": end, "category": "passive_aggressive"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "finding-dismiss" not in response.content.decode()
    dismissal = ToneDismissal.objects.get()
    assert (dismissal.rule, dismissal.category, dismissal.language) == (
        "fr.passive_aggressive.comme_je_l_ai_dit",
        "passive_aggressive",
        "fr",
    )
    assert Event.objects.filter(kind="tone.finding_dismissed", conversation=luc).count() == 1
    again = anna_client.post(check_url(luc), {"body": DRAFT + " Bonne journée."})
    assert again.content.decode().strip() == ""


def test_a_dismissal_for_a_finding_that_is_not_there_counts_nothing(anna_client, luc):
    anna_client.post(
        dismiss_url(luc), {"body": "Bonjour.", "start": 0, "end": 3, "category": "blaming"}
    )

    assert not ToneDismissal.objects.exists()


def test_only_agents_who_see_the_conversation_can_dismiss(bruno_client, luc):
    response = bruno_client.post(
        dismiss_url(luc), {"body": DRAFT, "start": 13, "end": 40, "category": "blaming"}
    )

    assert response.status_code == 404


def test_an_administrators_rule_is_effective_at_once_and_dismissals_are_on_her_page(
    zofia_client, anna_client, luc
):
    page = zofia_client.get(reverse("tone:settings"))
    assert page.status_code == 200
    assert "Tone guard" in page.content.decode()

    response = zofia_client.post(
        reverse("tone:settings"),
        {
            "language": "fr",
            "category": "dismissive",
            "phrase": "selon   notre politique",
            "reason": "Invoquer la politique ferme la discussion.",
            "suggestion": "Voici ce que nous pouvons faire : …",
        },
    )
    assert response.status_code == 302
    rule = ToneRule.objects.get()

    draft = "Bonjour, selon notre politique, aucun échange."
    html = anna_client.post(check_url(luc), {"body": draft}).content.decode()
    assert "<q>selon notre politique</q>" in html
    assert "Invoquer la politique ferme la discussion." in html

    anna_client.post(
        dismiss_url(luc),
        {
            "body": draft,
            "start": 9,
            "end": 9 + len("selon notre politique"),
            "category": "dismissive",
        },
    )
    settings_page = zofia_client.get(reverse("tone:settings")).content.decode()
    assert f"<code>admin.{rule.pk}</code>" in settings_page
    assert "Dismissive: 1" in settings_page

    zofia_client.post(reverse("tone:switch_rule", args=[rule.pk]), {"active": "0"})
    other = "Bonjour Luc, selon notre politique, non."
    assert anna_client.post(check_url(luc), {"body": other}).content.decode().strip() == ""


def test_a_rule_of_one_letter_is_refused(zofia_client):
    response = zofia_client.post(
        reverse("tone:settings"),
        {"language": "en", "category": "blaming", "phrase": "a", "reason": "r", "suggestion": "s"},
    )

    assert response.status_code == 422
    assert not ToneRule.objects.exists()


def test_agents_who_are_not_administrators_cannot_change_the_rules(anna_client):
    assert anna_client.get(reverse("tone:settings")).status_code == 403

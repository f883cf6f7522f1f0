"""Automatic replies told from people by what they say (issue 13 item 2): the wording score
in five languages, its properties, and the hand-written labelled set's targets."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klient.mail import auto_rules as rules
from klient.mail.classify import classify, score_wording
from klient.mail.parsing import parse

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mail_accuracy_automatic.py"


@functools.cache
def labelled():
    """bench/mail_accuracy_automatic.py: the set's reader and scorer, shared with the bench."""
    spec = importlib.util.spec_from_file_location("mail_accuracy_automatic", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def read(subject: str, body: str, headers: str = ""):
    raw = (
        f"From: Someone <someone@mail.example>\r\nSubject: {subject}\r\n{headers}"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    )
    return classify(parse(raw.encode("utf-8")))


AUTOMATIC = [
    ("en", "Re: Refund", "I am on annual leave and will be back on 3 June. For urgent matters "
     "please contact my colleague Sarah."),
    ("en", "Re: Order", "This mailbox is not monitored. Please do not reply to this email."),
    ("fr", "Re: Commande", "Je suis en congés jusqu'au 3 juin. Votre message ne sera pas "
     "transféré. En cas d'urgence, contactez Sophie."),
    ("fr", "Accusé de réception", "Ceci est un message automatique : nous avons bien reçu votre "
     "demande."),
    ("pl", "Odp: Zamówienie", "Jestem na urlopie, wracam 3 czerwca. W pilnych sprawach proszę "
     "pisać do p. Anny."),
    ("pl", "Odp: Faktura", "Pani Katarzyna nie pracuje już w firmie. Prosimy o kontakt z biurem."),
    ("de", "AW: Bestellung", "Ich bin bis zum 3. Juni im Urlaub. Ihre Nachricht wird nicht "
     "weitergeleitet."),
    ("de", "AW: Rechnung", "Dieses Postfach wird nicht überwacht. Bitte antworten Sie nicht."),
    ("uk", "Відп: Замовлення", "Я у відпустці й повернуся 3 червня. З термінових питань "
     "звертайтеся до Олени."),
    ("uk", "Відп: Рахунок", "Це автоматичне повідомлення. Ми отримали ваш лист."),
]  # fmt: skip
HUMAN = [
    ("en", "Re: Order", "I am away next week, could you deliver on Monday instead?"),
    ("en", "Fwd: Automatic reply: Invoice", "Who else can I ask? Your colleague is away.\n\n"
     "---------- Forwarded message ---------\nI am out of the office until Monday."),
    ("fr", "Re: Commande", "Je suis absent la semaine prochaine, pouvez-vous livrer lundi ?"),
    ("fr", "TR: Réponse automatique : Facture", "Qui d'autre puis-je contacter ?\n\n"
     "-------- Message transféré --------\nJe suis absent du bureau jusqu'à lundi."),
    ("pl", "Odp: Zamówienie", "Byłem na urlopie i dopiero teraz widzę wiadomość. Proszę zamknąć "
     "konto."),
    ("pl", "PD: Automatyczna odpowiedź: Faktura", "Z kim mogę się skontaktować?\n\n"
     "---------- Przekazana wiadomość ---------\nJestem poza biurem."),
    ("de", "AW: Bestellung", "Ich war krankgeschrieben. Wann kommt die Erstattung?"),
    ("de", "WG: Abwesenheitsnotiz: Lieferung", "Wer kann mir sonst helfen?\n\n"
     "Anfang der weitergeleiteten Nachricht:\nIch bin derzeit nicht im Büro."),
    ("uk", "Відп: Замовлення", "Я був у відпустці й лише зараз побачив лист. Закрийте рахунок."),
    ("uk", "Пересл: Автоматична відповідь: Рахунок", "До кого ще звернутися?\n\n"
     "---------- Переслане повідомлення ---------\nЯ не в офісі до понеділка."),
]  # fmt: skip


@pytest.mark.parametrize(("language", "subject", "body"), AUTOMATIC)
def test_a_headerless_automatic_reply_is_read_from_its_wording(language, subject, body):
    result = read(subject, body)
    assert result.auto_reply, (language, result.auto_score, result.auto_reasons)
    assert result.auto_score >= rules.THRESHOLD


@pytest.mark.parametrize(("language", "subject", "body"), HUMAN)
def test_a_person_writing_about_absence_or_forwarding_a_notice_is_a_person(language, subject, body):
    result = read(subject, body)
    assert not result.auto_reply and not result.bounce, (language, result.auto_reasons)


def test_a_forwarded_auto_reply_with_a_question_names_why_it_is_a_persons():
    result = read(*HUMAN[1][1:])
    assert {"forward", "question", "quoted"} <= set(result.auto_reasons)


def test_a_delivery_failure_written_as_text_is_a_bounce_without_report_or_daemon():
    result = read(
        "Re: Parcel",
        "Delivery has failed to these recipients or groups: orders@old.example\n"
        "The email address you entered couldn't be found.",
        "Return-Path: <>\r\n",
    )
    assert result.bounce and not result.auto_reply
    assert "delivery_failure" in result.auto_reasons


def test_a_header_decides_with_score_one_and_keeps_the_wording_signals():
    result = read("Re: Order", "I am out of the office.", "Auto-Submitted: auto-replied\r\n")
    assert result.auto_reply
    assert result.auto_score == 1.0
    assert result.auto_reasons[0] == "header"
    assert "absence" in result.auto_reasons


def test_every_signal_has_a_label_for_agents():
    from klient.mail.auto_labels import LABELS

    codes = {signal.code for signal in rules.SIGNALS}
    codes |= {rules.SUBJECT_CODE, rules.HEADER_HINT_CODE, rules.NO_QUESTION_CODE}
    codes |= {rules.QUESTION_CODE, rules.FORWARD_CODE, rules.QUOTED_CODE}
    assert codes | {"header", "delivery_report"} <= set(LABELS)


def test_a_plain_customer_message_scores_zero():
    result = read("Order 4471", "Hello, my order has not arrived. Where is it?")
    assert result.auto_score == 0.0
    assert result.auto_reasons == ("question", "customer_voice")


@pytest.mark.parametrize(
    ("code", "phrase"),
    [(signal.code, phrase) for signal in rules.SIGNALS for phrase in signal.phrases],
)
def test_every_phrase_is_found_in_a_sentence(code, phrase):
    """Each phrase reaches its signal through the word index (no phrase is unreachable)."""
    assert "?" not in phrase  # the question signal's own mark: adding a phrase never lowers
    text = "Hello. " + phrase.replace(" … ", " bis zum 3. Juni ") + " today."
    assert code in score_wording("Hello", text).codes


def test_the_rule_writing_part_meets_the_targets_in_every_language():
    bench = labelled()
    for language, figures in bench.evaluate(bench.load_items("rules")).items():
        assert figures.items >= 40, language
        assert figures.recall >= 0.95, (language, figures.missed)
        assert figures.precision >= 0.99, (language, figures.false_alarms)


def test_the_held_out_part_keeps_its_measured_floors():
    """Batches 6-12 (`=== held`) were each written before the rules that followed them and
    read once (docs/performance.md gives every first reading). Rules were then written from
    batches 6-10; batch 11 is untouched since its reading and batch 12 (fourth round) was
    read once after the last rule. On this unseen mail the issue's target is not met (batch
    12: recall 35-60 %, no person taken for a robot; batch 11: 0-2 of 12 people per language
    taken for robots, all announcing their own absence with a date and a colleague): the
    floors are today's figures on the whole held-out part, guarded so that they do not fall."""
    bench = labelled()
    precision = {"en": 0.979, "fr": 0.989, "pl": 0.989, "de": 1.0, "uk": 0.979}
    recall = {"en": 0.815, "fr": 0.806, "pl": 0.789, "de": 0.773, "uk": 0.84}
    for language, figures in bench.evaluate(bench.load_items("held-out")).items():
        assert figures.items >= 189, language
        assert figures.automatic >= 119, language
        assert figures.precision >= precision[language], (language, figures.false_alarms)
        assert figures.recall >= recall[language], (language, figures.missed)


def test_a_fresh_batch_is_read_on_its_own_line():
    """`--batch N` reads one tagged batch: batch 12 holds 20 automatic items and 12 near
    misses per language."""
    bench = labelled()
    for language, figures in bench.evaluate(bench.load_items("all", batch=12)).items():
        assert (figures.items, figures.automatic) == (32, 20), language


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Re: Order", "I'm away at a conference and back on Thursday 12th. If it can't wait, "
         "my colleague Ana can help."),
        ("RE: Commande", "Je suis en congé parental jusqu'au 3 mars. Vos messages ne seront pas "
         "transférés."),
        ("Odp: Zamówienie", "Przebywam na urlopie macierzyńskim do 30 września. W sprawach "
         "bieżących proszę kontaktować się z biurem."),
        ("AW: Bestellung", "Ich bin bis zum 9. Mai in Elternzeit. In dringenden Fällen wenden "
         "Sie sich bitte an meine Kollegin Frau Roth."),
        ("Відп: Замовлення", "Я у відпустці по догляду за дитиною до 1 червня. З термінових "
         "питань звертайтеся до моєї колеги."),
        ("New request", "Thank you for contacting us. Your request (ref 551203) has been "
         "received; one of our advisors will reply within 2 working days."),
    ],
)  # fmt: skip
def test_new_phrasings_of_the_notions_read_as_automatic(subject, text):
    assert score_wording(subject, text).automatic


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Re: Undeliverable: Order 4471", "Your email bounced, but my address works. "
         "It is anna.kowalska, not anna.kowalsk."),
        ("Odp: Niedostarczalne", "Wasza wiadomość wróciła jako niedostarczalna, a mój adres "
         "działa. Proszę poprawić literówkę w adresie."),
        ("Re: Your order", "I'm on maternity leave until June myself, so please deliver "
         "any weekday."),
        ("AW: Lieferung", "Ich bin bis zum 14. im Urlaub. Bitte liefern Sie erst danach."),
    ],
)  # fmt: skip
def test_a_person_replying_to_a_notice_or_telling_of_their_leave_is_not_automatic(subject, text):
    assert not score_wording(subject, text).automatic


def test_the_labelled_set_is_large_enough_with_a_third_near_misses():
    items = labelled().load_items("all")
    for language in ("en", "fr", "pl", "de", "uk"):
        mine = [item for item in items if item.language == language]
        assert len(mine) >= 60
        assert sum(not item.automatic for item in mine) * 3 >= len(mine)
        assert any(item.held_out for item in mine)


PHRASES = [phrase for signal in rules.SIGNALS for phrase in signal.phrases]
FILLER = ["hello", "order", "4471", "thank you", "monday", "paczka", "commande", "bitte", "лист"]
bodies = st.lists(st.sampled_from(PHRASES + FILLER), max_size=12).map(" ".join)
subjects = st.sampled_from(
    ["Order 4471", "Re: Order", "Automatic reply: Order", "Odp: Zamówienie",
     "Réponse automatique : Facture", "Thank you for contacting us", "AW: Rechnung", ""]
)  # fmt: skip


@given(subject=subjects, body=bodies)
def test_a_question_and_a_forward_prefix_never_make_a_persons_message_automatic(subject, body):
    before = score_wording(subject, body)
    after = score_wording(f"Fwd: {subject}", "Could you tell me where my order is?\n" + body)
    assert after.score <= before.score
    if not before.automatic:
        assert not after.automatic


@given(subject=subjects, body=bodies, added=st.sampled_from(PHRASES))
def test_the_score_never_drops_when_an_automatic_signal_is_added(subject, body, added):
    assert score_wording(subject, f"{body} {added}").score >= score_wording(subject, body).score


@given(subject=subjects, body=bodies)
def test_the_score_is_between_zero_and_one(subject, body):
    assert 0.0 <= score_wording(subject, body).score <= 1.0


def test_the_timeline_shows_agents_why_a_message_reads_as_automatic(
    anna_client, support_team, receive
):
    from django.urls import reverse

    first = receive(support_team, "ola@klientka.pl", "Faktura", "Proszę o fakturę.")
    receive(
        support_team,
        "ola@klientka.pl",
        "Odp: Faktura",
        "Jestem na urlopie, wracam 3 czerwca. W pilnych sprawach proszę pisać do p. Anny.",
        conversation=first.conversation,
        is_auto_reply=True,
        auto_score=0.9,
        auto_reasons=("absence", "return_date", "stand_in", "no_question"),
    )
    url = reverse("workspace:conversation", args=[first.conversation.reference])

    page = anna_client.get(url).content.decode()
    assert "Read as automatic because of:" in page
    assert "out-of-office wording, a stated return, a named stand-in, no question asked" in page
    polish = anna_client.get(url, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Uznano za automatyczną z powodu: treść o nieobecności, podaną datę powrotu" in polish


DESK_LINE = "##- Please type your reply above this line -##"


def test_a_help_desk_notification_starting_with_its_reply_line_is_automatic():
    body = f"{DESK_LINE}\n\nYour request (58812) has been received and is being reviewed."
    result = read("[Brightkettle Support] Re: Kettle lid", body)
    assert result.auto_reply
    assert "reply_line" in result.auto_reasons


def test_a_customer_typing_above_the_desk_line_is_a_person():
    body = (
        f"The new hinge snapped again after two days.\n\n{DESK_LINE}\n\n"
        "Your request (58812) has been received and is being reviewed by our support staff."
    )
    result = read("Re: [Brightkettle Support] Re: Kettle lid", body)
    assert not result.auto_reply
    assert "quoted" in result.auto_reasons


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Re: Uniforms", "The school office is closed for half-term next week, so the invoice "
         "will only be looked at after 3 November."),
        ("RE: Livraison", "Nos bureaux seront fermés du 24 décembre au 2 janvier, il faut donc "
         "livrer le 23 au plus tard."),
    ],
)  # fmt: skip
def test_one_notion_alone_does_not_make_a_robot(subject, text):
    result = score_wording(subject, text)
    assert not result.automatic
    assert "no_question" not in result.codes


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Re: Automatic reply: Urgent order", "Got your automated reply, fine, but this order is "
         "urgent and the fridge still hasn't been delivered."),
        ("Re: Claim", "Your reply came from an address that cannot accept incoming email. My "
         "claim has been logged under reference CS-772104 since May."),
        ("Odp: Umowa", "Tata przeszedł na emeryturę z końcem marca i umowa jest teraz na mnie."),
    ],
)  # fmt: skip
def test_a_customer_speaking_of_their_own_case_or_a_notice_is_a_person(subject, text):
    result = score_wording(subject, text)
    assert not result.automatic
    assert {"customer_voice", "answers_notice"} & set(result.codes)


def test_a_no_reply_sender_is_a_header_hint():
    raw = (
        "From: Swiftpost <no-reply@notify.swiftpost.example>\r\nSubject: Your parcel\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Replies to it go nowhere, so please use the help centre.\r\n"
    )
    result = classify(parse(raw.encode("utf-8")))
    assert result.auto_reply
    assert "header_hint" in result.auto_reasons
    assert any(reason.startswith("from no-reply@") for reason in result.reasons)

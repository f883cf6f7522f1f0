"""The tone guard through the API: POST /api/v1/insights/tone answers exactly
{"language", "findings": [...]}, detects the language when not given, and the same
findings come with check-reply and the replies endpoint; they never block a reply."""

from klient.conversations.models import Message

URL = "/api/v1/insights/tone"


def test_the_tone_of_a_text_is_checked(api, agent_anna):
    text = "Hello Luc, as I already told you, the refund takes five days."

    response = api(agent_anna, "post", URL, {"text": text, "language": "en"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"language", "findings"}
    assert body["language"] == "en"
    (finding,) = body["findings"]
    assert set(finding) == {"category", "start", "end", "quote", "reason", "suggestion"}
    assert finding["category"] == "passive_aggressive"
    assert finding["quote"] == "as I already told you"
    assert text[finding["start"] : finding["end"]] == finding["quote"]
    assert finding["suggestion"]


def test_the_language_is_detected_when_not_given(api, agent_anna):
    text = "Dzień dobry, jak już mówiłem, zwrot trwa pięć dni roboczych. Pozdrawiam serdecznie."

    body = api(agent_anna, "post", URL, {"text": text}).json()

    assert body["language"] == "pl"
    assert [f["category"] for f in body["findings"]] == ["passive_aggressive"]


def test_a_text_in_no_known_language_has_no_findings(api, agent_anna):
    body = api(agent_anna, "post", URL, {"text": "ok"}).json()

    assert body == {"language": "", "findings": []}


def test_a_neutral_text_has_no_findings(api, agent_anna):
    text = "As discussed, if you have already paid, please disregard this message."

    body = api(agent_anna, "post", URL, {"text": text, "language": "en"}).json()

    assert body == {"language": "en", "findings": []}


def test_an_unknown_language_or_field_is_refused(api, agent_anna):
    assert api(agent_anna, "post", URL, {"text": "x", "language": "ru"}).status_code == 422
    assert api(agent_anna, "post", URL, {"text": "x", "tone": "soft"}).status_code == 422


def test_the_tone_check_needs_a_token(client, db):
    response = client.post(URL, data="{}", content_type="application/json")

    assert response.status_code == 401


def test_check_reply_carries_the_tone_findings(api, agent_anna, luc):
    body = "Bonjour, comme je vous l'ai déjà dit, le remboursement prend cinq jours."

    response = api(
        agent_anna, "post", f"/api/v1/conversations/{luc.reference}/check-reply", {"body": body}
    )

    (finding,) = response.json()["findings"]
    assert finding["check"] == "tone"
    assert finding["category"] == "passive_aggressive"
    assert finding["excerpt"] == "comme je vous l'ai déjà dit"
    assert body[finding["start"] : finding["end"]] == finding["excerpt"]
    tone = api(agent_anna, "post", URL, {"text": body}).json()["findings"][0]
    assert (tone["start"], tone["end"], tone["reason"], tone["suggestion"]) == (
        finding["start"],
        finding["end"],
        finding["message"],
        finding["suggestion"],
    )


def test_a_reply_is_sent_with_its_tone_findings_never_blocked(api, agent_anna, luc):
    body = "Bonjour, ce n'est pas notre problème."

    response = api(
        agent_anna, "post", f"/api/v1/conversations/{luc.reference}/replies", {"body": body}
    )

    assert response.status_code == 201
    assert [f["category"] for f in response.json()["findings"]] == ["dismissive"]
    assert Message.objects.get(conversation=luc, kind=Message.Kind.OUTBOUND).body_text == body

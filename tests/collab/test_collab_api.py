"""The API: ask, list mine, answer, follow-up; 404 outside the caller's scope."""

from __future__ import annotations

from klient.collab.models import ColleagueRequest, FollowUp


def test_ask_list_and_answer_through_the_api(call, invoice_question, agent_anna, agent_bruno):
    ref = invoice_question.reference
    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{ref}/colleague-requests",
        {"question": "Which invoice is valid?", "agent": "bruno@shop.example"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["asked_agent"]["email"] == "bruno@shop.example"
    assert created["customer_waiting_since"] is not None

    mine = call(agent_bruno, "get", "/api/v1/colleague-requests?mine=1").json()
    assert [r["id"] for r in mine] == [created["id"]]
    assert call(agent_anna, "get", "/api/v1/colleague-requests?mine=1").json() == []

    response = call(
        agent_bruno,
        "post",
        f"/api/v1/colleague-requests/{created['id']}/answer",
        {"answer": "FA-2291."},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "answered"
    assert call(agent_bruno, "get", "/api/v1/colleague-requests?mine=1").json() == []


def test_a_team_is_asked_by_name(call, invoice_question, agent_anna, billing_team):
    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{invoice_question.reference}/colleague-requests",
        {"question": "?", "team": "billing"},
    )
    assert response.status_code == 201
    assert ColleagueRequest.objects.get().asked_team == billing_team


def test_answering_someone_elses_request_is_refused_or_hidden(
    call, invoice_question, agent_anna, agent_bruno
):
    from klient.collab.actions import ask

    request = ask(invoice_question, actor=agent_anna, question="?", agent=agent_bruno)
    url = f"/api/v1/colleague-requests/{request.pk}/answer"

    # Anna sees it (she asked) but it is not hers to answer: 422.
    assert call(agent_anna, "post", url, {"answer": "me"}).status_code == 422
    assert ColleagueRequest.objects.get().is_open


def test_follow_up_through_the_api(call, invoice_question, agent_anna, agent_bruno):
    url = f"/api/v1/conversations/{invoice_question.reference}/follow-up"

    assert call(agent_bruno, "post", url, {"days": 3}).status_code == 404
    response = call(agent_anna, "post", url, {"days": 3})

    assert response.status_code == 201
    assert response.json()["status"] == "solved"
    assert FollowUp.objects.get().days == 3
    assert call(agent_anna, "post", url, {"days": 0}).status_code == 422

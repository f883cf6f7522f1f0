"""GET /api/v1/notifications lists the caller's own notifications only; POST
/api/v1/notifications/read marks some or all of them read."""


def test_the_api_lists_only_ones_own(api, agent_anna, agent_bruno, tell, luc):
    tell(agent_anna, "Luc is still waiting", luc)
    tell(agent_bruno, "Only for Bruno")

    response = api(agent_anna, "get", "/api/v1/notifications")

    assert response.status_code == 200
    body = response.json()
    assert [n["text"] for n in body["items"]] == ["Luc is still waiting"]
    assert body["items"][0]["conversation"] == luc.reference
    assert body["items"][0]["url"] == f"/c/{luc.reference}/"
    assert body["unread"] == 1
    assert [
        n["text"] for n in api(agent_bruno, "get", "/api/v1/notifications").json()["items"]
    ] == ["Only for Bruno"]


def test_the_unread_filter_and_marking_read(api, agent_anna, agent_bruno, tell):
    first, second, third = (tell(agent_anna, f"Note {n}") for n in range(3))
    for_bruno = tell(agent_bruno, "Only for Bruno")

    marked = api(
        agent_anna, "post", "/api/v1/notifications/read", {"ids": [first.pk, for_bruno.pk]}
    )
    assert marked.json() == {"marked": 1, "unread": 2}
    unread = api(agent_anna, "get", "/api/v1/notifications?unread=true").json()
    assert {n["id"] for n in unread["items"]} == {second.pk, third.pk}

    assert api(agent_anna, "post", "/api/v1/notifications/read", {}).json() == {
        "marked": 2,
        "unread": 0,
    }
    assert api(agent_anna, "get", "/api/v1/notifications?unread=true").json()["items"] == []
    for_bruno.refresh_from_db()
    assert for_bruno.read_at is None


def test_the_api_needs_a_token(client, db):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read").status_code == 401

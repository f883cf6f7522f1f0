"""Reading Zendesk's export (klient.importers.zendesk_format, pure Python): any line, any
ticket, and inline images pointed at their attachments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klient.importers import zendesk_format as zf

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
TICKET_KEYS = st.sampled_from(
    ["id", "status", "requester_id", "created_at", "comments", "custom_fields", "tags", "via"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=80), max_size=8))
def test_any_bytes_read_as_objects_or_reasons(tmp_path_factory, lines):
    path = Path(tmp_path_factory.mktemp("lines")) / "tickets.json"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    for line in zf.read_lines(path):
        assert (line.data is None) == bool(line.error)
        assert line.data is None or isinstance(line.data, dict)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(TICKET_KEYS | st.text(max_size=5), JSON, max_size=10))
def test_any_ticket_object_is_read_or_refused_with_a_reason(data):
    try:
        ticket = zf.ticket(data)
    except zf.Malformed as exc:
        assert str(exc)
    else:
        assert ticket.status in zf.STATUSES.values()


def ticket(**fields):
    base = {
        "id": 1,
        "status": "hold",
        "requester_id": 5,
        "created_at": "2024-01-01T10:00:00Z",
        "updated_at": "2024-01-01T09:00:00Z",
        "comments": [
            {"id": 2, "author_id": 5, "body": "second", "created_at": "2024-01-02T10:00:00Z"},
            {"id": 1, "author_id": 5, "body": "first", "created_at": "2024-01-01T10:00:00Z"},
        ],
    }
    return zf.ticket({**base, **fields})


def test_comments_in_time_order_and_updated_at_no_earlier_than_the_last():
    read = ticket()
    assert [c.body_text for c in read.comments] == ["first", "second"]
    assert read.updated_at == read.comments[-1].created_at
    assert read.status == "on_hold" and read.priority == "normal" and read.channel == "email"


@pytest.mark.parametrize(
    ("zendesk", "klient"),
    [
        ("new", "new"),
        ("open", "open"),
        ("pending", "pending"),
        ("hold", "on_hold"),
        ("solved", "solved"),
        ("closed", "closed"),
    ],
)
def test_the_status_table(zendesk, klient):
    assert ticket(status=zendesk).status == klient


def test_a_time_without_zone_or_an_unknown_status_is_refused():
    with pytest.raises(zf.Malformed, match="no time zone"):
        ticket(created_at="2024-01-01T10:00:00")
    with pytest.raises(zf.Malformed, match="unknown status 'deleted'"):
        ticket(status="deleted")


def test_fields_klient_has_no_place_for_are_named():
    read = ticket(type="incident", due_at=None, satisfaction_rating={"score": "bad"})
    assert read.unmapped == {"type": "incident", "satisfaction_rating": {"score": "bad"}}


def test_unknown_custom_field_types_become_text():
    assert zf.custom_value("checkbox", True) == (True, True)
    assert zf.custom_value("lookup", {"id": 3}) == ('{"id": 3}', False)
    assert zf.custom_value("unknown", 1.5) == ("1.5", False)


def attachment(aid: int, url: str) -> zf.Attachment:
    return zf.Attachment(aid, "a.png", url, "image/png", 4, True, (url,))


def test_an_img_of_an_attachment_points_at_it_by_content_id():
    url = "https://acme.zendesk.com/attachments/token/x/?name=a.png&b=1"
    html = f'<p>Look</p><img alt="a" src="{url.replace("&", "&amp;")}"><img src="https://else/x">'
    rewritten, shown = zf.inline_images(html, (attachment(9, url),))
    assert shown == {9}
    assert f'src="cid:{zf.content_id(9)}"' in rewritten
    assert 'src="https://else/x"' in rewritten


@given(st.text(), st.lists(st.integers(1, 10**6), max_size=3, unique=True))
def test_inline_images_change_nothing_but_known_sources(html, ids):
    attachments = tuple(attachment(i, f"https://acme.zendesk.com/a/{i}") for i in ids)
    rewritten, shown = zf.inline_images(html, attachments)
    if not shown:
        assert rewritten == html
    assert shown <= set(ids)


def test_the_written_fixture_reads_as_zendesk_objects(small_export):
    folder, expected = small_export
    lines = list(zf.read_lines(folder / "tickets.json"))
    readable = [line for line in lines if line.data is not None]
    assert len(readable) == expected.tickets  # the three malformed lines come with reasons
    assert len(lines) - len(readable) == 3
    first = json.loads((folder / "tickets.json").read_text().splitlines()[0])
    assert {"comments", "custom_fields", "requester_id", "via"} <= set(first)
    assert {"html_body", "plain_body", "public", "attachments"} <= set(first["comments"][0])

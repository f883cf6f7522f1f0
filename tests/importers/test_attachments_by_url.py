"""An export whose files were not downloaded: the importer fetches each attachment from its
content_url (here a real HTTP server on loopback), and keeps the bytes and inline images."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from klient.conversations.models import Message
from klient.core import blobs
from klient.importers.zendesk import import_export

pytestmark = pytest.mark.django_db

FILES = {"/attachments/token/abc/": bytes(range(256)) * 40, "/attachments/token/img/": b"\x89PNG"}


class Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = FILES.get(self.path.split("?")[0])
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def file_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write(folder: Path, base: str) -> None:
    folder.mkdir()
    (folder / "users.json").write_text(
        json.dumps({"id": 1, "name": "Ola", "email": "ola@example.com", "role": "end-user"}) + "\n"
    )
    image = f"{base}/attachments/token/img/?name=a.png"
    ticket = {
        "id": 77,
        "subject": "Broken parcel",
        "status": "open",
        "requester_id": 1,
        "created_at": "2024-05-01T10:00:00Z",
        "updated_at": "2024-05-01T10:00:00Z",
        "comments": [
            {
                "id": 5,
                "author_id": 1,
                "public": True,
                "body": "Photos attached",
                "html_body": f'<p>Photos attached</p><img src="{image}">',
                "created_at": "2024-05-01T10:00:00Z",
                "attachments": [
                    {
                        "id": 31,
                        "file_name": "scan.bin",
                        "content_url": f"{base}/attachments/token/abc/?name=scan.bin",
                        "content_type": "application/octet-stream",
                        "size": 10240,
                    },
                    {
                        "id": 32,
                        "file_name": "a.png",
                        "content_url": image,
                        "content_type": "image/png",
                        "size": 4,
                        "inline": True,
                    },
                    {
                        "id": 33,
                        "file_name": "lost.txt",
                        "content_url": f"{base}/attachments/token/lost/?name=lost.txt",
                        "content_type": "text/plain",
                        "size": 3,
                    },
                ],
            }
        ],
    }
    (folder / "tickets.json").write_text(json.dumps(ticket) + "\n")


def test_attachments_are_fetched_from_their_content_url(tmp_path, file_server, support_team):
    folder = tmp_path / "export"
    write(folder, file_server)

    report = import_export(folder, progress=False)

    message = Message.objects.get()
    files = {a.filename: a for a in message.attachments.all()}
    assert set(files) == {"scan.bin", "a.png"}
    assert blobs.load(files["scan.bin"].blob) == FILES["/attachments/token/abc/"]
    assert f'src="cid:{files["a.png"].content_id}"' in message.body_html
    assert report.imported == {"user": 1, "ticket": 1, "comment": 1, "attachment": 2}
    [(subject, reason)] = [(s, r) for c, s, r in report.warnings if c == "missing_attachment"]
    assert "lost.txt" in subject and "404" in reason
    assert ("missing_file", "organizations.json") in {(c, s) for c, s, _ in report.warnings}

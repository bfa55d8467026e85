"""Reading statements from a Learning Record Store: a real one (Ralph) and a fake pager.

The real LRS (``-m lrs``) is Ralph 5.1 started by the ``ralph`` fixture: statements are
POSTed to it and read back through :class:`LrsClient`, across its ``more`` pages. The
fake (``_FakeLrs``, below) is a few lines of ``http.server`` that pages a fixed list: it
checks what Ralph cannot show, such as a ``more`` link that repeats, errors and refusals.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from pydantic import SecretStr

from competency_core.importers.evidence import LrsClient, LrsError, read_xapi_lrs
from competency_core.model import CompetencyModel
from competency_core.people import EvidenceKind, Workforce
from competency_testing.lrs import RalphLrs

V = "http://adlnet.gov/expapi/verbs/"
PREFIX = "https://ladder.example.com/competencies/"


def _statements() -> list[dict[str, Any]]:
    def st(who: str, verb: str, what: str, day: int, scaled: float | None = None) -> dict[str, Any]:
        s: dict[str, Any] = {
            "actor": {"objectType": "Agent", "mbox": f"mailto:{who}@example.com"},
            "verb": {"id": V + verb},
            "object": {"objectType": "Activity", "id": what},
            "timestamp": f"2026-03-{day:02d}T10:00:00+00:00",
        }
        if scaled is not None:
            s["result"] = {"score": {"scaled": scaled}}
        return s

    return [
        st("priya.raman", "passed", PREFIX + "testing", 1, 0.75),
        st("daniel.kim", "completed", "https://sre.google/books/", 2),
        st("sofia.lindqvist", "failed", PREFIX + "testing", 3, 0.2),
        st("amara.okafor", "mastered", PREFIX + "api-design", 4, 1.0),
        st("stranger", "passed", PREFIX + "testing", 5, 0.9),
    ]


@pytest.mark.lrs
def test_statements_from_a_real_lrs(
    ralph: RalphLrs, model: CompetencyModel, workforce: Workforce
) -> None:
    ids = ralph.post_statements(_statements())
    assert len(ids) == 5
    client = LrsClient(ralph.endpoint, username=ralph.username, password=SecretStr(ralph.password))
    read = list(client.statements())
    assert sorted(s["id"] for s in read) == sorted(ids)  # three pages of two

    result = read_xapi_lrs(client, model, workforce.people, activity_prefix=PREFIX)
    got = {(e.person, e.competency or e.resource): e for e in result.evidence}
    assert set(got) == {
        ("priya-raman", "testing"),
        ("daniel-kim", "sre-book"),
        ("amara-okafor", "api-design"),
    }
    testing = got["priya-raman", "testing"]
    assert (testing.kind, testing.level, testing.date) == (
        EvidenceKind.XAPI,
        4,
        dt.date(2026, 3, 1),
    )
    assert testing.asserted_by == ralph.authority["name"]  # the LRS sets the authority
    assert testing.identifier in ids
    assert testing.source == f"xapi:{ralph.endpoint}"
    assert got["daniel-kim", "sre-book"].kind is EvidenceKind.COURSE
    assert sorted(s.reason.split(":")[0] for s in result.skipped) == [
        "no person of the workforce is the actor (mbox 'mailto",
        "verb 'http",
    ]

    # since: after everything was stored, nothing is new
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    assert list(client.statements(since=later)) == []

    wrong = LrsClient(ralph.endpoint, username=ralph.username, password=SecretStr("wrong"))
    with pytest.raises(LrsError, match="refused the credentials") as caught:
        list(wrong.statements())
    assert ralph.password not in str(caught.value)


# -- a fake LRS that pages a fixed list (not an LRS: the cases a real one will not show) --


class _FakeLrs:
    """Serves ``statements`` ``page`` at a time under /xAPI/statements, with ``more`` links."""

    def __init__(self, statements: list[dict[str, Any]], page: int = 2) -> None:
        self.statements = statements
        self.page = page
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.status = 200
        self.body: bytes | None = None
        self.loop = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.requests.append((self.path, dict(self.headers)))
                if (
                    self.headers.get("Authorization")
                    != "Basic " + base64.b64encode(b"reader:s3cret").decode()
                ):
                    self.send_response(401)
                    self.end_headers()
                    return
                if fake.status != 200 or fake.body is not None:
                    self.send_response(fake.status)
                    self.end_headers()
                    self.wfile.write(fake.body or b"upstream trouble")
                    return
                query = parse_qs(urlsplit(self.path).query)
                start = int(query.get("from", ["0"])[0])
                chunk = fake.statements[start : start + fake.page]
                nxt = start + fake.page
                more = ""
                if fake.loop:
                    more = "/xAPI/statements?from=0"
                elif nxt < len(fake.statements):
                    more = f"/xAPI/statements?from={nxt}"
                data = json.dumps({"statements": chunk, "more": more}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI"


@pytest.fixture
def fake_lrs() -> Iterator[_FakeLrs]:
    statements = [
        dict(s, id=f"00000000-0000-4000-8000-{i:012d}") for i, s in enumerate(_statements())
    ]
    fake = _FakeLrs(statements)
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _client(fake: _FakeLrs, password: str = "s3cret", **kw: Any) -> LrsClient:
    return LrsClient(fake.endpoint, username="reader", password=SecretStr(password), **kw)


def test_pages_headers_and_query(fake_lrs: _FakeLrs) -> None:
    since = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    read = list(
        _client(fake_lrs, version="2.0.0").statements(since=since, until=dt.date(2026, 4, 1))
    )
    assert [s["id"][-1] for s in read] == ["0", "1", "2", "3", "4"]
    assert len(fake_lrs.requests) == 3
    first_path, headers = fake_lrs.requests[0]
    assert headers["X-Experience-API-Version"] == "2.0.0"
    query = parse_qs(urlsplit(first_path).query)
    assert query["since"] == ["2026-03-01T12:00:00+00:00"]
    assert query["until"] == ["2026-04-01T00:00:00+00:00"]
    assert [urlsplit(p).query for p, _ in fake_lrs.requests[1:]] == ["from=2", "from=4"]


def test_a_session_from_the_caller(fake_lrs: _FakeLrs) -> None:
    session = requests.Session()
    session.headers["User-Agent"] = "competency-test"
    assert len(list(_client(fake_lrs, session=session).statements())) == 5
    assert all(h["User-Agent"] == "competency-test" for _, h in fake_lrs.requests)


def test_errors_name_the_lrs_never_the_password(fake_lrs: _FakeLrs) -> None:
    with pytest.raises(LrsError, match="refused the credentials") as refused:
        list(_client(fake_lrs, password="not-it").statements())
    assert "not-it" not in str(refused.value)
    fake_lrs.status = 500
    with pytest.raises(LrsError, match=r"HTTP 500 .* upstream trouble"):
        list(_client(fake_lrs).statements())
    fake_lrs.status, fake_lrs.body = 200, b"<html>a login page</html>"
    with pytest.raises(LrsError, match="other than JSON"):
        list(_client(fake_lrs).statements())
    fake_lrs.body = b'{"hello": "world"}'
    with pytest.raises(LrsError, match="StatementResult"):
        list(_client(fake_lrs).statements())
    fake_lrs.body, fake_lrs.loop = None, True
    with pytest.raises(LrsError, match="same 'more' link twice"):
        list(_client(fake_lrs).statements())


def test_unreachable_and_bad_endpoints() -> None:
    from competency_testing.postgres import free_port

    port = free_port()
    with pytest.raises(LrsError, match="cannot reach the LRS"):
        list(LrsClient(f"http://127.0.0.1:{port}/xAPI/", timeout=2).statements())
    with pytest.raises(LrsError, match="not an http"):
        LrsClient("ftp://lrs.example.com/")
    with pytest.raises(LrsError, match="no user or password in the LRS URL") as caught:
        LrsClient("https://reader:hunter2@lrs.example.com/xAPI/")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(LrsError, match="both a user and a password"):
        LrsClient("https://lrs.example.com/xAPI/", username="reader")
    with pytest.raises(LrsError, match="version"):
        LrsClient("https://lrs.example.com/xAPI/", version="0.95")
    client = LrsClient("https://lrs.example.com/xAPI", username="u", password=SecretStr("hunter2"))
    assert "hunter2" not in repr(client)
    assert "hunter2" not in str(vars(client))

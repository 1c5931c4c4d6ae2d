"""Introductions, double opt-in: the service's states, the pages and the API; who may do what;
contacts and confidential details shown exactly while an introduction is accepted."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.models import (
    ORG_CLASSES,
    AuditEvent,
    AuditParty,
    FundingNeed,
    Interaction,
    Introduction,
    IntroMessage,
    Notification,
    Organization,
    User,
)
from marketplace.models.enums import AuditSubject, InteractionAction, IntroStatus, InvestorKind, NeedStatus, OrgKind
from marketplace.services import intros, needs
from marketplace.services.passwords import hash_password
from marketplace.services.audit import Actor
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, field_errors, log_in, submit
from tests.test_needs import bearer, need_body

WRITE_ROUTES = [
    "/intros/needs/<int:need_id>",
    "/intros/<int:intro_id>/accept",
    "/intros/<int:intro_id>/decline",
    "/intros/<int:intro_id>/withdraw",
    "/intros/<int:intro_id>/messages",
    "/api/v1/needs/<int:need_id>/intros",
    "/api/v1/intros/<int:intro_id>/accept",
    "/api/v1/intros/<int:intro_id>/decline",
    "/api/v1/intros/<int:intro_id>/withdraw",
    "/api/v1/intros/<int:intro_id>/messages",
]
EN = {"Accept-Language": "en"}
WEBSITE = "https://deepblue-chips.example.cn"
FOUNDER = "founder@deepblue.example.org"
VC = "partner@vc.example.org"
FIGURES = {"revenue_last_year": 7_654_321, "monthly_burn": 1_234_567, "runway_months": 43}
FIGURE_TEXTS = ("7654321", "7,654,321", "765.43", "7.65M", "1234567", "1,234,567", "123.46", "1.23M", "43 months")
PDF = b"%PDF-1.7\n% intro deck\n%%EOF\n"


@dataclass
class World:
    need_id: int
    startup: int
    investor: int
    emails: dict[str, str]  # role name -> email

    def org(self, run_in: Any, who: str) -> int:
        email = self.emails[who]
        return run_in(lambda s: s.scalar(sa.select(User.organization_id).where(User.email == email)))


PEOPLE = {  # who: (kind, email, organization)
    "startup": (OrgKind.STARTUP, FOUNDER, "深蓝芯片"),
    "investor": (OrgKind.INVESTOR, VC, "张江早期基金"),
    "investor2": (OrgKind.INVESTOR, "other@vc2.example.org", "浦东天使"),
    "bank": (OrgKind.BANK, "loans@bank.example.org", "科创银行"),
    "incubator": (OrgKind.INCUBATOR, "desk@incubator.example.org", "张江孵化器"),
    "outsider": (OrgKind.STARTUP, "ceo@outsider.example.org", "别家科技"),
    "operator": (OrgKind.OPERATOR, "op@park.example.org", "张江园区管理"),
}


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def add_people(session, people: dict[str, tuple[OrgKind, str, str]]) -> dict[str, str]:
    """Organizations with one user each, sharing one password hash (hashing is slow on purpose)."""
    for kind, email, name in people.values():
        extra = {"investor_kind": InvestorKind.VC} if kind == OrgKind.INVESTOR else {}
        org = ORG_CLASSES[kind](name=name, **extra)
        session.add(User(email=email, password_hash=password_hash(), organization=org))
    session.commit()
    return {who: email for who, (_, email, _) in people.items()}


@pytest.fixture
def world(app, run_in, tmp_path) -> World:
    """A startup with an open need (confidential figures, a deck, a website), and one user of each
    other kind: two investors, a bank, an incubator, another startup, a park operator."""
    app.instance_path = str(tmp_path / "instance")
    emails = run_in(lambda s: add_people(s, PEOPLE))

    def build(s):
        startup = s.scalar(sa.select(User).where(User.email == FOUNDER)).organization
        startup.website = WEBSITE
        body = {**need_body(**FIGURES), "status": NeedStatus.OPEN, "deadline": None}
        need = needs.create(s, startup.id, body)
        folder = needs.uploads_folder(app.instance_path)
        needs.attach_deck(s, startup.id, need.id, io.BytesIO(PDF), "deck.pdf", folder)
        investor = s.scalar(sa.select(User).where(User.email == VC)).organization_id
        return need.id, startup.id, investor

    need_id, startup, investor = run_in(build)
    return World(need_id, startup, investor, emails)


def actor(run_in, email: str) -> Actor:
    return run_in(lambda s: (lambda u: Actor(u.organization_id, u.id))(
        s.scalar(sa.select(User).where(User.email == email))))


def ask(run_in, world: World, who: str = "investor", message: str = "We lead A rounds in chips.") -> int:
    return run_in(lambda s: intros.request(s, actor(run_in, world.emails[who]), world.need_id, message).id)


def do(run_in, world: World, change, who: str, intro_id: int) -> Any:
    return run_in(lambda s: change(s, actor(run_in, world.emails[who]), intro_id).status)


def reveals(run_in, world: World, who: str) -> bool:
    org = world.org(run_in, who)
    return run_in(lambda s: intros.reveals(s, s.get(FundingNeed, world.need_id), org))


def rows(run_in, model, *where) -> list[Any]:
    return run_in(lambda s: list(s.scalars(sa.select(model).where(*where))))


# --- The service ---------------------------------------------------------------------------------

def test_request_accept_talk_withdraw_and_ask_again(run_in, world):
    intro_id = ask(run_in, world)
    assert not reveals(run_in, world, "investor")
    [note] = rows(run_in, Notification, Notification.kind == "intro_requested")
    assert note.user_id == run_in(lambda s: s.scalar(sa.select(User.id).where(User.email == FOUNDER)))
    title = need_body()["title"]
    assert note.link == f"/intros/{intro_id}"
    assert note.params["need"] == {"zh_Hans": title, "en": title}  # no English title: the title in both

    assert do(run_in, world, intros.accept, "startup", intro_id) == IntroStatus.ACCEPTED
    assert reveals(run_in, world, "investor") and reveals(run_in, world, "startup")
    assert not reveals(run_in, world, "investor2") and not reveals(run_in, world, "outsider")
    [answer] = rows(run_in, Notification, Notification.kind == "intro_answered")
    assert answer.event == "accepted" and answer.params["org"]["zh_Hans"] == "深蓝芯片"

    run_in(lambda s: intros.post(s, actor(run_in, VC), intro_id, "When can we meet?"))
    run_in(lambda s: intros.post(s, actor(run_in, FOUNDER), intro_id, "Tuesday at 10."))
    thread = run_in(lambda s: [m.body for m in intros.messages(s, world.startup, intro_id).items])
    assert thread == ["When can we meet?", "Tuesday at 10."]
    assert len(rows(run_in, Notification, Notification.kind == "message")) == 2

    assert do(run_in, world, intros.withdraw, "investor", intro_id) == IntroStatus.WITHDRAWN
    assert not reveals(run_in, world, "investor")
    with pytest.raises(Conflict):
        run_in(lambda s: intros.messages(s, world.investor, intro_id))

    again = ask(run_in, world, message="Circumstances changed.")
    assert again == intro_id  # the same row, re-opened
    [row] = rows(run_in, Introduction)
    assert row.status == IntroStatus.REQUESTED and row.message == "Circumstances changed." and row.answered_at is None
    assert do(run_in, world, intros.decline, "startup", intro_id) == IntroStatus.DECLINED

    actions = run_in(lambda s: [(e.action, e.from_state, e.to_state) for e in s.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject == AuditSubject.INTRO).order_by(AuditEvent.id))])
    assert actions == [("requested", None, "requested"), ("accepted", "requested", "accepted"),
                       ("withdrawn", "accepted", "withdrawn"), ("requested", "withdrawn", "requested"),
                       ("declined", "requested", "declined")]
    parties = run_in(lambda s: set(s.scalars(sa.select(AuditParty.organization_id))))
    assert parties == {world.startup, world.investor}
    logged = run_in(lambda s: [(i.organization_id, i.action) for i in s.scalars(
        sa.select(Interaction).where(Interaction.target_id == world.need_id).order_by(Interaction.id))])
    assert logged == [(world.investor, InteractionAction.INTRO_REQUESTED),
                      (world.investor, InteractionAction.INTRO_ACCEPTED),
                      (world.investor, InteractionAction.INTRO_REQUESTED),
                      (world.investor, InteractionAction.INTRO_DECLINED)]


def test_banks_and_incubators_ask_too_and_each_requester_has_its_own_introduction(run_in, world):
    ids = {who: ask(run_in, world, who) for who in ("investor", "investor2", "bank", "incubator")}
    assert len(set(ids.values())) == 4
    do(run_in, world, intros.accept, "startup", ids["bank"])
    assert [who for who in ("investor", "investor2", "bank", "incubator") if reveals(run_in, world, who)] == ["bank"]
    incoming = run_in(lambda s: [i.id for i in intros.of_org(s, world.startup).items])
    assert incoming == sorted(ids.values(), reverse=True)
    assert run_in(lambda s: [i.id for i in intros.of_org(s, world.investor).items]) == [ids["investor"]]


REFUSALS = [
    # (who acts, what, the introduction's state before, the error)
    ("investor", intros.accept, "requested", Conflict),  # the requester does not answer
    ("investor", intros.decline, "requested", Conflict),
    ("startup", intros.accept, "accepted", Conflict),
    ("startup", intros.decline, "declined", Conflict),
    ("startup", intros.accept, "withdrawn", Conflict),
    ("investor", intros.withdraw, "declined", Conflict),
    ("startup", intros.withdraw, "withdrawn", Conflict),
    ("investor2", intros.withdraw, "requested", NotFound),  # not a party: it does not exist
    ("outsider", intros.accept, "requested", NotFound),
    ("bank", intros.decline, "requested", NotFound),
    ("operator", intros.withdraw, "accepted", NotFound),
]


def into(run_in, world, state: str) -> int:
    intro_id = ask(run_in, world)
    if state in ("accepted", "withdrawn"):
        do(run_in, world, intros.accept, "startup", intro_id)
    if state == "declined":
        do(run_in, world, intros.decline, "startup", intro_id)
    if state == "withdrawn":
        do(run_in, world, intros.withdraw, "startup", intro_id)
    return intro_id


@pytest.mark.parametrize(("who", "change", "state", "error"), REFUSALS,
                         ids=[f"{w}-{c.__name__}-{s}" for w, c, s, _ in REFUSALS])
def test_illegal_moves_are_refused_and_change_nothing(run_in, world, row_counts, who, change, state, error):
    intro_id = into(run_in, world, state)
    before = row_counts()
    with pytest.raises(error) as refused:
        do(run_in, world, change, who, intro_id)
    assert all(str(m) for messages in refused.value.errors.values() for m in messages)
    assert row_counts() == before
    assert run_in(lambda s: s.get(Introduction, intro_id).status.value) == state


def test_asking_twice_a_startup_asking_and_closed_needs_are_refused(run_in, world, row_counts):
    ask(run_in, world)
    before = row_counts()
    with pytest.raises(Conflict):
        ask(run_in, world)
    with pytest.raises(DomainError):
        ask(run_in, world, "outsider")
    with pytest.raises(DomainError):
        ask(run_in, world, "operator")
    run_in(lambda s: needs.update(s, world.startup, world.need_id, {"status": NeedStatus.CLOSED}))
    before = row_counts()
    with pytest.raises(NotFound):
        ask(run_in, world, "investor2")
    with pytest.raises(NotFound):
        run_in(lambda s: intros.request(s, actor(run_in, world.emails["bank"]), 2**31 - 1, "hi"))
    assert row_counts() == before


@pytest.mark.parametrize("message", ["", "   ", "x" * (intros.MESSAGE_LENGTH + 1), "a\x00b"])
def test_a_bad_message_is_refused_on_its_field_and_writes_nothing(run_in, world, row_counts, message):
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        ask(run_in, world, message=message)
    assert list(refused.value.errors) == ["message"]
    assert row_counts() == before


def test_messages_only_while_accepted_and_never_empty(run_in, world, row_counts):
    intro_id = ask(run_in, world)
    before = row_counts()
    with pytest.raises(Conflict):
        run_in(lambda s: intros.post(s, actor(run_in, VC), intro_id, "hello"))
    do(run_in, world, intros.accept, "startup", intro_id)
    before = row_counts()
    for body in ("", " ", "y" * (intros.BODY_LENGTH + 1)):
        with pytest.raises(DomainError) as refused:
            run_in(lambda s: intros.post(s, actor(run_in, VC), intro_id, body))
        assert list(refused.value.errors) == ["body"]
    with pytest.raises(NotFound):
        run_in(lambda s: intros.post(s, actor(run_in, world.emails["investor2"]), intro_id, "me too"))
    assert row_counts() == before


# --- Pages ---------------------------------------------------------------------------------------

def page(client, path: str) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def secret_free(html: str) -> bool:
    return FOUNDER not in html and WEBSITE not in html and not any(t in html for t in FIGURE_TEXTS)


def test_an_investor_asks_the_startup_accepts_they_talk_and_the_contacts_show_while_accepted(app, run_in, world):
    investor, founder = app.test_client(), app.test_client()
    log_in(investor, VC, PASSWORD)
    log_in(founder, FOUNDER, PASSWORD)
    need_page = f"/startup/needs/{world.need_id}"
    html = page(investor, need_page)
    assert "Ask for an introduction" in html and secret_free(html)

    response = submit(investor, need_page, {"message": "We lead A rounds in chips."},
                      action=f"/intros/needs/{world.need_id}", headers=EN)
    assert response.status_code == 302 and response.location == need_page
    html = page(investor, need_page)
    assert "Waiting for the startup to answer." in html and "Ask for an introduction" not in html
    assert secret_free(html)
    [intro_id] = [i.id for i in rows(run_in, Introduction)]
    assert 'data-testid="unread-count">1<' in page(founder, "/startup/")  # the bell

    incoming = page(founder, "/intros/")
    assert "张江早期基金" in incoming and f"/intros/{intro_id}/accept" in incoming
    detail = page(investor, f"/intros/{intro_id}")
    assert "We lead A rounds in chips." in detail and secret_free(detail) and "History" in detail
    assert investor.get(f"/startup/needs/{world.need_id}/deck").status_code == 404

    response = submit(founder, "/intros/", {}, action=f"/intros/{intro_id}/accept", headers=EN)
    assert response.status_code == 302 and response.location == f"/intros/{intro_id}"
    html = page(investor, need_page)
    assert FOUNDER in html and WEBSITE in html and "7.65M" in html and 'data-testid="deck-form"' not in html
    deck = investor.get(f"/startup/needs/{world.need_id}/deck")
    assert deck.status_code == 200 and deck.data == PDF
    assert VC in page(founder, f"/intros/{intro_id}")  # both sides see the other's contacts

    response = submit(investor, f"/intros/{intro_id}", {"body": "Can we meet on Tuesday?"},
                      action=f"/intros/{intro_id}/messages", headers=EN)
    assert response.status_code == 302
    assert "Can we meet on Tuesday?" in page(founder, f"/intros/{intro_id}")
    notes = page(founder, "/notifications/")
    assert "New message from 张江早期基金" in notes

    response = submit(founder, f"/intros/{intro_id}", {}, action=f"/intros/{intro_id}/withdraw", headers=EN)
    assert response.status_code == 302
    for html in (page(investor, need_page), page(investor, f"/intros/{intro_id}")):
        assert secret_free(html) and "Can we meet on Tuesday?" not in html
    assert investor.get(f"/startup/needs/{world.need_id}/deck").status_code == 404
    assert "Ask again" in page(investor, need_page)


def test_a_long_conversation_opens_on_its_latest_messages(app, run_in, world):
    """The page once showed a thread's first 500 messages: the newest were out of reach."""
    intro_id = ask(run_in, world)
    do(run_in, world, intros.accept, "startup", intro_id)
    vc, founder = actor(run_in, VC), actor(run_in, FOUNDER)
    run_in(lambda s: [intros.post(s, (vc, founder)[n % 2], intro_id, f"message number {n}.")
                      for n in range(1, 131)])
    client = app.test_client()
    log_in(client, VC, PASSWORD)
    html = page(client, f"/intros/{intro_id}")
    shown = [int(n) for n in re.findall(r"message number (\d+)\.", html)]
    assert shown == list(range(31, 131))  # the newest hundred, oldest first
    earlier = re.search(r'href="([^"]+)#thread" data-testid="earlier-messages"', html).group(1)
    html = page(client, earlier.replace("&amp;", "&"))
    assert [int(n) for n in re.findall(r"message number (\d+)\.", html)] == list(range(1, 31))
    assert 'data-testid="earlier-messages"' not in html and 'data-testid="latest-messages"' in html


def history_of(html: str) -> list[str]:
    log = html.split('data-testid="audit-log"')[1].split("</section>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li.*?</li>", log, re.S)]


def test_the_audit_log_names_the_other_side_by_organization_until_accepted(app, run_in, world):
    intro_id = ask(run_in, world)
    founder = app.test_client()
    log_in(founder, FOUNDER, PASSWORD)
    [asked] = history_of(page(founder, f"/intros/{intro_id}"))
    assert asked.endswith("· 张江早期基金 · requested") and VC not in asked  # the state is its action: said once
    assert "/withdraw" not in page(founder, f"/intros/{intro_id}")  # a request is answered, not withdrawn
    do(run_in, world, intros.accept, "startup", intro_id)
    asked, accepted = history_of(page(founder, f"/intros/{intro_id}"))
    assert asked.endswith(f"· 张江早期基金 ({VC}) · requested")
    assert accepted.endswith(f"· 深蓝芯片 ({FOUNDER}) · accepted: Requested → Accepted")
    assert "/withdraw" in page(founder, f"/intros/{intro_id}")  # an accepted one, either side may leave
    declined = ask(run_in, world, who="investor2")
    do(run_in, world, intros.decline, "startup", declined)
    investor = app.test_client()
    log_in(investor, world.emails["investor2"], PASSWORD)
    html = page(investor, f"/intros/{declined}")
    assert FOUNDER not in html and "深蓝芯片" in html and world.emails["investor2"] in html  # its own people by email


def test_the_request_is_dated_when_it_was_asked_not_when_it_was_answered(app, run_in, world):
    intro_id = ask(run_in, world)

    def date_it(s):
        intro = s.get(Introduction, intro_id)
        intro.created_at = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
        s.commit()
    run_in(date_it)
    do(run_in, world, intros.accept, "startup", intro_id)
    founder = app.test_client()
    log_in(founder, FOUNDER, PASSWORD)
    assert "The request · 1/5/26, 10:00" in page(founder, f"/intros/{intro_id}")


def test_a_bad_request_form_shows_the_error_on_the_need_page_and_writes_nothing(client, world, row_counts):
    log_in(client, VC, PASSWORD)
    before = row_counts()
    response = submit(client, f"/startup/needs/{world.need_id}", {"message": "  "},
                      action=f"/intros/needs/{world.need_id}", headers=EN)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "message") == "This field is required."
    assert row_counts() == before


def test_a_second_request_and_an_empty_message_are_told_on_the_page(client, run_in, world, row_counts):
    intro_id = ask(run_in, world)
    log_in(client, VC, PASSWORD)
    before = row_counts()
    response = submit(client, f"/intros/{intro_id}", {"message": "again"}, action=f"/intros/needs/{world.need_id}",
                      headers=EN)
    assert response.status_code == 302
    assert "already asked" in page(client, f"/startup/needs/{world.need_id}")
    response = submit(client, f"/intros/{intro_id}", {}, action=f"/intros/{intro_id}/accept", headers=EN)
    assert response.status_code == 403  # a requester does not answer
    response = submit(client, f"/intros/{intro_id}", {"body": "hi"}, action=f"/intros/{intro_id}/messages",
                      headers=EN)
    assert response.status_code == 302
    assert "only while the introduction is accepted" in page(client, f"/intros/{intro_id}")
    assert row_counts() == before


@pytest.mark.parametrize("who", ["investor2", "bank", "incubator", "outsider"])
def test_only_the_two_parties_open_an_introduction(client, run_in, world, who):
    intro_id = ask(run_in, world)
    log_in(client, world.emails[who], PASSWORD)
    assert client.get(f"/intros/{intro_id}").status_code == 404
    assert "张江早期基金" not in page(client, "/intros/")


def test_operators_and_visitors_have_no_introductions(client, run_in, world):
    intro_id = ask(run_in, world)
    for path in ("/intros/", f"/intros/{intro_id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location
    log_in(client, world.emails["operator"], PASSWORD)
    assert client.get(f"/intros/{intro_id}").status_code == 403
    assert client.get("/intros/").status_code == 403


def page_writes(world: World, intro_id: int) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("/intros/needs/<int:need_id>", f"/intros/needs/{world.need_id}", {"message": "hijack"}),
        ("/intros/<int:intro_id>/accept", f"/intros/{intro_id}/accept", {}),
        ("/intros/<int:intro_id>/decline", f"/intros/{intro_id}/decline", {}),
        ("/intros/<int:intro_id>/withdraw", f"/intros/{intro_id}/withdraw", {}),
        ("/intros/<int:intro_id>/messages", f"/intros/{intro_id}/messages", {"body": "hijack"}),
    ]


def api_writes(world: World, intro_id: int) -> list[tuple[str, str, dict[str, str] | None]]:
    return [
        ("/api/v1/needs/<int:need_id>/intros", f"/api/v1/needs/{world.need_id}/intros", {"message": "hijack"}),
        ("/api/v1/intros/<int:intro_id>/accept", f"/api/v1/intros/{intro_id}/accept", None),
        ("/api/v1/intros/<int:intro_id>/decline", f"/api/v1/intros/{intro_id}/decline", None),
        ("/api/v1/intros/<int:intro_id>/withdraw", f"/api/v1/intros/{intro_id}/withdraw", None),
        ("/api/v1/intros/<int:intro_id>/messages", f"/api/v1/intros/{intro_id}/messages", {"body": "hijack"}),
    ]


def test_every_write_route_is_listed():
    world = World(1, 2, 3, {})
    assert {r for r, *_ in page_writes(world, 4)} | {r for r, *_ in api_writes(world, 4)} == set(WRITE_ROUTES)


def snapshot(run_in) -> list[tuple]:
    return run_in(lambda s: [(i.id, i.status, i.message, i.requester_id) for i in s.scalars(sa.select(Introduction))]
                  + [(m.id, m.body) for m in s.scalars(sa.select(IntroMessage))])


KINDS = {"investor2": "requester", "bank": "requester", "incubator": "requester", "outsider": "startup",
         "operator": "operator"}


def expected(who: str, url: str) -> int:
    """403 when the route is not for the caller's side at all, 404 when it is but the
    introduction is not the caller's."""
    kind = KINDS[who]
    if kind == "operator" or ("/needs/" in url and kind == "startup") or (
            url.endswith(("/accept", "/decline")) and kind == "requester"):
        return 403
    return 404


@pytest.mark.parametrize("who", ["investor2", "bank", "incubator", "outsider", "operator", None])
def test_no_one_else_acts_on_an_introduction(app, client, run_in, world, row_counts, who):
    """An accepted introduction between the startup and the first investor: anyone else is refused."""
    intro_id = into(run_in, world, "accepted")
    headers = bearer(run_in, world.emails[who], **EN) if who else EN
    if who:
        log_in(client, world.emails[who], PASSWORD)
    token = csrf_token(client, "/account/" if who else "/login")
    before, state = row_counts(), snapshot(run_in)
    for rule, url, body in api_writes(world, intro_id):
        if "/needs/" in url and who and KINDS[who] == "requester":
            continue  # another requester asking writes its own introduction (tried below)
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == (expected(who, url) if who else 401), (who, url, response.status_code)
        assert row_counts() == before and snapshot(run_in) == state, url
    for rule, url, form in page_writes(world, intro_id):
        if "/needs/" in url and who and KINDS[who] == "requester":
            continue
        response = client.post(url, data={"csrf_token": token, **form}, headers=EN)
        if who is None:
            assert response.status_code == 302 and "/login" in response.location, url
        else:
            assert response.status_code == expected(who, url), (who, url, response.status_code)
        assert row_counts() == before and snapshot(run_in) == state, url


def test_another_requester_asking_writes_only_its_own_introduction(client, run_in, world):
    first = into(run_in, world, "accepted")
    headers = bearer(run_in, world.emails["bank"], **EN)
    response = client.post(f"/api/v1/needs/{world.need_id}/intros", json={"message": "A linked loan?"},
                           headers=headers)
    assert response.status_code == 201 and response.get_json()["id"] != first
    assert run_in(lambda s: s.get(Introduction, first).status) == IntroStatus.ACCEPTED


# --- The API -------------------------------------------------------------------------------------

def test_the_api_walks_an_introduction_through_its_life(client, run_in, world):
    vc, founder = bearer(run_in, VC, **EN), bearer(run_in, FOUNDER, **EN)
    response = client.post(f"/api/v1/needs/{world.need_id}/intros", json={"message": "Hello"}, headers=vc)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    intro_id = body["id"]
    assert body["status"] == "requested" and body["side"] == "requester" and body["contacts"] is None
    assert body["startup"]["name"] == "深蓝芯片" and body["need"]["id"] == world.need_id
    need = client.get(f"/api/v1/needs/{world.need_id}", headers=vc).get_json()
    assert "revenue_last_year" not in need and "deck" not in need
    assert client.get(f"/api/v1/needs/{world.need_id}/deck", headers=vc).status_code == 404
    assert client.post(f"/api/v1/needs/{world.need_id}/intros", json={"message": "Again"},
                       headers=vc).status_code == 409
    assert client.get(f"/api/v1/intros/{intro_id}/messages", headers=vc).status_code == 409

    listed = client.get("/api/v1/intros", headers=founder).get_json()
    assert [i["id"] for i in listed["items"]] == [intro_id] and listed["items"][0]["side"] == "startup"
    assert client.get("/api/v1/intros?status=accepted", headers=founder).get_json()["items"] == []
    assert client.post(f"/api/v1/intros/{intro_id}/accept", headers=vc).status_code == 403
    accepted = client.post(f"/api/v1/intros/{intro_id}/accept", headers=founder)
    assert accepted.status_code == 200 and accepted.get_json()["contacts"]["emails"] == [VC]
    mine = client.get(f"/api/v1/intros/{intro_id}", headers=vc).get_json()
    assert mine["contacts"] == {"organization": mine["startup"], "website": WEBSITE, "emails": [FOUNDER]}
    need = client.get(f"/api/v1/needs/{world.need_id}", headers=vc).get_json()
    assert {k: need[k] for k in FIGURES} == FIGURES and need["deck"]["filename"] == "deck.pdf"
    assert client.get(f"/api/v1/needs/{world.need_id}/deck", headers=vc).data == PDF

    sent = client.post(f"/api/v1/intros/{intro_id}/messages", json={"body": "Tuesday?"}, headers=vc)
    assert sent.status_code == 201 and sent.get_json()["author"]["name"] == "张江早期基金"
    client.post(f"/api/v1/intros/{intro_id}/messages", json={"body": "Yes."}, headers=founder)
    thread = client.get(f"/api/v1/intros/{intro_id}/messages?limit=1", headers=founder).get_json()
    assert [m["body"] for m in thread["items"]] == ["Tuesday?"] and thread["next"]
    rest = client.get(thread["next"], headers=founder).get_json()
    assert [m["body"] for m in rest["items"]] == ["Yes."] and rest["next"] is None

    withdrawn = client.post(f"/api/v1/intros/{intro_id}/withdraw", headers=vc)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["contacts"] is None
    need = client.get(f"/api/v1/needs/{world.need_id}", headers=vc).get_json()
    assert "revenue_last_year" not in need
    again = client.post(f"/api/v1/intros/{intro_id}/withdraw", headers=founder)
    assert again.status_code == 409 and again.get_json()["errors"]["status"]


@pytest.mark.parametrize(("body", "field"), [({}, "message"), ({"message": ""}, "message"),
                                             ({"message": 5}, "message"), ({"message": "x", "extra": 1}, "extra"),
                                             ({"message": "x" * (intros.MESSAGE_LENGTH + 1)}, "message")])
def test_bad_api_bodies_get_field_errors_and_write_nothing(client, run_in, world, row_counts, body, field):
    headers = bearer(run_in, VC, **EN)
    before = row_counts()
    response = client.post(f"/api/v1/needs/{world.need_id}/intros", json=body, headers=headers)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == [field]
    assert row_counts() == before
    assert client.post(f"/api/v1/needs/{world.need_id}/intros", data="nope", headers=headers).status_code == 400


def test_api_errors_come_in_the_callers_language(client, run_in, world):
    intro_id = ask(run_in, world)
    headers = bearer(run_in, VC, **{"Accept-Language": "zh-CN"})
    body = client.post(f"/api/v1/intros/{intro_id}/messages", json={"body": "hi"}, headers=headers).get_json()
    assert body["errors"]["_"] and body["errors"]["_"][0] != "Messages are exchanged only while the introduction " \
                                                             "is accepted."


def test_the_openapi_document_describes_the_introductions(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/intros/{intro_id}/messages"]) == {"get", "post"}
    assert "201" in paths["/api/v1/needs/{need_id}/intros"]["post"]["responses"]
    assert "409" in paths["/api/v1/intros/{intro_id}/accept"]["post"]["responses"]


def test_the_recommender_maps_what_it_reads_from_introductions():
    from marketplace import recs

    assert {InteractionAction.INTRO_REQUESTED, InteractionAction.INTRO_ACCEPTED} <= set(recs.ACTION_KINDS)


def test_contacts_are_the_users_and_the_website(run_in, world):
    contacts = run_in(lambda s: intros.contacts_of(s, s.get(Organization, world.startup)))
    assert contacts.emails == [FOUNDER] and contacts.website == WEBSITE


def test_an_investors_request_puts_the_need_on_its_pipeline_at_intro(run_in, world):
    from marketplace.models import PipelineCard

    ask(run_in, world)
    ask(run_in, world, "bank")  # a bank has no pipeline
    cards = run_in(lambda s: [(c.investor_id, c.need_id, c.stage.value) for c in s.scalars(sa.select(PipelineCard))])
    assert cards == [(world.investor, world.need_id, "intro")]

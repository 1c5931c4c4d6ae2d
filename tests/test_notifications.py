"""Notifications: a row per receiving user for the bell and an email, each in the receiver's
language, as the receiver chose per kind; nothing for a change that was rolled back."""
from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from marketplace.models import Notification, NotificationSetting, User
from marketplace.models.enums import NotificationKind
from marketplace.services import intros, notifications
from marketplace.services.audit import Actor
from tests.conftest import PASSWORD
from tests.helpers import log_in, submit
from tests.test_intros import VC, world  # noqa: F401  (the world fixture)

WRITE_ROUTES = ["/notifications/<int:notification_id>/read", "/notifications/read-all", "/notifications/settings"]
ZH_TEXT = "张江早期基金 请求就“车规级MCU芯片A轮融资”进行引荐。"
EN = {"Accept-Language": "en"}


@pytest.fixture
def founders(run_in, world):  # noqa: F811
    """The startup's two users: the founder reads Chinese, a colleague English."""
    def colleague(s):
        org = s.scalar(sa.select(User).where(User.email == world.emails["startup"])).organization
        s.scalar(sa.select(User).where(User.email == world.emails["startup"])).locale = "zh_Hans"
        user = User(email="cto@deepblue.example.org", password_hash=s.scalar(
            sa.select(User.password_hash).where(User.email == world.emails["startup"])), organization=org, locale="en")
        s.add(user)
        s.commit()

    run_in(colleague)
    return world.emails["startup"], "cto@deepblue.example.org"


def ask(run_in, world):  # noqa: F811
    def go(s):
        user = s.scalar(sa.select(User).where(User.email == VC))
        return intros.request(s, Actor(user.organization_id, user.id), world.need_id, "Hello").id

    return run_in(go)


def user_id(run_in, email: str) -> int:
    return run_in(lambda s: s.scalar(sa.select(User.id).where(User.email == email)))


def test_each_receiver_reads_the_notification_in_its_own_language(app, run_in, world, founders):  # noqa: F811
    zh, en = founders
    ask(run_in, world)
    texts = run_in(lambda s: {n.user_id: notifications.text_of(n, s.get(User, n.user_id).locale)
                              for n in s.scalars(sa.select(Notification))})
    assert texts == {user_id(run_in, zh): ZH_TEXT,
                     user_id(run_in, en): "张江早期基金 asks for an introduction about “车规级MCU芯片A轮融资”."}
    for email, expected in ((zh, ZH_TEXT), (en, "asks for an introduction about")):
        client = app.test_client()
        log_in(client, email, PASSWORD)
        html = client.get("/notifications/").get_data(as_text=True)
        assert expected in html and "/intros/" in html
        assert 'data-testid="unread-count">1<' in html


def test_a_bilingual_name_is_shown_in_the_readers_language(app):
    with app.app_context():
        params = {"org": {"zh_Hans": "张江早期基金", "en": "Zhangjiang Early Fund"}, "need": "A轮"}
        assert notifications.render(NotificationKind.INTRO_REQUESTED, "requested", params, "en").startswith(
            "Zhangjiang Early Fund asks")
        assert notifications.render(NotificationKind.INTRO_REQUESTED, "requested", params, "zh_Hans").startswith(
            "张江早期基金")


def test_emails_go_to_the_log_by_default_in_the_receivers_language(run_in, world, founders, caplog):  # noqa: F811
    zh, en = founders
    caplog.set_level(logging.INFO)
    ask(run_in, world)
    sent = [r.getMessage() for r in caplog.records if r.getMessage().startswith("email to ")]
    assert len(sent) == 2
    [to_en] = [m for m in sent if m.startswith(f"email to {en}")]
    assert "asks for an introduction about “车规级MCU芯片A轮融资”" in to_en and "Introduction requests" in to_en
    [to_zh] = [m for m in sent if m.startswith(f"email to {zh}")]
    assert ZH_TEXT in to_zh
    assert VC not in " ".join(sent)  # the acting user is not told of its own move


def test_a_kind_switched_off_makes_no_row_and_no_email(run_in, world, founders, caplog):  # noqa: F811
    zh, en = founders
    run_in(lambda s: notifications.save_settings(s, user_id(run_in, en),
                                                 {NotificationKind.INTRO_REQUESTED: (False, False)}))
    run_in(lambda s: notifications.save_settings(s, user_id(run_in, zh),
                                                 {NotificationKind.INTRO_REQUESTED: (True, False)}))
    caplog.set_level(logging.INFO)
    ask(run_in, world)
    receivers = run_in(lambda s: list(s.scalars(sa.select(Notification.user_id))))
    assert receivers == [user_id(run_in, zh)]
    assert [r for r in caplog.records if r.getMessage().startswith("email to ")] == []


def test_a_rolled_back_change_sends_nothing(app, run_in, world, founders, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)

    def change_then_roll_back(s):
        user = s.scalar(sa.select(User).where(User.email == VC))
        notifications.notify(s, [world.startup], NotificationKind.INTRO_REQUESTED, "requested",
                             {"org": "x", "need": "y"}, "/intros/1", except_user=user.id)
        s.rollback()
        s.commit()

    run_in(change_then_roll_back)
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(Notification))) == 0
    assert [r for r in caplog.records if r.getMessage().startswith("email to ")] == []


def test_a_refused_move_sends_nothing(run_in, world, founders, caplog):  # noqa: F811
    intro_id = ask(run_in, world)
    caplog.set_level(logging.INFO)
    caplog.clear()
    with pytest.raises(intros.Conflict):
        run_in(lambda s: intros.accept(s, Actor(world.investor, None), intro_id))
    assert [r for r in caplog.records if r.getMessage().startswith("email to ")] == []


def test_the_bell_counts_unread_and_marking_read_clears_it(app, client, run_in, world, founders):  # noqa: F811
    zh, _ = founders
    intro_id = ask(run_in, world)
    log_in(client, zh, PASSWORD)
    html = client.get("/startup/", headers=EN).get_data(as_text=True)
    assert 'data-testid="unread-count">1<' in html
    # the badge says the note is unread, the button that it opens it (not 进行中, "in progress")
    listed = client.get("/notifications/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert ">未读</span>" in listed and re.search(r"<button[^>]*>\s*查看\s*</button>", listed)
    me = user_id(run_in, zh)
    [note] = run_in(lambda s: list(s.scalars(sa.select(Notification).where(Notification.user_id == me))))
    response = submit(client, "/notifications/", {"next": note.link}, action=f"/notifications/{note.id}/read")
    assert response.status_code == 302 and response.location == f"/intros/{intro_id}"
    assert 'data-testid="unread-count"' not in client.get("/startup/").get_data(as_text=True)
    assert run_in(lambda s: s.get(Notification, note.id).read_at) is not None


def test_mark_all_read_and_nobody_marks_anothers(app, client, run_in, world, founders):  # noqa: F811
    zh, en = founders
    ask(run_in, world)
    log_in(client, en, PASSWORD)
    theirs = run_in(lambda s: s.scalar(sa.select(Notification.id).where(Notification.user_id == user_id(run_in, zh))))
    assert submit(client, "/notifications/", {}, action=f"/notifications/{theirs}/read").status_code == 302
    assert run_in(lambda s: s.get(Notification, theirs).read_at) is None
    assert submit(client, "/notifications/", {}, action="/notifications/read-all").status_code == 302
    assert run_in(lambda s: s.get(Notification, theirs).read_at) is None
    me = user_id(run_in, en)
    mine = run_in(lambda s: s.scalar(sa.select(Notification.read_at).where(Notification.user_id == me)))
    assert mine is not None


def test_a_foreign_next_link_stays_on_the_site(client, run_in, world, founders):  # noqa: F811
    zh, _ = founders
    ask(run_in, world)
    log_in(client, zh, PASSWORD)
    note = run_in(lambda s: s.scalar(sa.select(Notification.id).where(Notification.user_id == user_id(run_in, zh))))
    response = submit(client, "/notifications/", {"next": "//evil.example.com/"}, action=f"/notifications/{note}/read")
    assert response.location == "/notifications/"


def test_settings_are_saved_per_kind_and_user(client, run_in, world, founders):  # noqa: F811
    zh, en = founders
    log_in(client, en, PASSWORD)
    page = client.get("/notifications/settings", headers=EN).get_data(as_text=True)
    assert "Introduction requests" in page and "Messages" in page
    form = {f"{kind.value}-{channel}": "y" for kind in NotificationKind for channel in ("in_app", "email")}
    del form["message-email"]
    response = submit(client, "/notifications/settings", form)
    assert response.status_code == 302
    stored = run_in(lambda s: {(r.kind, r.in_app, r.email) for r in s.scalars(
        sa.select(NotificationSetting).where(NotificationSetting.user_id == user_id(run_in, en)))})
    assert (NotificationKind.MESSAGE, True, False) in stored and len(stored) == len(NotificationKind)
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(NotificationSetting).where(
        NotificationSetting.user_id == user_id(run_in, zh)))) == 0
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'id="message-email"' in page and 'checked id="message-email"' not in page


@pytest.mark.parametrize("route", WRITE_ROUTES)
def test_visitors_are_sent_to_log_in_and_write_nothing(client, row_counts, route):
    path = route.replace("<int:notification_id>", "1")
    before = row_counts()
    response = client.post(path, data={})
    assert response.status_code in (302, 400)
    assert row_counts() == before


def test_another_user_changes_nothing_of_someones_notifications(app, client, run_in, world, founders,  # noqa: F811
                                                                 row_counts):
    """Every write route, tried by a user of another organization: the first user's rows stay as they were."""
    zh, _ = founders
    ask(run_in, world)
    theirs = run_in(lambda s: s.scalar(sa.select(Notification.id).where(Notification.user_id == user_id(run_in, zh))))
    log_in(client, world.emails["bank"], PASSWORD)
    before = row_counts()
    snapshot = run_in(lambda s: [(n.id, n.read_at) for n in s.scalars(sa.select(Notification))])
    for path in (f"/notifications/{theirs}/read", "/notifications/read-all"):
        assert submit(client, "/notifications/", {}, action=path).status_code == 302
    form = {f"{kind.value}-in_app": "" for kind in NotificationKind}
    assert submit(client, "/notifications/settings", form).status_code == 302  # the bank's own settings
    after = row_counts()
    assert after.pop("notification_settings") == before.pop("notification_settings") + len(NotificationKind)
    assert after == before
    assert run_in(lambda s: [(n.id, n.read_at) for n in s.scalars(sa.select(Notification))]) == snapshot
    assert run_in(lambda s: s.scalar(sa.select(sa.func.count()).select_from(NotificationSetting).where(
        NotificationSetting.user_id == user_id(run_in, zh)))) == 0

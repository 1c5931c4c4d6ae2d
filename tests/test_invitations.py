"""Members invite colleagues by a link that expires and works once."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from marketplace.models import Invitation, User
from marketplace.models.base import utcnow
from marketplace.services import invitations
from tests.conftest import PASSWORD
from tests.helpers import log_in, log_out, submit

NEW = {"email": "colleague@example.org", "password": PASSWORD, "confirm": PASSWORD}


def make_link(client):
    html = submit(client, "/account/", {}, action="/account/invitations").get_data(as_text=True)
    return re.search(r'value="(http://localhost/invite/[^"]+)"', html).group(1).replace("http://localhost", "")


def test_a_colleague_joins_the_same_organization_through_the_link(client, make_user, run_in):
    log_in(client, make_user("investor", org="红杉"), PASSWORD)
    link = make_link(client)
    log_out(client)
    response = submit(client, link, NEW)
    assert response.status_code == 302 and response.location == "/investor/"
    orgs = run_in(lambda s: s.scalars(sa.select(User.organization_id)).all())
    assert len(orgs) == 2 and len(set(orgs)) == 1
    assert client.get("/account/").get_data(as_text=True).count("@example.org") >= 2  # both members listed


def test_a_link_works_once(client, make_user, row_counts):
    log_in(client, make_user(), PASSWORD)
    link = make_link(client)
    log_out(client)
    submit(client, link, NEW)
    log_out(client)
    before = row_counts()
    assert client.get(link).status_code == 404
    assert row_counts() == before


def test_an_expired_link_does_not_work(client, make_user, run_in, row_counts):
    log_in(client, make_user(), PASSWORD)
    link = make_link(client)
    run_in(lambda s: (s.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1))),
                      s.commit()))
    log_out(client)
    before = row_counts()
    assert client.get(link).status_code == 404
    assert client.post(link, data=NEW).status_code in (400, 404)
    assert row_counts() == before


def test_only_the_token_digest_is_stored(client, make_user, run_in):
    log_in(client, make_user(), PASSWORD)
    token = make_link(client).rsplit("/", 1)[1]
    stored = run_in(lambda s: s.scalar(sa.select(Invitation.token_hash)))
    assert token not in stored and len(stored) == 64


def test_someone_in_another_organization_cannot_revoke_a_link(client, make_user, run_in):
    log_in(client, make_user("bank"), PASSWORD)
    make_link(client)
    invitation_id = run_in(lambda s: s.scalar(sa.select(Invitation.id)))
    log_out(client)
    log_in(client, make_user("bank"), PASSWORD)  # a bank, but another one
    response = submit(client, "/account/", {}, action=f"/account/invitations/{invitation_id}/revoke")
    assert response.status_code == 404
    assert run_in(lambda s: invitations.find_usable(s, "x")) is None  # sanity: wrong token finds nothing
    assert run_in(lambda s: s.get(Invitation, invitation_id).expires_at) > utcnow()


def test_a_member_revokes_a_link_and_it_stops_working(client, make_user, run_in):
    log_in(client, make_user("bank"), PASSWORD)
    link = make_link(client)
    invitation_id = run_in(lambda s: s.scalar(sa.select(Invitation.id)))
    assert submit(client, "/account/", {}, action=f"/account/invitations/{invitation_id}/revoke").status_code == 302
    log_out(client)
    assert client.get(link).status_code == 404

"""A state machine over introductions: random actors (outsiders and an anonymous visitor
included) request, accept, decline, withdraw and post messages. After every step, contacts and
confidential details are visible exactly to the need's owner and to requesters whose
introduction is accepted right now, checked through ``intros.reveals`` and through the API as
each actor reads it. Illegal moves are refused and change nothing.

At least 500 runs of up to 8 steps, derandomized (a fixed seed), on one database
(``one_database`` in conftest: PostgreSQL when the suite has it, as in CI; else SQLite).
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    FundingNeed,
    Interaction,
    Introduction,
    IntroMessage,
    Notification,
    PipelineCard,
    User,
)
from marketplace.models.enums import IntroStatus, NeedStatus
from marketplace.schemas.needs import dump_need
from marketplace.services import intros, needs, tokens
from marketplace.services.audit import Actor
from tests.conftest import make_app
from tests.test_intros import FIGURES, PDF, PEOPLE, WEBSITE, add_people
from tests.test_needs import need_body

RUNS, STEPS = int(os.environ.get("SM_RUNS", 500)), 8
ACTORS = ["startup", "investor", "investor2", "bank", "incubator", "outsider", None]  # None: anonymous
REQUESTERS = ["investor", "investor2", "bank", "incubator"]
NO_SUCH_INTRO = 2**31 - 1
ACCEPTED, REQUESTED = IntroStatus.ACCEPTED, IntroStatus.REQUESTED
WHO = st.sampled_from(ACTORS)

pytestmark = pytest.mark.one_database


@pytest.fixture
def app(own_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on a database of this test's own: its thousands of commits are real ones."""
    app = make_app(own_database_url)
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def build(app, run_in):
    """The startup's open need and one user per actor, each with an API token."""
    people = {who: PEOPLE[who] for who in ACTORS if who}
    emails = run_in(lambda s: add_people(s, people))

    def setup(s):
        users = {who: s.scalar(sa.select(User).where(User.email == email)) for who, email in emails.items()}
        users["startup"].organization.website = WEBSITE
        need = needs.create(s, users["startup"].organization_id,
                            {**need_body(**FIGURES), "status": NeedStatus.OPEN, "deadline": None})
        needs.attach_deck(s, users["startup"].organization_id, need.id, io.BytesIO(PDF), "deck.pdf",
                          needs.uploads_folder(app.instance_path))
        actors = {who: Actor(u.organization_id, u.id) for who, u in users.items()}
        bearer = {who: {"Authorization": f"Bearer {tokens.create(s, u, name='sm')[1]}"} for who, u in users.items()}
        return need.id, actors, bearer

    return run_in(setup)


def stored_state(s) -> tuple:
    """Everything a move may change, in two reads: the introductions, and how many messages,
    audit events, notifications and interaction rows there are."""
    counts = s.execute(sa.select(*(sa.select(sa.func.count()).select_from(model).scalar_subquery()
                                   for model in (IntroMessage, AuditEvent, Notification, Interaction)))).one()
    rows = s.execute(sa.select(Introduction.id, Introduction.status, Introduction.updated_at)
                     .order_by(Introduction.id)).all()
    return tuple(rows), tuple(counts)


def test_contacts_and_confidential_details_reach_exactly_the_owner_and_accepted_requesters(app, client, run_in,
                                                                                          tmp_path):
    app.instance_path = str(tmp_path / "instance")
    need_id, actors, bearer = build(app, run_in)
    actors[None] = Actor(None, None)
    startup_org = actors["startup"].org_id
    CHECKED_EMPTY: list[bool] = []  # every run starts from the same state (teardown restores it)
    TURN = [0]

    def stored() -> tuple:
        return run_in(stored_state)

    class Introductions(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.status: dict[str, IntroStatus] = {}  # requester -> the model's state of its introduction
            self.ids: dict[str, int] = {}
            self.last = stored()  # the stored state after the last step
            self.changed = not CHECKED_EMPTY  # whether the last step changed it (a refused move must not)
            self.moved = "startup"  # the requester whose introduction the last move was about

        def teardown(self) -> None:
            def clean(s):
                for model in (Introduction, PipelineCard, Interaction, Notification, AuditEvent):
                    s.execute(sa.delete(model))
                s.commit()

            run_in(clean)

        def attempt(self, change, *args) -> bool:
            """Whether the service did the move; a refusal is a domain error that changed nothing."""
            def go(s):
                try:
                    change(s, *args)
                except DomainError as error:
                    s.rollback()
                    return error, stored_state(s)
                return None, stored_state(s)

            refused, state = run_in(go)
            if refused is not None:
                assert refused.errors and refused.status in (404, 409, 422)
                assert state == self.last, "a refused move changed something"
                self.changed = False
                return False
            self.last, self.changed = state, True
            return True

        def intro_id(self, requester: str) -> int:
            return self.ids.get(requester, NO_SUCH_INTRO)

        def pick(self, data) -> str:
            """A requester, those that asked already more often."""
            return data.draw(st.sampled_from(sorted(self.ids) * 2 + REQUESTERS), label="requester")

        # --- the rules: moves by random actors ---
        @rule(who=WHO)
        def request(self, who):
            legal = who in REQUESTERS and self.status.get(who) not in (REQUESTED, ACCEPTED)
            made = {}

            def ask(s):
                made["id"] = intros.request(s, actors[who], need_id, f"from {who}").id

            done = self.attempt(ask)
            assert done == legal, (who, self.status)
            self.moved = who
            if done:
                assert self.ids.setdefault(who, made["id"]) == made["id"]  # asking again re-opens the same row
                self.status[who] = REQUESTED

        @rule(who=WHO, move=st.sampled_from(["accept", "decline", "withdraw", "post"]), data=st.data())
        def someone_moves(self, who, move, data):
            requester = self.pick(data)
            if move == "accept":
                self.answer(intros.accept, ACCEPTED, who, requester)
            elif move == "decline":
                self.answer(intros.decline, IntroStatus.DECLINED, who, requester)
            elif move == "withdraw":
                self.withdraw(who, requester)
            else:
                self.post(who, requester)

        def answer(self, change, to: IntroStatus, who, requester) -> None:
            legal = who == "startup" and self.status.get(requester) == REQUESTED
            done = self.attempt(change, actors[who], self.intro_id(requester))
            assert done == legal, (who, requester, self.status)
            self.moved = requester
            if done:
                self.status[requester] = to

        def withdraw(self, who, requester):
            legal = who in ("startup", requester) and self.status.get(requester) in (REQUESTED, ACCEPTED)
            done = self.attempt(intros.withdraw, actors[who], self.intro_id(requester))
            assert done == legal, (who, requester, self.status)
            self.moved = requester
            if done:
                self.status[requester] = IntroStatus.WITHDRAWN

        def post(self, who, requester):
            legal = who in ("startup", requester) and self.status.get(requester) == ACCEPTED
            done = self.attempt(intros.post, actors[who], self.intro_id(requester), f"hello from {who}")
            assert done == legal, (who, requester, self.status)

        # --- the same moves by their parties, so that runs get far (a random move is mostly refused) ---
        @rule(requester=st.sampled_from(REQUESTERS))
        def a_requester_asks(self, requester):
            self.request(requester)

        @rule(data=st.data(), accepting=st.booleans())
        def the_startup_answers(self, data, accepting):
            requester = self.pick(data)
            if accepting:
                self.answer(intros.accept, ACCEPTED, "startup", requester)
            else:
                self.answer(intros.decline, IntroStatus.DECLINED, "startup", requester)

        @rule(data=st.data(), by_the_startup=st.booleans())
        def a_party_withdraws(self, data, by_the_startup):
            requester = self.pick(data)
            self.withdraw("startup" if by_the_startup else requester, requester)

        @rule(data=st.data(), by_the_startup=st.booleans())
        def a_party_posts(self, data, by_the_startup):
            requester = self.pick(data)
            self.post("startup" if by_the_startup else requester, requester)

        # --- what everyone sees ---
        @invariant()
        def visible_exactly_to_the_owner_and_accepted_requesters(self):
            """After every move that changed something, for every actor: ``reveals``, the contacts
            of its introduction, and the API's need as its view function dumps it; through HTTP
            (the test client, bearer tokens) for the actor who moved and one more in turn, and for
            every actor in the first run's starting state. After a refused move the stored state
            is proven unchanged (``attempt``): what everyone sees is what was checked last."""
            if not self.changed:
                return
            self.changed = False
            expected = {who: who == "startup" or self.status.get(who) == ACCEPTED for who in ACTORS}

            def seen(s):
                need = s.get(FundingNeed, need_id)
                shown = {who: intros.reveals(s, need, actors[who].org_id) for who in ACTORS}
                contacts = {who: intros.counterpart_contacts(s, intros.get(s, actors[who].org_id, self.ids[who]),
                                                              actors[who].org_id) is not None
                            for who in self.ids}
                listed = {i.requester_id: i.status for i in intros.of_org(s, startup_org).items}
                with app.test_request_context():  # the API need read's own code path, without HTTP
                    dumped = {who: "revenue_last_year" in dump_need(need, needs.view_for(need, actors[who].org_id))
                              for who in ACTORS}
                return shown, contacts, listed, dumped

            shown, contacts, listed, dumped = run_in(seen)
            assert shown == expected, (shown, self.status)
            assert dumped == expected, (dumped, self.status)
            assert contacts == {who: expected[who] for who in self.ids}, (contacts, self.status)
            assert listed == {actors[who].org_id: status for who, status in self.status.items()}
            TURN[0] += 1
            readers = set(ACTORS) if not CHECKED_EMPTY else {self.moved, ACTORS[TURN[0] % len(ACTORS)]}
            CHECKED_EMPTY.append(True)
            for who in readers:  # the real read over HTTP
                response = client.get(f"/api/v1/needs/{need_id}", headers=bearer.get(who, {}))
                if who is None:
                    assert response.status_code == 401
                    continue
                body = response.get_json()
                assert response.status_code == 200, body
                assert ("revenue_last_year" in body and "deck" in body) == expected[who], (who, self.status)

    run_state_machine_as_test(Introductions, settings=settings(
        max_examples=RUNS, stateful_step_count=STEPS, derandomize=True, deadline=None, database=None,
        suppress_health_check=list(HealthCheck)))

"""Each home says what waits for its organization's answer, links to where it is done, and lets
go of it once answered; nobody else's waiting work shows."""
from __future__ import annotations

import re

from marketplace.services import intros, linked_loans, partnerships, relay
from marketplace.services.audit import Actor
from tests.conftest import PASSWORD
from tests.helpers import log_in
from tests.offer_helpers import org_id
from tests.test_linked_loans import commit, offer_id
from tests.test_partnerships import people  # noqa: F401
from tests.test_pipeline import world  # noqa: F401
from tests.test_relay import TODAY, add_capacity

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
HOME = {"founder": "/startup/", "rival": "/startup/", "lead": "/investor/", "bank": "/bank/", "other_bank": "/bank/",
        "incubator": "/incubator/", "partner": "/investor/"}


class Homes:
    """Each user's home, read in a browser session of its own (logged in once)."""

    def __init__(self, app, emails: dict[str, str]):
        self.app, self.emails, self.clients = app, emails, {}

    def page(self, who: str, headers=EN) -> str:
        if who not in self.clients:
            self.clients[who] = self.app.test_client()
            log_in(self.clients[who], self.emails[who], PASSWORD)
        return self.clients[who].get(HOME[who], headers=headers).get_data(as_text=True)

    def waiting(self, who: str, headers=EN) -> list[tuple[str, str]]:
        return panel_items(self.page(who, headers))


def panel_items(page: str) -> list[tuple[str, str]]:
    """(link, text) of each item of the home's "Waiting for your answer" panel."""
    panel = page.split('data-testid="waiting"', 1)[1].split("</section>", 1)[0]
    return [(link.replace("&amp;", "&"), " ".join(text.split()))
            for link, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', panel, flags=re.S)]


def test_a_startup_and_its_bank_see_what_waits_for_them_until_they_answer(app, run_in, world):
    homes = Homes(app, world.emails)
    seen = homes.waiting
    assert seen("founder") == [] and "Nothing waits for your answer." in homes.page("founder")

    run_in(lambda s: intros.request(s, Actor(world.ids["follower"], None), world.ids["round"], "Keen on lidar."))
    commit(run_in, world, confirm=False)  # the lead's term sheet, for the founder to confirm
    assert seen("founder") == [("/intros/?status=requested", "1 introduction request to answer"),
                               ("/pipeline/commitments", "1 investment commitment to confirm")]
    assert seen("founder", ZH)[1][1] == "1 项投资承诺待确认"
    assert seen("rival") == [] and seen("lead") == []

    commit(run_in, world)  # confirmed: the linked loans are offered to the founder
    assert seen("founder")[1:] == [("/pipeline/offers", "2 linked-loan offers to apply for or decline")]
    assert seen("bank") == []
    chip = offer_id(run_in, world)
    run_in(lambda s: linked_loans.act(s, world.ids["founder"], None, chip, "apply"))
    assert seen("founder")[1:] == [("/pipeline/offers", "1 linked-loan offer to apply for or decline")]
    assert seen("bank") == [("/pipeline/bank-offers", "1 loan application to approve or decline")]
    assert seen("other_bank") == []
    run_in(lambda s: linked_loans.act(s, world.ids["bank"], None, chip, "approve"))
    assert seen("bank") == [("/pipeline/bank-offers", "1 approved loan to disburse")]
    run_in(lambda s: linked_loans.act(s, world.ids["bank"], None, chip, "disburse"))
    assert seen("bank") == []


def test_an_incubator_sees_seat_requests_and_partnerships_proposed_to_it(app, run_in, make_user, people):
    ids = people["ids"]
    seen = Homes(app, people["emails"]).waiting
    capacity = add_capacity(run_in, ids["incubator"])
    newcomer = org_id(app, make_user("startup"))  # people's startup is incubated there already
    run_in(lambda s: relay.reserve(s, Actor(newcomer, None), capacity, message="A seat, please.", today=TODAY))
    proposal = run_in(lambda s: partnerships.propose(s, Actor(ids["partner"], None), ids["incubator"]).id)
    assert seen("incubator") == [("/relay/", "1 seat request to answer"),
                                 ("/relay/partnerships", "1 partnership proposal to answer")]
    assert seen("partner") == []  # it proposed: the answer is not its own

    run_in(lambda s: partnerships.decline(s, Actor(ids["incubator"], None), proposal))
    run_in(lambda s: partnerships.propose(s, Actor(ids["incubator"], None), ids["partner"]))
    assert seen("incubator") == [("/relay/", "1 seat request to answer")]
    assert seen("partner") == [("/relay/partnerships", "1 partnership proposal to answer")]

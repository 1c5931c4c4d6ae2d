"""The deal path through the API: an investor moves its card to a term sheet, the startup confirms
the commitment, the bank's linked loan is applied for, approved and disbursed, and each side reads
its notifications; every write refused to anyone else, and a refused write writes nothing."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.models import Notification, User
from marketplace.models.deals import LoanOffer, PipelineCard, RoundCommitment
from marketplace.models.enums import PipelineStage
from marketplace.services import pipeline
from tests.offer_helpers import ZH, bearer
from tests.test_deal_flow import M
from tests.test_linked_loans import READ_STATUS, REFUSED, commit, offer_id
from tests.test_pipeline import add_card, record, world  # noqa: F401

WRITE_ROUTES = [
    "/api/v1/pipeline/cards/<int:card_id>",
    "/api/v1/pipeline/cards/<int:card_id>/notes",
    "/api/v1/commitments/<int:commitment_id>/confirm",
    "/api/v1/commitments/<int:commitment_id>/reject",
    "/api/v1/loan-offers/<int:offer_id>/apply",
    "/api/v1/loan-offers/<int:offer_id>/decline",
    "/api/v1/loan-offers/<int:offer_id>/approve",
    "/api/v1/loan-offers/<int:offer_id>/disburse",
    "/api/v1/notifications/<int:notification_id>/read",
    "/api/v1/notifications/read-all",
]


def test_a_term_sheet_confirmed_and_its_linked_loan_disbursed_through_the_api(app, client, run_in, world):
    lead, founder, bank = (bearer(app, world.emails[who]) for who in ("lead", "founder", "bank"))
    card = add_card(run_in, world)
    moved = client.patch(f"/api/v1/pipeline/cards/{card}", json={"stage": "due_diligence"}, headers=lead)
    assert moved.status_code == 200 and (moved.json["stage"], moved.json["commitment"]) == ("due_diligence", None)
    moved = client.patch(f"/api/v1/pipeline/cards/{card}", json={"stage": "term_sheet", "amount": 20 * M,
                                                                  "is_lead": True}, headers=lead)
    assert moved.status_code == 200, moved.json
    commitment = moved.json["commitment"]
    assert (commitment["kind"], commitment["amount"], commitment["is_lead"], commitment["confirmed_at"]) == \
        ("term_sheet", 20 * M, True, None)

    listed = client.get("/api/v1/commitments", headers=founder).json["items"]
    assert [(c["id"], c["investor"]["name"], c["need"]["title"]) for c in listed] == \
        [(commitment["id"], "Lead Org", "Lidar chip Series A")]
    confirmed = client.post(f"/api/v1/commitments/{commitment['id']}/confirm", headers=founder)
    assert confirmed.status_code == 200 and confirmed.json["confirmed_at"] is not None
    again = client.post(f"/api/v1/commitments/{commitment['id']}/confirm", headers=founder)
    assert again.status_code == 409 and again.json["errors"]["_"] == ["This commitment is already confirmed."]

    offers = {o["product"]["name"]: o for o in client.get("/api/v1/loan-offers", headers=founder).json["items"]}
    assert sorted(offers) == ["Chip linked loan", "Small linked loan"]
    chip = offers["Chip linked loan"]
    assert (chip["amount"], chip["status"], chip["confirmed_equity"], chip["side"], chip["actions"]) == \
        (10 * M, "offered", 20 * M, "startup", ["apply", "decline"])
    banks_view = client.get("/api/v1/loan-offers", headers=bank).json["items"]
    assert [(o["id"], o["side"], o["actions"]) for o in banks_view] == [(chip["id"], "bank", [])]
    early = client.post(f"/api/v1/loan-offers/{chip['id']}/approve", headers=bank)
    assert early.status_code == 409
    assert early.json["errors"]["status"] == ["A loan offer that is Offered cannot be moved to Approved."]
    for who, action, status in ((founder, "apply", "applied"), (bank, "approve", "approved"),
                                (bank, "disburse", "disbursed")):
        response = client.post(f"/api/v1/loan-offers/{chip['id']}/{action}", headers=who)
        assert response.status_code == 200 and response.json["status"] == status, (action, response.json)
    assert client.get(f"/api/v1/loan-offers/{chip['id']}", headers=founder).json["actions"] == []

    removed = client.delete(f"/api/v1/pipeline/cards/{card}", headers=lead)
    assert removed.status_code == 204
    assert client.get("/api/v1/pipeline", headers=lead).json["columns"][4]["count"] == 0
    assert run_in(lambda s: s.get(RoundCommitment, commitment["id"])) is not None  # stays on the round


def test_a_move_without_its_amount_is_refused_on_the_field_and_writes_nothing(app, client, run_in, world,
                                                                              row_counts):
    lead = bearer(app, world.emails["lead"], ZH)
    card = add_card(run_in, world)
    before = row_counts()
    for body, field, message in (
            ({"stage": "term_sheet"}, "amount", "请输入您承诺的投资金额。"),
            ({"stage": "closed", "amount": 0}, "amount", None),
            ({"stage": "somewhere"}, "stage", None),
            ({"amount": 5 * M}, "stage", None)):
        response = client.patch(f"/api/v1/pipeline/cards/{card}", json=body, headers=lead)
        assert response.status_code == 422 and field in response.json["errors"], (body, response.json)
        if message:
            assert response.json["errors"][field] == [message]
    assert row_counts() == before
    assert run_in(lambda s: s.get(PipelineCard, card).stage) == PipelineStage.SOURCED


def test_an_investor_notes_a_card_and_reads_it_back_with_its_commitment(app, client, run_in, world, row_counts):
    lead = bearer(app, world.emails["lead"])
    card = add_card(run_in, world)
    record(run_in, world, card)
    for text in ("首次会面：团队扎实。", "  DD: check the top five customers.  "):
        added = client.post(f"/api/v1/pipeline/cards/{card}/notes", json={"body": text}, headers=lead)
        assert added.status_code == 201 and added.json["body"] == text.strip()
    read = client.get(f"/api/v1/pipeline/cards/{card}", headers=lead).json
    assert [n["body"] for n in read["notes"]] == ["DD: check the top five customers.", "首次会面：团队扎实。"]
    assert (read["stage"], read["need"]["title"], read["commitment"]["amount"]) == \
        ("term_sheet", "Lidar chip Series A", 20 * M)

    lead_zh = bearer(app, world.emails["lead"], ZH)
    before = row_counts()
    for body, message in (({"body": "   "}, "请填写备注。"), ({"body": "x" * 5_001}, "备注最多 5000 个字符。"),
                          ({"body": "a\x00b"}, "请删除不可见的控制字符。"), ({"body": 5}, None), ({}, None)):
        refused = client.post(f"/api/v1/pipeline/cards/{card}/notes", json=body, headers=lead_zh)
        assert refused.status_code == 422 and "body" in refused.json["errors"], (body, refused.json)
        if message:
            assert refused.json["errors"]["body"] == [message]
    assert row_counts() == before


def test_no_one_else_moves_a_card_answers_a_commitment_or_moves_an_offer(app, client, run_in, world, row_counts):
    card = add_card(run_in, world)
    cid = commit(run_in, world, confirm=False)
    tokens = {who: bearer(app, world.emails[who]) for who in ("lead", "outsider", "founder", "rival", "bank",
                                                               "other_bank")}
    before = row_counts()
    for who, status in (("outsider", 404), ("founder", 403), ("bank", 403)):
        headers = tokens[who]
        assert client.patch(f"/api/v1/pipeline/cards/{card}", json={"stage": "meeting"},
                            headers=headers).status_code == status, who
        assert client.delete(f"/api/v1/pipeline/cards/{card}", headers=headers).status_code == status, who
        assert client.get(f"/api/v1/pipeline/cards/{card}", headers=headers).status_code == status, who
        assert client.post(f"/api/v1/pipeline/cards/{card}/notes", json={"body": "Mine now"},
                           headers=headers).status_code == status, who
    for who, status in (("rival", 404), ("lead", 403), ("bank", 403)):
        for action in ("confirm", "reject"):
            assert client.post(f"/api/v1/commitments/{cid}/{action}", headers=tokens[who]).status_code == status
    assert client.get("/api/v1/commitments", headers=tokens["rival"]).json["items"] == []
    assert row_counts() == before

    run_in(lambda s: pipeline.confirm(s, world.ids["founder"], None, cid))
    oid = offer_id(run_in, world)
    before = row_counts()
    for who, expected in REFUSED.items():
        assert client.get(f"/api/v1/loan-offers/{oid}", headers=tokens[who]).status_code == READ_STATUS[who], who
        for action, status in expected.items():
            assert client.post(f"/api/v1/loan-offers/{oid}/{action}", headers=tokens[who]).status_code == status, \
                (who, action)
    assert row_counts() == before
    assert run_in(lambda s: s.get(LoanOffer, oid).status.value) == "offered"


def test_each_user_reads_and_marks_only_its_own_notifications(app, client, run_in, world):
    commit(run_in, world, confirm=False)  # the founder is asked to confirm the lead's term sheet
    founder_zh, founder_en = bearer(app, world.emails["founder"], ZH), bearer(app, world.emails["founder"])
    body = client.get("/api/v1/notifications", headers=founder_zh).json
    assert body["unread"] == 1 and body["next"] is None
    [item] = body["items"]
    assert item["kind"] == "commitment" and item["read_at"] is None and item["link"]
    assert item["text"] == "Lead Org 在“Lidar chip Series A”上登记了投资承诺，请确认。"
    assert client.get("/api/v1/notifications", headers=founder_en).json["items"][0]["text"] == \
        "Lead Org recorded a commitment on “Lidar chip Series A”: please confirm it."

    rival = bearer(app, world.emails["rival"])
    assert client.get("/api/v1/notifications", headers=rival).json == {"items": [], "unread": 0, "next": None}
    assert client.post(f"/api/v1/notifications/{item['id']}/read", headers=rival).status_code == 404
    assert run_in(lambda s: s.get(Notification, item["id"]).read_at) is None
    assert client.post(f"/api/v1/notifications/{item['id']}/read", headers=founder_en).status_code == 204
    assert client.get("/api/v1/notifications", headers=founder_en).json["unread"] == 0


def test_notifications_come_in_pages_newest_first_and_read_all_marks_every_one(app, client, run_in, world):
    def write(s):
        user = s.scalar(sa.select(User).where(User.email == world.emails["founder"]))
        s.add_all([Notification(user_id=user.id, kind="message", event="posted",
                                params={"org": {"zh_Hans": f"机构{n}", "en": f"Org {n}"}, "need": "Round"},
                                link="/intros/") for n in range(25)])
        s.commit()
    run_in(write)
    founder = bearer(app, world.emails["founder"])
    first = client.get("/api/v1/notifications?limit=20", headers=founder).json
    assert first["unread"] == 25 and len(first["items"]) == 20 and first["next"]
    assert first["items"][0]["text"] == "New message from Org 24 about “Round”."
    rest = client.get(first["next"], headers=founder).json
    assert [i["text"] for i in rest["items"]][-1] == "New message from Org 0 about “Round”." and rest["next"] is None
    assert client.post("/api/v1/notifications/read-all", headers=founder).status_code == 204
    assert client.get("/api/v1/notifications", headers=founder).json["unread"] == 0
    assert client.get("/api/v1/notifications?limit=0", headers=founder).status_code == 400

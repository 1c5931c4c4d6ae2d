"""Which reasons a match shows, and how they read to whom: facts before closeness scores, and the
viewer's own thesis or offer called "your", the match's called "the"."""
from __future__ import annotations

from flask import Flask

from marketplace.models import Park, Sector
from marketplace.services import reasons
from marketplace.services.matching import Reason

EN = {"Accept-Language": "en-US,en;q=0.9"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
NAMES = reasons.Names(sectors={}, stages={}, parks={}, orgs={"org:7": "Chip Base"},
                      offers={"product:3": "Antibody patent loan"})
PROFILE = Reason("profile_similarity", {"history": True})
TEXT = Reason("text_similarity", {})
THESIS = Reason("thesis_fit", {"fits": ["sector", "stage"], "share": 1.0})
INCUBATOR = Reason("incubator_link", {"incubator": "org:7"})
EARLIER = Reason("earlier_investor", {"rounds": 2})


def test_facts_come_before_closeness_scores_in_the_recommenders_order():
    assert reasons.shown([PROFILE, TEXT, INCUBATOR, EARLIER]) == [INCUBATOR, EARLIER, PROFILE]
    assert reasons.shown([TEXT, PROFILE]) == [TEXT]  # one closeness score: two read as the same reason
    assert reasons.shown([TEXT, THESIS, PROFILE]) == [THESIS, TEXT]


def read(app: Flask, reason: Reason, headers: dict[str, str], **voice: bool) -> str:
    with app.test_request_context(headers=headers):
        return reasons.describe(reason, NAMES, **voice)


def test_an_investor_reads_of_its_own_thesis_a_startup_of_the_investors(app):
    assert read(app, THESIS, EN, own=True) == "Fits your thesis on sector, stage"
    assert read(app, THESIS, EN) == "Fits the thesis on sector, stage"
    assert read(app, THESIS, ZH, own=True) == "符合您的投资偏好：领域、阶段"
    assert read(app, PROFILE, EN, own=True) == "Close to your past and stated interests"
    assert read(app, PROFILE, EN) == "Close to its past and stated interests"
    assert read(app, TEXT, EN, own=True) == "Its description is close to your stated interests"
    assert read(app, TEXT, EN) == "Its stated interests are close to your description"
    assert read(app, INCUBATOR, EN, own=True) == "Partner of Chip Base, this startup's incubator"
    assert read(app, INCUBATOR, EN) == "Partner of Chip Base, your incubator"
    assert read(app, INCUBATOR, ZH) == "与贵司所在的孵化器Chip Base有孵投联动合作"


def test_a_newcomer_that_declared_nothing_is_matched_on_its_kind_and_the_reason_says_so(app):
    typical = Reason("profile_similarity", {"history": False, "usual_for": "angel"})
    assert read(app, typical, EN, own=True) == "The stage and amount typical of your kind (Angel investor)"
    assert read(app, typical, EN) == "The stage and amount typical of its kind (Angel investor)"
    assert read(app, typical, ZH, own=True) == "您这类机构（天使投资人）常见的阶段与金额"
    assert read(app, typical, ZH) == "同类机构（天使投资人）常见的阶段与金额"
    stage = Reason("stage_history", {"history": False, "stage": "seed", "count": 0.4, "usual_for": "vc"})
    assert read(app, stage, EN) == "The stage and amount typical of its kind (Venture capital)"
    incubator = Reason("profile_similarity", {"history": False, "usual_for": "incubator"})  # no seats listed yet
    assert read(app, incubator, EN, offer=True, own=True) == "The stage and amount typical of your kind (Incubator)"
    unknown = Reason("profile_similarity", {"history": False, "usual_for": "capacity"})
    assert read(app, unknown, EN, own=True) == "Close to your stated interests"
    assert read(app, Reason("profile_similarity", {"history": False}), EN, own=True) == "Close to your stated interests"


def test_a_bank_reads_of_its_own_offer_a_startup_of_the_banks(app):
    assert read(app, THESIS, EN, offer=True, own=True) == "Fits your offer on sector, stage"
    assert read(app, THESIS, EN, offer=True) == "Fits the offer on sector, stage"
    assert read(app, THESIS, ZH, offer=True) == "符合申请条件：领域、阶段"  # a loan's or seats' alike
    partial = Reason("thesis_fit", {"fits": [], "share": 0.5})
    assert read(app, partial, EN, offer=True, own=True) == "Meets 50% of your offer's criteria"
    assert read(app, partial, ZH, own=True) == "满足您投资偏好的 50%"


def test_a_bank_reads_which_of_its_products_fits_a_startup_what_the_offer_states(app):
    named = Reason("thesis_fit", {"fits": ["ticket"], "ticket": [1e6, 1e7], "share": 1.0, "offer": "product:3"})
    assert read(app, named, EN, offer=True, own=True) == ("Fits your offer “Antibody patent loan” on amount range "
                                                          "CNY 1M to CNY 10M")
    assert read(app, named, ZH, offer=True, own=True).startswith("符合您的“Antibody patent loan”的申请条件：")
    declared = Reason("profile_similarity", {"history": False})
    assert read(app, declared, EN, offer=True) == "Close to what the offer states"
    assert read(app, declared, ZH, offer=True) == "与其申请条件相近"
    assert read(app, declared, EN) == "Close to its stated interests"


def test_rounds_funded_are_counted_as_rounds_in_chinese_too(app):
    biomedicine = Sector(code="biomedicine", name_zh="生物医药", name_en="Biomedicine")
    names = reasons.Names(sectors={"biomedicine": biomedicine}, stages={}, parks={}, orgs={})
    funded = Reason("sector_history", {"sector": "biomedicine", "count": 12, "history": True})
    with app.test_request_context(headers=ZH):
        assert reasons.describe(funded, names) == "参与过 12 次生物医药领域的融资"  # rounds (次), not companies (个项目)
    with app.test_request_context(headers=EN):
        assert reasons.describe(funded, names) == "Funded 12 rounds in Biomedicine"


def test_what_a_thesis_declares_is_told_as_declared_and_past_deals_as_past_deals(app):
    """The recommender counts only rounds funded (``recommender.rank``): a park the investor has
    funded nothing in but declares reads as its thesis, and an amount within its past deals says
    so, apart from the ticket it declares."""
    pudong = Park(code="zhangjiang", name_zh="张江科学城", name_en="Zhangjiang Science City")
    names = reasons.Names(sectors={}, stages={}, parks={"zhangjiang": pudong}, orgs={})
    declared = Reason("region", {"region": "zhangjiang", "count": 0, "home": False, "history": True})
    funded = Reason("region", {"region": "zhangjiang", "count": 3, "home": False, "history": True})
    past = Reason("ticket_fit", {"low": 1e6, "high": 8e6, "amount": 1.5e6, "deals": True, "history": True})
    one = Reason("ticket_fit", {"low": 2e6, "high": 2e6, "amount": 2e6, "deals": True, "history": True})
    ticket = Reason("ticket_fit", {"low": 5e6, "high": 5e7, "amount": 1e7, "deals": False, "history": True})
    with app.test_request_context(headers=EN):
        assert reasons.describe(declared, names, own=True) == "Your thesis covers Zhangjiang Science City"
        assert reasons.describe(funded, names) == "Funded 3 rounds in Zhangjiang Science City"
        assert reasons.describe(past, names, own=True) == ("The amount, CNY 1.5M, is within those of your past "
                                                           "deals (CNY 1M to CNY 8M)")
        assert reasons.describe(one, names) == "The amount, CNY 2M, is within those of its past deals (CNY 2M)"
        assert reasons.describe(ticket, names) == "The amount, CNY 10M, fits the range CNY 5M to CNY 50M"
    with app.test_request_context(headers=ZH):
        assert reasons.describe(declared, names, own=True) == "您的投资偏好涵盖张江科学城"
        assert reasons.describe(funded, names) == "参与过 3 次张江科学城企业的融资"
        assert reasons.describe(past, names, own=True) == "金额 150 万元 在您以往项目的金额范围内（100 万元 至 800 万元）"


def test_an_investor_only_introduced_to_a_company_is_not_called_its_investor(app):
    introduced = Reason("earlier_investor", {"rounds": 0, "history": True})
    assert read(app, introduced, EN, own=True) == "You have been in touch with this company before"
    assert read(app, introduced, EN) == "Has been in touch with your company before"
    assert read(app, introduced, ZH) == "此前与贵司有过对接"
    assert read(app, EARLIER, EN) == "Earlier investor in this company (2 rounds)"

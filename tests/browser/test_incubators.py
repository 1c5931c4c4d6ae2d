"""An incubator fills in its profile, offers relay-incubation seats, closes the offer and
browses the startups looking for incubation, in the browser."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from marketplace import clock
from marketplace.extensions import db
from marketplace.models import IncubationCapacity, Park, Stage, Startup
from tests.browser.conftest import LiveServer, shot
from tests.browser.test_journeys import log_in
from tests.conftest import create_account

pytestmark = pytest.mark.browser


def seeking_startup(server: LiveServer, name: str) -> None:
    with server.app.app_context():
        db.session.add(Startup(name=name, seeking_incubation=True, summary_en="Silicon photonics chips",
                               stage=db.session.scalar(sa.select(Stage).where(Stage.code == "seed")),
                               park=db.session.scalar(sa.select(Park).where(Park.code == "zizhu"))))
        db.session.commit()
        db.session.remove()


def offer_state(server: LiveServer) -> tuple[str, int, bool]:
    with server.app.app_context():
        try:
            capacity = db.session.scalar(sa.select(IncubationCapacity))
            return capacity.title, capacity.seats_total, capacity.is_open
        finally:
            db.session.remove()


def test_an_incubator_offers_seats_closes_them_and_browses_startups_in_english(page_factory, live_server):
    create_account(live_server.app, "incubator", "hub@incubator.example.cn", org="紫竹创业孵化器")
    seeking_startup(live_server, "光子芯片科技")
    page = page_factory("en-US")
    page.goto("/login")
    log_in(page, "hub@incubator.example.cn")

    page.get_by_test_id("edit-profile").click()
    form = page.get_by_test_id("profile-form")
    form.locator("select[name=tier]").select_option("national")
    form.locator("select[name=park]").select_option("zizhu")
    form.get_by_label("Pilot testing").check()
    form.get_by_label("Shared labs").check()
    form.locator("input[name=website]").fill("https://zizhu-hub.example.cn")
    shot(page, "incubator-01-profile-en")
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("Your profile is saved.")
    expect(page.get_by_text("National incubator · Zizhu Park")).to_be_visible()
    expect(page.get_by_text("Shared labs")).to_be_visible()

    page.get_by_test_id("manage-capacity").click()
    expect(page.get_by_test_id("empty")).to_be_visible()
    page.get_by_test_id("new-capacity").click()
    form = page.get_by_test_id("capacity-form")
    form.locator("input[name=title]").fill("Photonics relay seats")
    form.get_by_label("Integrated circuits").check()
    form.locator("select[name=stage_min]").select_option("series_a")
    form.locator("select[name=stage_max]").select_option("seed")
    form.locator("input[name=seats_total]").fill("8")
    form.locator("input[name=starts_on]").fill(clock.today().isoformat())
    form.locator("input[name=ends_on]").fill((clock.today() + timedelta(days=365)).isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator('[data-field-error="stage_max"]')).to_have_text("The last stage cannot come before the first.")
    shot(page, "incubator-02-stage-refused-en")
    page.locator("select[name=stage_max]").select_option("series_b")
    page.get_by_test_id("capacity-form").locator("button[type=submit]").click()

    row = page.get_by_test_id("capacities").locator("tbody tr").first
    expect(row).to_contain_text("Photonics relay seats")
    expect(row.get_by_test_id("seats-left")).to_have_text("8 of 8")
    expect(row).to_contain_text("Series A – Series B")
    shot(page, "incubator-03-offer-en")
    row.get_by_role("button", name="Close").click()
    expect(page.get_by_role("alert")).to_contain_text("is closed")
    expect(row.get_by_test_id("status")).to_have_text("Closed")
    assert offer_state(live_server) == ("Photonics relay seats", 8, False)

    page.get_by_role("link", name="Home").click()
    page.get_by_test_id("browse-startups").click()
    expect(page.get_by_test_id("startups")).to_contain_text("光子芯片科技")
    page.get_by_test_id("startup-filters").locator("select[name=park]").select_option("jiading")
    page.get_by_test_id("startup-filters").get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("empty")).to_be_visible()
    page.get_by_test_id("startup-filters").locator("select[name=park]").select_option("zizhu")
    page.get_by_test_id("startup-filters").get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("startups")).to_contain_text("Silicon photonics chips")
    shot(page, "incubator-04-startups-en")

"""The navigation bar is a side's one menu: it lights the section of the page open, forms and
detail pages included, and no page repeats it as a second row of tabs."""
from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.helpers import log_in

EN = {"Accept-Language": "en"}
SECTIONS = {  # a startup's page, and the navigation bar's item lit on it
    "/startup/": "Home",
    "/matches/": "Matches",
    "/startup/needs": "Funding needs",
    "/startup/needs/new": "Funding needs",
    "/startup/profile": "Profile",
    "/startup/ip": "IP portfolio",
    "/startup/ip/new": "IP portfolio",
}


def lit(html: str) -> list[str]:
    """The navigation bar's items marked active (links, dropdown entries and their groups)."""
    nav = html[html.index("<nav"):html.index("</nav>")]
    return re.findall(r'class="(?:nav-link|dropdown-item|nav-link dropdown-toggle) active"[^>]*>([^<]+)<', nav)


@pytest.mark.parametrize("page", SECTIONS)
def test_a_startups_page_lights_its_section_in_the_one_menu(client, make_user, page):
    log_in(client, make_user("startup"), PASSWORD)
    html = client.get(page, headers=EN).get_data(as_text=True)
    expected = [SECTIONS[page]]
    if SECTIONS[page] in ("Profile", "IP portfolio"):
        expected = ["Company", SECTIONS[page]]  # a dropdown's entry lights its group too
    assert lit(html) == expected
    assert "nav-tabs" not in html

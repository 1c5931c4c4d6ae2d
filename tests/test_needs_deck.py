"""The pitch deck: a PDF of at most 10 MB, stored under the instance folder, for the owner's eyes only."""
from __future__ import annotations

import io

import pytest

from marketplace.services.needs import DECK_MAX_BYTES
from tests import test_needs
from tests.conftest import PASSWORD
from tests.helpers import csrf_token, log_in
from tests.test_needs import EN, bearer, post_need

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n% confidential-deck-sentinel\n%%EOF\n"

founder, owner = test_needs.founder, test_needs.owner  # the same fixtures


@pytest.fixture
def uploads(app, tmp_path):
    """The app's instance folder, moved into the test's own temporary folder."""
    app.instance_path = str(tmp_path)
    return tmp_path / "uploads"


@pytest.fixture
def need_id(client, owner):
    return post_need(client, owner, status="open").get_json()["id"]


def put_deck(client, need_id, headers, data=PDF, filename="商业计划书 BP.pdf"):
    return client.put(f"/api/v1/needs/{need_id}/deck", headers=headers,
                      data={"deck": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def stored_decks(uploads):
    return sorted((uploads / "decks").glob("*")) if (uploads / "decks").exists() else []


def test_the_owner_uploads_and_downloads_a_deck(client, owner, need_id, uploads):
    response = put_deck(client, need_id, owner)
    assert response.status_code == 200, response.get_json()
    deck = response.get_json()["deck"]
    assert deck["filename"] == "商业计划书 BP.pdf" and deck["url"].endswith(f"/api/v1/needs/{need_id}/deck")
    [path] = stored_decks(uploads)
    assert path.suffix == ".pdf" and "BP" not in path.name and len(path.stem) == 32
    assert path.read_bytes() == PDF
    download = client.get(f"/api/v1/needs/{need_id}/deck", headers=owner)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf" and "no-store" in download.headers["Cache-Control"]
    assert "attachment" in download.headers["Content-Disposition"]


def test_a_new_deck_replaces_the_old_file_and_removing_it_deletes_it(client, owner, need_id, uploads):
    put_deck(client, need_id, owner)
    [first] = stored_decks(uploads)
    put_deck(client, need_id, owner, data=PDF + b"v2", filename="v2.pdf")
    [second] = stored_decks(uploads)
    assert first != second and not first.exists()
    assert client.get(f"/api/v1/needs/{need_id}/deck", headers=owner).data == PDF + b"v2"
    removed = client.delete(f"/api/v1/needs/{need_id}/deck", headers=owner)
    assert removed.status_code == 200 and removed.get_json()["deck"] is None
    assert stored_decks(uploads) == []
    assert client.get(f"/api/v1/needs/{need_id}/deck", headers=owner).status_code == 404


def test_a_file_that_is_not_a_pdf_is_refused(client, owner, need_id, uploads, row_counts):
    before = row_counts()
    for data in (b"MZ\x90\x00 not a pdf", b"", b"%PDF"):
        response = put_deck(client, need_id, owner, data=data, filename="deck.pdf")
        assert response.status_code == 422
        assert response.get_json() == {"errors": {"deck": ["The deck must be a PDF file."]}}
    no_file = client.put(f"/api/v1/needs/{need_id}/deck", headers=owner, data={"deck": "text"},
                         content_type="multipart/form-data")
    assert no_file.status_code == 422 and list(no_file.get_json()["errors"]) == ["deck"]
    assert client.put(f"/api/v1/needs/{need_id}/deck", headers=owner, json={}).status_code == 422
    assert stored_decks(uploads) == [] and row_counts() == before


def test_a_deck_over_10_mb_is_refused_and_over_11_mb_is_a_413(client, owner, need_id, uploads):
    too_big = put_deck(client, need_id, owner, data=PDF + b"0" * DECK_MAX_BYTES)
    assert too_big.status_code == 422 and too_big.get_json()["errors"] == {"deck": ["The deck may be at most 10 MB."]}
    huge = put_deck(client, need_id, owner, data=PDF + b"0" * (11 * 1024 * 1024))
    assert huge.status_code == 413 and huge.get_json() == {"errors": {"_": ["The upload is too large"]}}
    assert stored_decks(uploads) == []


def test_a_page_upload_over_the_limit_shows_the_error_page(client, founder, need_id, uploads):
    log_in(client, founder, PASSWORD)
    token = csrf_token(client, f"/startup/needs/{need_id}")
    response = client.post(f"/startup/needs/{need_id}/deck", headers=EN, content_type="multipart/form-data",
                           data={"csrf_token": token, "deck": (io.BytesIO(b"0" * (12 * 1024 * 1024)), "big.pdf")})
    assert response.status_code == 413 and "The upload is too large" in response.get_data(as_text=True)
    assert stored_decks(uploads) == []


def test_no_one_else_gets_the_deck_or_learns_of_it(client, run_in, owner, need_id, uploads, make_user):
    put_deck(client, need_id, owner)
    for role in ("startup", "investor", "bank", "incubator", "operator", "admin"):
        other = bearer(run_in, make_user(role), **EN)
        assert client.get(f"/api/v1/needs/{need_id}/deck", headers=other).status_code == 404, role
        body = client.get(f"/api/v1/needs/{need_id}", headers=other).get_data(as_text=True)
        assert "deck" not in body and "商业计划书" not in body and "BP.pdf" not in body, role
    assert client.get(f"/api/v1/needs/{need_id}/deck").status_code == 401


def test_the_deck_is_never_served_as_a_static_file(client, owner, need_id, uploads):
    put_deck(client, need_id, owner)
    [path] = stored_decks(uploads)
    for url in (f"/static/{path.name}", f"/static/../instance/uploads/decks/{path.name}",
                f"/uploads/decks/{path.name}", f"/instance/uploads/decks/{path.name}"):
        assert client.get(url).status_code == 404, url


def test_the_owner_uploads_a_deck_on_the_need_page(client, founder, need_id, uploads):
    log_in(client, founder, PASSWORD)
    page = f"/startup/needs/{need_id}"
    refused = client.post(f"{page}/deck", headers=EN, content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(client, page), "deck": (io.BytesIO(b"GIF89a"), "x.gif")})
    assert refused.status_code == 422 and "The deck must be a PDF file." in refused.get_data(as_text=True)
    uploaded = client.post(f"{page}/deck", headers=EN, content_type="multipart/form-data", follow_redirects=True,
                           data={"csrf_token": csrf_token(client, page), "deck": (io.BytesIO(PDF), "plan.pdf")})
    assert "Download plan.pdf" in uploaded.get_data(as_text=True)
    download = client.get(f"{page}/deck")
    assert download.status_code == 200 and download.data == PDF
    removed = client.post(f"{page}/deck/delete", data={"csrf_token": csrf_token(client, page)},
                          headers=EN, follow_redirects=True)
    assert "No deck uploaded yet." in removed.get_data(as_text=True) and stored_decks(uploads) == []

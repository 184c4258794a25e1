"""Public pages and open data go out gzip-compressed; pages that hold a secret never do (BREACH)."""

import gzip


def test_the_dashboard_goes_out_compressed_to_a_browser_that_accepts_gzip(client, demo):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "kecamatan" in gzip.decompress(response.content).decode()


def test_a_signed_in_visitor_gets_pages_uncompressed(staff_client, demo):
    response = staff_client.get("/admin/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_the_login_form_with_its_csrf_token_is_not_compressed(client, demo):
    response = client.get("/petugas/masuk/", headers={"Accept-Encoding": "gzip"})
    assert response.cookies  # the CSRF cookie is set with the form
    assert not response.has_header("Content-Encoding")


def test_a_csv_download_is_compressed_and_an_xlsx_is_not(client, demo):
    assert client.get("/data/events.csv", headers={"Accept-Encoding": "gzip"})["Content-Encoding"] == "gzip"
    assert not client.get("/data/events.xlsx", headers={"Accept-Encoding": "gzip"}).has_header("Content-Encoding")


def test_a_compressed_download_still_answers_304_to_its_weak_etag(client, demo):
    etag = client.get("/data/kim.csv", headers={"Accept-Encoding": "gzip"})["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/data/kim.csv", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304

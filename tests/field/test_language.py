"""The field area's language switch: same addresses, the language the officer chose."""

import json
import re

from django.conf import settings

SWITCH = "/petugas/bahasa/"


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)">', response.content.decode()).group(1)


def test_the_english_switch_in_the_field_area_is_a_form_that_stays_in_the_area(agus_client):
    html = agus_client.get("/petugas/laporan/").content.decode()
    assert f'action="{SWITCH}"' in html
    assert '<input type="hidden" name="next" value="/petugas/laporan/">' in html
    assert 'href="/en/petugas/' not in html


def test_an_officer_switches_the_field_area_to_english_and_back(agus_client):
    response = agus_client.post(SWITCH, {"language": "en", "next": "/petugas/laporan/baru/"})
    assert response.status_code == 302 and response.url == "/petugas/laporan/baru/"
    page = agus_client.get("/petugas/laporan/baru/")
    assert html_lang(page) == "en" and "Report an event that has been held" in page.content.decode()
    agus_client.post(SWITCH, {"language": "id", "next": "/petugas/"})
    assert "Laporkan kegiatan" in agus_client.get("/petugas/").content.decode()


def test_every_field_page_follows_the_chosen_language(agus_client):
    agus_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in ["/petugas/", "/petugas/kegiatan/rencana/", "/petugas/laporan/", "/petugas/kim/usulkan/"]:
        assert html_lang(agus_client.get(url)) == "en", url
    refused = agus_client.post("/petugas/laporan/kirim/", {}, HTTP_ACCEPT="application/json")
    assert refused.json()["message"] == "Refused by the server. Fix the following entries and send again."


def test_the_login_page_follows_the_chosen_language(client, db):
    client.post(SWITCH, {"language": "en", "next": "/petugas/masuk/"})
    page = client.get("/petugas/masuk/")
    assert html_lang(page) == "en" and "Field officer login" in page.content.decode()


def test_choosing_english_in_the_field_area_leaves_the_public_addresses_as_they_are(agus_client, demo):
    agus_client.post(SWITCH, {"language": "en", "next": "/petugas/"})
    assert html_lang(agus_client.get("/")) == "id"
    assert html_lang(agus_client.get("/en/")) == "en"


def sw_config(client) -> dict:
    body = client.get("/petugas/sw.js").content.decode()
    return json.loads(re.search(r"self\.FIELD_SW = (.*);", body).group(1))


def test_a_change_of_language_gives_a_new_service_worker_that_keeps_the_pages_anew(agus_client):
    indonesian = sw_config(agus_client)
    agus_client.post(SWITCH, {"language": "en", "next": "/petugas/"})
    english = sw_config(agus_client)
    assert english["version"] != indonesian["version"]
    assert english["offline_text"] == "No signal, and this page is not stored on the phone yet."
    assert 'data-sw="/petugas/sw.js?lang=en"' in agus_client.get("/petugas/").content.decode()

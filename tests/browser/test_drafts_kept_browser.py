"""Nothing typed is lost (the interface issue, item 4): text typed into an action's form on the
detail page survives an upload sent by another form of the same page, which reloads it."""

from __future__ import annotations

import re

import pytest

from sikd.core import clock
from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD
from sikd.testing.api import ApiUser
from sikd.testing.journeys import SISTER_CITY

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# a field of the action itself (not of a document the action form also files)
ACTION_FIELDS = (
    "form[method=post][action*=tindakan] textarea:not([name^=dok-]):visible, "
    "form[method=post][action*=tindakan] input[type=text]:not([name^=dok-]):visible"
)


def test_text_typed_in_an_action_form_survives_an_upload_of_another_form(
    person, live_server, client
):
    tkksd = person("32.75", ["tkksd"])
    api = ApiUser(client, tkksd.user, TEST_PASSWORD)
    created = api.post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    api.act(cid, "lanjut_penjajakan", kinds, clock.now().date())  # the kajian is asked for now
    tkksd.goto(f"{live_server}/kerja-sama/{cid}")
    typed = "Catatan rapat TKKSD 3 Desember: lanjutkan, mitra sudah menjawab."
    box = tkksd.locator(ACTION_FIELDS).first
    box.fill(typed)
    name = box.get_attribute("name")

    separate = tkksd.locator("#unggah-terpisah")
    if separate.count() and not separate.evaluate("d => d.open"):
        separate.locator("summary").click()
    upload = tkksd.locator("[id^=unggah-] form").first
    upload.locator('input[type="file"]').set_input_files(
        {"name": "lampiran.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    for field in upload.locator("input[type=text]:visible, textarea:visible").all():
        field.fill("isi")
    with tkksd.expect_navigation():
        upload.get_by_role("button", name=re.compile("^Unggah")).click()

    kept = tkksd.locator(f'form[method=post][action*=tindakan] [name="{name}"]').first
    assert kept.input_value() == typed
    # a secret is never kept: the browser storage holds no pass/NIK field
    stored = tkksd.evaluate("() => Object.keys(sessionStorage).join(' ')")
    assert not re.search(r"pass|nik", stored, re.I)

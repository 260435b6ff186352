"""The security policy in a real browser: pages that frame or style something of our own still
work with it on (the person fixture fails the test on any Content-Security-Policy violation)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_letterhead_settings_show_the_framed_letter_preview(person, live_server):
    admin = person("32.75", ["tenant_admin"])
    admin.goto(f"{live_server}/pengaturan/kop-surat")
    frame = admin.frame_locator("iframe[title^='Pratinjau surat']")
    frame.locator(".kop").wait_for()
    # the letter's own stylesheet applies inside the frame: the kop is centred
    assert frame.locator(".kop").evaluate("e => getComputedStyle(e).textAlign") == "center"
    box = admin.locator("iframe[title^='Pratinjau surat']").bounding_box()
    assert box["height"] > 500  # .letter-preview from sikd.css (40rem), not an inline style

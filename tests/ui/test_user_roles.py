"""The tenant admin edits a user's roles and unit (/admin/pengguna/<id>): roles must fit the
tenant, an OPD user needs a unit, the change is audited and holds from the user's next page."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from sikd.testing.web import csrf, text


def test_the_admin_changes_roles_and_unit_and_the_user_sees_them_next(web, app_ctx):
    admin = web("32.75", ["tenant_admin"])
    staff = web("32.75", ["opd"], unit="Dinas Pariwisata")
    url = f"/admin/pengguna/{staff.user.id}"
    page = text(admin.get(url))
    assert 'id="ubah-peran"' in page
    assert "Verifikator Gubernur" not in page  # a Kota cannot hold a provinsi's role

    def post(roles, unit):
        data = MultiDict([("csrf_token", csrf(page)), ("unit", unit)])
        for role in roles:
            data.add("roles", role)
        return admin.post(f"{url}/peran", data=data)

    refused = post(["gubernur_verifier"], "")
    assert refused.status_code == 422 and "tidak dapat diberikan" in text(refused)
    no_unit = post(["opd"], "")
    assert no_unit.status_code == 422 and "Isi unit" in text(no_unit)
    assert post(["tkksd", "opd"], "Bagian Kerja Sama").status_code == 302
    shown = text(admin.get(url))
    assert "Peran dan unit" in shown and "TKKSD / Bagian Kerja Sama" in shown
    inbox = text(staff.get("/beranda"))
    assert "TKKSD / Bagian Kerja Sama" in inbox and "Bagian Kerja Sama" in inbox
    from sqlalchemy import select

    from sikd.audit.models import AuditEntry
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with system_scope():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "user")
        ).all()
        db.session.commit()
    assert "user.roles_changed" in actions

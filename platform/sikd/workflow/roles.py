"""Roles inside a tenant (DOMAIN.md §1) and the tenant kinds each makes sense on."""

from __future__ import annotations

from dataclasses import dataclass

DAERAH = ("provinsi", "kabupaten", "kota")


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    kinds: tuple[str, ...]
    tenant_codes: tuple[str, ...] = ()  # when set, only these tenants (e.g. Kemendagri)
    basis: str = ""

    def allowed_on(self, tenant_kind: str, tenant_code: str) -> bool:
        if tenant_kind not in self.kinds:
            return False
        return not self.tenant_codes or tenant_code in self.tenant_codes


ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        Role(
            "opd",
            "Perangkat Daerah Pemrakarsa",
            DAERAH,
            basis="Perwal Bekasi 57/2023 Pasal 1 angka 7",
        ),
        Role(
            "tkksd",
            "TKKSD / Bagian Kerja Sama",
            DAERAH,
            basis="Perwal Bekasi 57/2023 Pasal 1 angka 27",
        ),
        Role("kepala_daerah", "Kepala Daerah", DAERAH, basis="Perwal Bekasi 57/2023 Pasal 54"),
        Role(
            "sekretariat_dprd",
            "Sekretariat DPRD",
            DAERAH,
            basis="Perwal Bekasi 57/2023 Pasal 64-65",
        ),
        Role(
            "tim_pengawasan",
            "Tim Pembinaan dan Pengawasan",
            DAERAH,
            basis="Perwal Bekasi 57/2023 Pasal 84",
        ),
        Role("tenant_admin", "Administrator Instansi", (*DAERAH, "kementerian")),
        Role(
            "gubernur_verifier",
            "Verifikator Gubernur",
            ("provinsi",),
            basis="Perwal Bekasi 57/2023 Pasal 66(2), 68(2); Permendagri 23/2009 Pasal 3",
        ),
        Role(
            "sekjen_verifier",
            "Verifikator Sekretariat Jenderal Kemendagri",
            ("kementerian",),
            ("KEMENDAGRI",),
            basis="Permendagri 25/2020 tahap 7",
        ),
        Role(
            "sekjen_leader",
            "Pimpinan Sekretariat Jenderal Kemendagri",
            ("kementerian",),
            ("KEMENDAGRI",),
            basis="Permendagri 25/2020 tahap 10",
        ),
        Role(
            "kemlu_reviewer",
            "Penelaah Kementerian Luar Negeri",
            ("kementerian",),
            ("KEMLU",),
            basis="Perwal Bekasi 57/2023 Pasal 1 angka 17",
        ),
        Role("platform_operator", "Operator Platform", ("kementerian",), ("KEMENDAGRI",)),
    )
}


def role_label(code: str) -> str:
    role = ROLES.get(code)
    return role.label if role else code

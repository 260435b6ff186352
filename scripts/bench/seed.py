"""Fill a fresh database with the national dataset the page benchmark runs against.

    PYTHONPATH=platform:workers .venv/bin/python scripts/bench/seed.py --scale 0.1

At ``--scale 1`` (full): 552 daerah + Kemendagri and Kemlu (the real tenant sync), 100,000
cooperations (Kota Bekasi ~2,000), ~1.0 M document versions, ~1.4 M stage events, ~1.8 M
notifications and ~10 M audit entries. Everything scales linearly with ``--scale``.

How: the database is created and migrated exactly as the test harness does (``ensure_database``,
Alembic ``upgrade``, ``sync_tenants``); every daerah pins its rulebook through the app's own
``current_rulebook_version``. The per-cooperation skeleton (tenant, type, process, current stage
along that process's workflow in the tenant's merged rulebook, counts of events, documents,
versions and audit entries) is drawn in Python with a fixed seed and COPYed into a scratch
schema; the big tables are then filled with ``INSERT … SELECT generate_series`` as the table owner
in the system scope (RLS is FORCEd, so the owner is checked too). Their constraints and indexes
are dropped first and recreated from their own definitions afterwards (same names, same SQL).

The audit log is hash-chained per tenant: each tenant's rows are generated in SQL and streamed
out with COPY in ``seq`` order, hashed in Python with the app's own ``_canonical`` on the previous
hash (two worker processes, a tenant each), and streamed back with COPY. At the end the
benchmark accounts are created through the app (their ``user.created`` entries continue those
chains) and Kota Bekasi's whole chain is checked with the app's ``verify_chain``.
"""

from __future__ import annotations

import argparse
import copy
import multiprocessing
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

FULL = {
    "cooperations": 100_000,
    "bekasi": 2_000,
    "versions": 1_000_000,
    "events": 1_400_000,
    "audit": 10_000_000,
}
BULK_TABLES = (
    "cooperations",
    "cooperation_access",
    "stage_events",
    "routing_hops",
    "deadlines",
    "documents",
    "document_versions",
    "notifications",
    "audit_entries",
)
TYPES = [  # (type, share, subtypes)
    ("KSDD", 0.40, ["wajib", "sukarela"]),
    ("KSDPK", 0.35, ["pelayanan_publik", "pengelolaan_aset", "investasi", "lainnya"]),
    ("KSDPL", 0.15, ["kota_kembar", "lainnya"]),
    ("KSDLL", 0.10, ["penerusan", "lainnya"]),
]
TOPICS = [
    "Penyediaan Air Minum",
    "Pengelolaan Sampah Regional",
    "Transportasi Perkotaan",
    "Pengembangan Pariwisata",
    "Pendidikan Vokasi",
    "Pelayanan Kesehatan Rujukan",
    "Penanggulangan Bencana",
    "Pengelolaan Pasar Induk",
    "Penerangan Jalan Umum",
    "Pengolahan Air Limbah",
    "Ketahanan Pangan",
    "Pemberdayaan UMKM",
    "Sistem Informasi Kependudukan",
    "Pengembangan Kawasan Industri",
    "Pengelolaan Daerah Aliran Sungai",
    "Pertukaran Budaya dan Kepemudaan",
    "Peningkatan Kapasitas Aparatur",
    "Energi Baru Terbarukan",
    "Penataan Ruang Perbatasan",
    "Pengelolaan Terminal Terpadu",
    "Promosi Investasi",
    "Kota Cerdas",
    "Rumah Sakit Daerah",
    "Konservasi Hutan Kota",
    "Pengembangan Pelabuhan",
    "Pelatihan Tenaga Kerja",
    "Penyediaan Perumahan Rakyat",
    "Pengendalian Banjir",
    "Revitalisasi Kota Lama",
    "Pertanian Organik",
]
COMPANIES = ["PT Tirta", "PT Sarana", "PT Mitra", "PT Karya", "PT Nusantara", "PT Bumi"]
COUNTRIES = [
    ("JP", "Kota Kitakyushu"),
    ("KR", "Kota Changwon"),
    ("CN", "Kota Guangzhou"),
    ("NL", "Gemeente Den Haag"),
    ("AU", "City of Darwin"),
    ("DE", "Stadt Freiburg"),
    ("FR", "Ville de Lyon"),
    ("MY", "Majlis Bandaraya Johor Bahru"),
    ("SG", "Singapore Cooperation Enterprise"),
    ("US", "City of Honolulu"),
]
USER_ROLES_DAERAH = ["tkksd", "opd", "kepala_daerah", "sekretariat_dprd", "tim_pengawasan"]


def log(msg: str, t0: float) -> None:
    print(f"[{time.monotonic() - t0:7.1f} s] {msg}", flush=True)


# --- the app part: database, migrations, tenants, rulebooks --------------------------------


def prepare(scale: float, settings):
    from flask_migrate import upgrade

    from sikd import create_app
    from sikd.devtools.dbsetup import ensure_database
    from sikd.tenancy.services import sync_tenants

    ensure_database(benchlib.admin_url(), benchlib.database_name(scale), drop_first=True)
    app = create_app(settings)
    with app.app_context():
        upgrade()
        sync_tenants()
    return app


def pin_rulebooks(app) -> None:
    from sqlalchemy import select

    from sikd.core.extensions import db
    from sikd.rules import loader
    from sikd.rules.versions import current_rulebook_version
    from sikd.tenancy.models import Tenant
    from sikd.tenancy.scope import system_scope

    # Validating a merged rulebook takes ~0.3 s and the loader caches per tenant code; tenants
    # whose rule files are the same chain share one build (only ``id`` differs), so the loader's
    # cache is primed with exactly what it would build, and the app then pins each version.
    built: dict[tuple, object] = {}
    with app.app_context(), system_scope():
        for tenant in db.session.scalars(select(Tenant).order_by(Tenant.id)).all():
            if not tenant.is_daerah:
                continue
            files = loader.tenant_chain(tenant.code, Path(loader.RULES_DIR))
            chain = tuple(files)
            if chain not in built:
                built[chain] = loader._build_effective_rulebook(tenant.code, files)
            merged = copy.deepcopy(built[chain])
            merged.tenant_code = tenant.code
            merged.data["id"] = tenant.code
            stamp = tuple((str(f), f.stat().st_mtime) for f in files)
            loader._CACHE[(tenant.code, str(Path(loader.RULES_DIR)))] = (stamp, merged)
            current_rulebook_version(tenant)
        db.session.commit()


# --- the skeleton, drawn in Python ------------------------------------------------------------


def _copy(cur, table: str, columns: list[str], rows) -> None:
    with cur.copy(f"copy {table} ({', '.join(columns)}) from stdin") as copy:
        for row in rows:
            copy.write_row(row)


def load_reference(conn) -> dict:
    """Tenants, pinned rulebooks and the stage tables the generator joins against."""
    from sikd.workflow.transitions import deadline_specs as _deadline_specs

    tenants = conn.execute(
        "select id, code, name, kind, parent_id from tenants order by id"
    ).fetchall()
    versions = conn.execute(
        "select tenant_id, id, content_hash, rulebook from rulebook_versions"
    ).fetchall()
    by_tenant = {t: (vid, h) for t, vid, h, _ in versions}
    rulebooks = {h: rb for _, _, h, rb in versions}
    stages, specs, procs = [], [], {}
    for h, rb in rulebooks.items():
        for pid, proc in rb["processes"].items():
            if not proc.get("applies_to"):
                continue  # pemetaan / pengawasan: not a kerja sama
            kinds = sorted(
                {k for s in proc["stages"] for k in (s.get("requires_documents") or [])}
                | {
                    k
                    for s in proc["stages"]
                    for a in s.get("actions") or []
                    if isinstance(a, dict)
                    for k in (a.get("requires_documents") or [])
                }
            ) or sorted(rb.get("document_kinds") or {"lainnya": {}})
            procs[(h, pid)] = {
                "applies": [(a["type"], a.get("subtypes") or []) for a in proc["applies_to"]],
                "n": len(proc["stages"]),
                "levels": [s.get("level", "own") for s in proc["stages"]],
                "kinds": kinds,
            }
            for ord_, s in enumerate(proc["stages"]):
                actions = [a["id"] if isinstance(a, dict) else a for a in s.get("actions") or []]
                stages.append(
                    (
                        h,
                        pid,
                        ord_,
                        s["id"],
                        s.get("label", s["id"]),
                        s.get("level", "own"),
                        s.get("roles") or [],
                        actions[0] if actions else None,
                        (s.get("basis") or "")[:200],
                    )
                )
                for spec in _deadline_specs(s):
                    d = asdict(spec)
                    days = {"hari": 1, "hari_kerja": 1.4, "bulan": 30, "tahun": 365}.get(
                        spec.unit, 1
                    )
                    specs.append((h, pid, ord_, _json(d), f"{spec.amount * days} days"))
            terminal = "selesai" if "selesai" in (proc.get("terminals") or {}) else None
            if terminal:
                stages.append(
                    (h, pid, len(proc["stages"]), terminal, "Selesai", "own", [], None, "")
                )
    return {
        "tenants": tenants,
        "by_tenant": by_tenant,
        "stages": stages,
        "specs": specs,
        "procs": procs,
    }


def _json(value) -> str:
    import json

    return json.dumps(value, default=str)


def draw_skeleton(ref: dict, scale: float, users: dict, now: datetime) -> list[tuple]:
    """One row per cooperation: who, what, where in its workflow, and how much history."""
    rng = random.Random(20261122)  # noqa: S311 - reproducible data, not secrets
    n = max(int(round(FULL["cooperations"] * scale)), 60)
    tenants = {t[0]: t for t in ref["tenants"]}
    daerah = [t for t in ref["tenants"] if t[3] in ("provinsi", "kabupaten", "kota")]
    code_of = {t[0]: t[1] for t in ref["tenants"]}
    bekasi = next(t for t in daerah if t[1] == "32.75")

    def weight(t) -> float:
        w = {"provinsi": 2.5, "kota": 1.6, "kabupaten": 1.0}[t[3]]
        return w * (1.8 if t[1][:2] in ("31", "32", "33", "34", "35", "36") else 1.0)

    others = [t for t in daerah if t[0] != bekasi[0]]
    n_bekasi = max(int(round(FULL["bekasi"] * scale)), 20)
    weights = [weight(t) for t in others]
    owners = [bekasi[0]] * n_bekasi + rng.choices(
        [t[0] for t in others], weights=weights, k=n - n_bekasi
    )
    rng.shuffle(owners)  # tenants interleave over time, as in real use

    kemendagri = next(t[0] for t in ref["tenants"] if t[1] == "KEMENDAGRI")
    kemlu = next(t[0] for t in ref["tenants"] if t[1] == "KEMLU")
    kinds_of_proc = {}
    rows = []
    counters: dict[tuple[int, int], int] = defaultdict(int)
    ev_target = FULL["events"] * scale
    ver_target = FULL["versions"] * scale
    aud_target = FULL["audit"] * scale
    pre = []
    for cid, tid in enumerate(owners, start=1):
        t = tenants[tid]
        vid, h = ref["by_tenant"][tid]
        r = rng.random()
        acc = 0.0
        for typ, share, subs in TYPES:  # noqa: B007 - the chosen one is used below
            acc += share
            if r <= acc:
                break
        sub = rng.choice(subs)
        proc_id = next(
            pid
            for (hh, pid), p in ref["procs"].items()
            if hh == h and any(a[0] == typ and (not a[1] or sub in a[1]) for a in p["applies"])
        )
        proc = ref["procs"][(h, proc_id)]
        kinds_of_proc[(h, proc_id)] = proc["kinds"]
        if rng.random() < 0.15:
            status, ord_ = "selesai", proc["n"]
        else:
            status = "berjalan"
            w = [3.0 if lvl == "provinsi" else 1.0 for lvl in proc["levels"]]
            ord_ = rng.choices(range(proc["n"]), weights=w)[0]
        level = "own" if status != "berjalan" else proc["levels"][ord_]
        if level == "provinsi" and t[3] == "provinsi":
            level_holder = tid
        else:
            level_holder = {
                "provinsi": t[4] or tid,
                "kemendagri": kemendagri,
                "kemlu": kemlu,
            }.get(level, tid)
        age_days = rng.uniform(30, 6 * 365)
        created = now - timedelta(days=age_days, seconds=rng.randrange(86400))
        if level == "provinsi":
            entered = now - timedelta(days=rng.uniform(0, 9))
        else:
            entered = now - timedelta(days=min(age_days - 1, rng.random() ** 2 * 200))
        entered = max(entered, created + timedelta(hours=1))
        pre.append(
            (
                cid,
                tid,
                t,
                vid,
                h,
                typ,
                sub,
                proc_id,
                ord_,
                status,
                level,
                level_holder,
                created,
                entered,
            )
        )
    base_ev = sum(p[8] + 1 for p in pre)
    lam_ev = max((ev_target - base_ev) / len(pre), 0.0)
    for p in pre:
        (cid, tid, t, vid, h, typ, sub, proc_id, ord_, status, level, holder, created, entered) = p
        n_ev = ord_ + 1 + int(rng.expovariate(1 / lam_ev)) if lam_ev else ord_ + 1
        n_ver = max(1, min(150, int(rng.expovariate(1 / (ver_target / len(pre))))))
        n_docs = max(1, min(n_ver, 1 + ord_ // 2, 12))
        year = created.year
        counters[(tid, year)] += 1
        number = f"KS/{code_of[tid]}/{year}/{counters[(tid, year)]:04d}"
        topic = rng.choice(TOPICS)
        country = None
        if typ == "KSDD":
            partner = rng.choice(daerah)[2]
            pkind = "pemerintah_daerah"
        elif typ == "KSDPK":
            partner = f"{rng.choice(COMPANIES)} {topic.split()[-1]}"
            pkind = "badan_usaha"
        else:
            country, partner = rng.choice(COUNTRIES)
            pkind = "pemerintah_daerah_luar_negeri" if typ == "KSDPL" else "lembaga_luar_negeri"
        title = f"{topic} {t[2]}"
        flags = ["dormant"] if status == "berjalan" and rng.random() < 0.02 else []
        creator = users.get((tid, "opd")) or users.get((tid, "tkksd"))
        rows.append(
            [
                cid,
                tid,
                t[4] or tid,
                vid,
                h,
                typ,
                sub,
                proc_id,
                ord_,
                status,
                level,
                holder,
                created,
                entered,
                n_ev,
                n_docs,
                n_ver,
                0,
                number,
                year,
                title,
                partner,
                pkind,
                country,
                "{" + ",".join(flags) + "}",
                rng.randrange(50, 50_000) * 1_000_000,
                creator,
            ]
        )
    base_aud = sum(r[14] + r[16] for r in rows)
    lam_aud = max((aud_target - base_aud) / len(rows), 0.0)
    for r in rows:
        r[17] = r[14] + r[16] + (int(rng.expovariate(1 / lam_aud)) if lam_aud else 0)
    return rows, kinds_of_proc


COOP_COLUMNS = [
    "id", "tenant_id", "provinsi_id", "rbv_id", "rb", "type", "subtype", "process", "ord",
    "status", "level", "holder_id", "created_at", "entered_at", "n_ev", "n_docs", "n_ver",
    "n_aud", "number", "year", "title", "partner", "partner_kind", "country", "flags", "cost",
    "creator",
]  # fmt: skip

SCRATCH_SQL = """
drop schema if exists bench_seed cascade;
create schema bench_seed;
create function bench_seed.u(bigint) returns float8 language sql immutable parallel safe as
  $$ select (hashint8($1) & 2147483647)::float8 / 2147483648.0 $$;
create unlogged table bench_seed.coop (
  id int primary key, tenant_id int, provinsi_id int, rbv_id int, rb text, type text,
  subtype text, process text, ord int, status text, level text, holder_id int,
  created_at timestamptz, entered_at timestamptz, n_ev int, n_docs int, n_ver int, n_aud int,
  number text, year int, title text, partner text, partner_kind text, country text,
  flags text[], cost bigint, creator int,
  ev_base bigint, doc_base int, ver_base int);
create unlogged table bench_seed.stages (
  rb text, process text, ord int, stage text, label text, level text, roles text[],
  first_action text, basis text, primary key (rb, process, ord));
create unlogged table bench_seed.specs (
  rb text, process text, ord int, spec jsonb, span interval);
create unlogged table bench_seed.kinds (rb text, process text, k int, nk int, kind text);
create unlogged table bench_seed.tenant (
  tenant_id int primary key, user_id int, label text);
"""


# --- the bulk SQL ----------------------------------------------------------------------------

HOLDER = """case {lvl} when 'provinsi' then c.provinsi_id when 'kemendagri' then {kmd}
  when 'kemlu' then {kml} else c.tenant_id end"""

STEPS_A = {
    "cooperations": """
insert into cooperations (id, number, year, type, subtype, title, partner_name, partner_kind,
  partner_country, objek, persyaratan, prakarsa_origin, facts, flags, process, stage, status,
  holder_level, holder_tenant_id, stage_entered_at, rulebook_version_id, version, term_start,
  term_end, estimated_cost, benefit_note, created_by, created_at, updated_at, tenant_id,
  stage_label, holder_roles)
select c.id, c.number, c.year, c.type, c.subtype, c.title, c.partner, c.partner_kind, c.country,
  case when c.country is null then '{}'::varchar[] else '{pertukaran_budaya,iptek}' end,
  case when c.country is null then '{}'::varchar[]
       else '{hubungan_diplomatik,urusan_pemerintahan_daerah,kesetaraan_status,tanpa_kantor_perwakilan,tidak_mencampuri_urusan,sesuai_rencana_pembangunan,hibah_sesuai_ketentuan,iptek_dapat_dialihkan,saling_melengkapi,hubungan_antarmasyarakat}' end,
  'daerah', '{}', c.flags, c.process, s.stage, c.status, c.level, c.holder_id, c.entered_at,
  c.rbv_id, c.n_ev, case when c.ord > 12 then c.created_at::date + 400 end,
  case when c.ord > 12 then c.created_at::date + 400 + 5 * 365 end, c.cost,
  'Manfaat bagi masyarakat ' || c.title, c.creator, c.created_at, c.entered_at, c.tenant_id,
  s.label, case when c.status = 'berjalan' then s.roles else '{}'::varchar[] end
from bench_seed.coop c join bench_seed.stages s on (s.rb, s.process, s.ord) = (c.rb, c.process, c.ord)
""",
    "bench_seed.ev": """
create unlogged table bench_seed.ev as
select c.id as coop_id, i, (i * c.ord) / greatest(c.n_ev - 1, 1) as pos,
  ((i - 1) * c.ord) / greatest(c.n_ev - 1, 1) as ppos,
  date_trunc('second', c.created_at + (c.entered_at - c.created_at)
    * (i::float8 / greatest(c.n_ev - 1, 1))) as at,
  date_trunc('second', c.created_at + (c.entered_at - c.created_at)
    * ((i + 1)::float8 / greatest(c.n_ev - 1, 1))) as next_at,
  i = c.n_ev - 1 as last
from bench_seed.coop c, generate_series(0, c.n_ev - 1) i
""",
}

STEPS_B1 = {
    "stage_events": """
insert into stage_events (id, tenant_id, cooperation_id, at, from_stage, to_stage, action, kind,
  actor_user_id, actor_tenant_id, actor_label, inputs, skipped, basis, expiry)
select c.ev_base + e.i, c.tenant_id, c.id, e.at, ps.stage, s.stage,
  case when e.i = 0 then null when e.pos = e.ppos then 'kembalikan' else ps.first_action end,
  case when e.i = 0 then 'start' when e.pos = e.ppos then 'return'
       when s.stage = 'selesai' then 'decide' else 'advance' end,
  a.user_id, a.tenant_id, a.label, '{}', '[]', s.basis, null
from bench_seed.ev e join bench_seed.coop c on c.id = e.coop_id
join bench_seed.stages s on (s.rb, s.process, s.ord) = (c.rb, c.process, e.pos)
left join bench_seed.stages ps on e.i > 0 and (ps.rb, ps.process, ps.ord) = (c.rb, c.process, e.ppos)
join bench_seed.tenant a on a.tenant_id = """
    + HOLDER.format(lvl="coalesce(ps.level, 'own')", kmd="{kmd}", kml="{kml}"),
    "routing_hops": """
insert into routing_hops (tenant_id, cooperation_id, stage, level, holder_tenant_id, holder_roles,
  received_at, due_at, acted_at, outcome, note, basis)
select tenant_id, coop_id, stage, level, holder, roles, at, due_at,
  case when nxt is not null then nxt when status <> 'berjalan' then at end,
  case when nxt is null then case when status <> 'berjalan' then 'decided' end
       when level = 'provinsi' and bench_seed.u(coop_id * 1000 + i) < 0.12 then 'routed_directly'
       when level = 'own' then 'forwarded' else 'decided' end,
  null, basis
from (
  select c.tenant_id, e.coop_id, e.i, c.status, s.stage, s.level, s.roles, s.basis, e.at,
    """
    + HOLDER.format(lvl="s.level", kmd="{kmd}", kml="{kml}")
    + """ as holder,
    case when s.level = 'provinsi' then e.at + interval '7 days' end as due_at,
    lead(e.at) over (partition by e.coop_id order by e.i) as nxt
  from bench_seed.ev e join bench_seed.coop c on c.id = e.coop_id
  join bench_seed.stages s on (s.rb, s.process, s.ord) = (c.rb, c.process, e.pos)
  left join bench_seed.stages ps on e.i > 0
    and (ps.rb, ps.process, ps.ord) = (c.rb, c.process, e.ppos)
  where e.i = 0 or s.level is distinct from ps.level or e.last
) h
""",
    "deadlines": """
insert into deadlines (tenant_id, cooperation_id, stage, spec, starts_at, due_at, calendar_version,
  status, reminders_sent, closed_at, fired_at)
select c.tenant_id, c.id, s.stage, sp.spec, e.at, e.at + sp.span, %(calendar)s,
  case when e.last and c.status = 'berjalan' then 'open' else 'closed' end,
  '{}', case when not (e.last and c.status = 'berjalan') then least(e.next_at, e.at + sp.span) end,
  null
from bench_seed.ev e join bench_seed.coop c on c.id = e.coop_id
join bench_seed.stages s on (s.rb, s.process, s.ord) = (c.rb, c.process, e.pos)
join bench_seed.specs sp on (sp.rb, sp.process, sp.ord) = (c.rb, c.process, e.pos)
where e.last or e.pos <> (((e.i + 1) * c.ord) / greatest(c.n_ev - 1, 1))
""",
    "cooperation_access": """
insert into cooperation_access (tenant_id, cooperation_id, owner_tenant_id, reason, created_at)
select c.provinsi_id, c.id, c.tenant_id, 'provinsi', c.created_at
from bench_seed.coop c where c.provinsi_id <> c.tenant_id
union all
select {kmd}, c.id, c.tenant_id, 'kemendagri', c.created_at from bench_seed.coop c
union all
select {kml}, c.id, c.tenant_id, 'kemlu', c.created_at from bench_seed.coop c
where c.process = 'luar_negeri'
  and c.ord >= (select min(ord) from bench_seed.stages s
                where s.rb = c.rb and s.process = c.process and s.level = 'kemlu')
""",
}

STEPS_B2 = {
    "documents": """
insert into documents (id, uuid, cooperation_id, kind, stage, title, current_version_id,
  superseded, created_by, created_at, tenant_id)
select c.doc_base + g.k, md5('doc' || (c.doc_base + g.k))::uuid, c.id, kd.kind, null,
  initcap(replace(kd.kind, '_', ' ')) || ' ' || c.number,
  c.ver_base + g.k + c.n_docs * ((c.n_ver - 1 - g.k) / c.n_docs), false, c.creator,
  c.created_at + (c.entered_at - c.created_at) * (g.k::float8 / (c.n_docs + 1)), c.tenant_id
from bench_seed.coop c cross join lateral generate_series(0, c.n_docs - 1) as g(k)
join bench_seed.kinds kd on kd.rb = c.rb and kd.process = c.process
  and kd.k = (g.k + c.id) %% kd.nk
""",
    "document_versions": """
insert into document_versions (id, document_id, number, filename, content_type, size, sha256,
  storage_key, storage_version_id, uploaded_by, uploaded_at, fields, tenant_id)
select c.ver_base + j, c.doc_base + j %% c.n_docs, j / c.n_docs + 1,
  'dokumen_' || (c.doc_base + j %% c.n_docs) || '_v' || (j / c.n_docs + 1) || '.pdf',
  'application/pdf', 40000 + (hashint8(c.ver_base + j) & 8388607),
  md5('a' || (c.ver_base + j)) || md5('b' || (c.ver_base + j)),
  c.tenant_id || '/' || c.id || '/' || (c.doc_base + j %% c.n_docs) || '/v' || (j / c.n_docs + 1),
  null, c.creator,
  c.created_at + (c.entered_at - c.created_at) * (j::float8 / c.n_ver), null, c.tenant_id
from bench_seed.coop c, generate_series(0, c.n_ver - 1) j
""",
    "notifications": """
insert into notifications (cooperation_id, cooperation_tenant_id, recipient_roles, kind, title,
  body, created_at, read_by, email_status, emailed_at, email_error, dedupe_key, tenant_id)
select c.id, c.tenant_id, r.roles, 'stage_changed', c.number || ': ' || s.label,
  'Kerja sama ''' || c.title || ''' kini di tahap ' || s.label || '.', e.at,
  case when bench_seed.u(c.id * 1000 + e.i + r.n) < 0.7 then array[a.user_id] else '{}' end,
  'sent', e.at + interval '1 minute', null, null, r.tid
from bench_seed.ev e join bench_seed.coop c on c.id = e.coop_id
join bench_seed.stages s on (s.rb, s.process, s.ord) = (c.rb, c.process, e.pos)
cross join lateral (
  select 0 as n, c.tenant_id as tid,
    case when s.level = 'own' then s.roles else '{}' end as roles
  union all
  select 1, case when s.level = 'own' then
      case when c.provinsi_id <> c.tenant_id then c.provinsi_id else {kmd} end
    else """
    + HOLDER.format(lvl="s.level", kmd="{kmd}", kml="{kml}")
    + """ end, case when s.level = 'own' then '{}' else s.roles end
  where s.level <> 'own' or bench_seed.u(c.id * 7919 + e.i) < 0.3
) r
join bench_seed.tenant a on a.tenant_id = r.tid
where r.tid <> c.tenant_id or r.n = 0
""",
}

# the same facts ``sikd.cooperations.summary.refresh_summary`` keeps, for the bulk-loaded rows
SUMMARY_SQL = """
update cooperations c set next_due_at = d.due_at, next_due_unit = d.unit, holder_since = h.at
from bench_seed.coop b
left join (
  select distinct on (cooperation_id) cooperation_id, due_at, spec ->> 'unit' as unit
  from deadlines where status = 'open' order by cooperation_id, due_at
) d on d.cooperation_id = b.id
left join (
  select cooperation_id, max(received_at) as at from routing_hops where acted_at is null
  group by cooperation_id
) h on h.cooperation_id = b.id
where b.id = c.id and b.status = 'berjalan'
"""


# The yearly duties (Perwal Bekasi 57/2023 Pasal 85, 88) of the cooperations in pelaksanaan: the
# first pemantauan, reported; half have a round open now (a quarter of those late); three in ten
# an evaluasi whose recommendation's follow-up is still owed, met either by a letter
# ("menagih kewajiban mitra") or by an action ("addendum"), as ``monitoring.report`` leaves it.
ROUNDS_SQL = """
insert into monitoring_rounds (tenant_id, cooperation_id, kind, reason, scheduled_on, due_on,
  status, opened_at, reported_at, report, rekomendasi, tindak_lanjut)
select c.tenant_id, c.id, r.kind, 'terjadwal', r.opened::date, r.opened::date + 30,
  case when r.reported then 'reported'
       when r.opened + interval '30 days' < %(now)s then 'late' else 'open' end,
  r.opened, case when r.reported then r.opened + interval '20 days' end,
  case when r.reported then '{"catatan": "Pelaksanaan sesuai rencana", "lampiran": {}}'::jsonb
       else '{}'::jsonb end,
  r.rek, r.tl
from cooperations c cross join lateral (
  select 'pemantauan' as kind, %(now)s::timestamptz - interval '300 days' as opened,
    true as reported, null::text as rek, null::jsonb as tl
  union all
  select case when hashint8(c.id * 7) & 1 = 0 then 'pemantauan' else 'evaluasi' end,
    %(now)s::timestamptz - (hashint8(c.id * 11) & 39) * interval '1 day', false, null, null
  where hashint8(c.id * 3) & 1023 < 512
  union all
  select 'evaluasi', %(now)s::timestamptz - interval '120 days', true,
    case when letter then 'menagih_kewajiban_mitra' else 'addendum' end,
    case when letter then '{"label": "Tagih kewajiban mitra", "actions": [],
        "documents": ["surat_tindak_lanjut_evaluasi"], "status": "open"}'::jsonb
      else '{"label": "Susun addendum perjanjian", "actions": ["ajukan_perubahan"],
        "documents": [], "status": "open"}'::jsonb end
  from (select hashint8(c.id * 13) & 1 = 0 as letter) pick
  where hashint8(c.id * 5) & 1023 < 307
) r
where c.status = 'berjalan' and c.stage = 'pelaksanaan'
"""

AUDIT_ROWS_SQL = """
copy (
  select tenant_id, seq, at, user_id, label, action, otype, oid, summary, data_txt
  from (
    select *, row_number() over (order by at, cid, j) as seq
    from (
      select c.tenant_id, c.id as cid, j, a.user_id, a.label,
        case when j = 0 then 'cooperation.created' when j < c.n_ev then 'cooperation.advance'
             when j < c.n_ev + c.n_ver then 'document.uploaded' else 'document.downloaded' end
          as action,
        case when j = 0 or j < c.n_ev then 'cooperation' else 'document' end as otype,
        case when j < c.n_ev then c.id::text else (c.doc_base + j % c.n_docs)::text end as oid,
        case when j = 0 then
            'Kerja sama ' || c.number || ' ''' || c.title || ''' dengan ' || c.partner
            || ' diprakarsai'
          when j < c.n_ev then c.number || ': tindakan dicatat pada tahap kerja sama'
          when j < c.n_ev + c.n_ver then c.number || ': dokumen diunggah'
          else c.number || ': dokumen diunduh' end as summary,
        case when j = 0 then
            '{{"rulebook":' || to_json(c.rb)::text || ',"subtype":' || to_json(c.subtype)::text
            || ',"type":' || to_json(c.type)::text || '}}'
          else '{{"cooperation_id":' || c.id || '}}' end as data_txt,
        date_trunc('second', case
          when j = 0 then c.created_at
          when j < c.n_ev then c.created_at + (c.entered_at - c.created_at) * (j::float8 / c.n_ev)
          else c.created_at + ({now}::timestamptz - c.created_at)
            * bench_seed.u(c.id::bigint * 100000 + j)
        end) as at
      from bench_seed.coop c join bench_seed.tenant a on a.tenant_id = c.tenant_id,
        generate_series(0, c.n_aud - 1) j
      where c.tenant_id = {tenant}
    ) base
  ) numbered
  order by seq
) to stdout
"""
AUDIT_COLUMNS = ["tenant_id", "seq", "at", "actor_user_id", "actor_label", "action",
                 "object_type", "object_id", "summary", "data", "prev_hash", "hash"]  # fmt: skip
AUDIT_TYPES = ["int4", "int8", "timestamptz", "int4", "text", "text", "text", "text", "text",
               "text"]  # fmt: skip


def chain_tenant(job: tuple[str, int, str]) -> int:
    """One tenant's audit chain, in a worker process (two tenants at once on two cores): its
    rows streamed out of PostgreSQL in ``seq`` order, each hashed on the previous hash with the
    app's own canonical form (``sikd.audit.services._canonical``), streamed back with COPY."""
    import hashlib
    import json
    from types import SimpleNamespace

    import psycopg
    from psycopg import sql

    from sikd.audit.services import GENESIS as APP_GENESIS
    from sikd.audit.services import _canonical

    dsn, tenant, now = job
    prev, n = APP_GENESIS, 0
    with psycopg.connect(dsn) as read, psycopg.connect(dsn) as write:
        for conn in (read, write):
            conn.execute("select set_config('sikd.scope', 'system', false)")
            conn.execute("set synchronous_commit = off")
            conn.execute("set work_mem = '256MB'")
            conn.execute("set jit = off")
        query = sql.SQL(AUDIT_ROWS_SQL).format(now=sql.Literal(now), tenant=sql.Literal(tenant))
        columns = sql.SQL(", ").join(map(sql.Identifier, AUDIT_COLUMNS))
        target = sql.SQL("copy audit_entries ({}) from stdin").format(columns)
        with read.cursor().copy(query) as out, write.cursor().copy(target) as into:
            out.set_types(AUDIT_TYPES)
            for row in out.rows():
                entry = SimpleNamespace(
                    tenant_id=row[0], seq=row[1], at=row[2], actor_user_id=row[3],
                    actor_label=row[4], action=row[5], object_type=row[6], object_id=row[7],
                    summary=row[8], data=json.loads(row[9]),
                )  # fmt: skip
                digest = hashlib.sha256((prev + _canonical(entry)).encode()).hexdigest()
                into.write_row((*row, prev, digest))
                prev, n = digest, n + 1
        if n:  # the head the trigger keeps (off during the load: one row updated per entry)
            write.execute(
                """insert into audit_heads as h (tenant_id, entries, last_seq, last_hash,
                     updated_at) values (%s, %s, %s, %s, clock_timestamp())
                   on conflict (tenant_id) do update set entries = h.entries + excluded.entries,
                     last_seq = excluded.last_seq, last_hash = excluded.last_hash,
                     updated_at = excluded.updated_at""",
                (tenant, n, n, prev),
            )
        write.commit()
    return n


# --- constraints and indexes off during the load, then back from their own definitions -----


def save_and_drop_constraints(conn) -> dict:
    tables = list(BULK_TABLES)
    fks = conn.execute(
        """select conname, conrelid::regclass::text, pg_get_constraintdef(oid) from pg_constraint
           where contype = 'f' and (conrelid::regclass::text = any(%s)
                                    or confrelid::regclass::text = any(%s))""",
        (tables, tables),
    ).fetchall()
    keys = conn.execute(
        """select conname, conrelid::regclass::text, pg_get_constraintdef(oid) from pg_constraint
           where contype in ('p', 'u') and conrelid::regclass::text = any(%s)""",
        (tables,),
    ).fetchall()
    indexes = conn.execute(
        """select i.indexrelid::regclass::text, i.indrelid::regclass::text,
                  pg_get_indexdef(i.indexrelid)
           from pg_index i where i.indrelid::regclass::text = any(%s)
           and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)""",
        (tables,),
    ).fetchall()
    for name, table, _ in fks:
        conn.execute(f'alter table {table} drop constraint "{name}"')
    for name, table, _ in keys:
        conn.execute(f'alter table {table} drop constraint "{name}"')
    for name, _, _ in indexes:
        conn.execute(f"drop index {name}")
    return {"fks": fks, "keys": keys, "indexes": indexes}


def restore_constraints(connect, saved: dict, t0: float) -> None:
    by_table: dict[str, list[str]] = defaultdict(list)
    for name, table, definition in saved["keys"]:
        by_table[table].append(f'alter table {table} add constraint "{name}" {definition}')
    for _, table, definition in saved["indexes"]:
        by_table[table].append(definition)
    jobs = sorted(by_table.items(), key=lambda kv: kv[0] != "audit_entries")

    def work(conn, table: str, statements: list[str]) -> None:
        for statement in statements:
            conn.execute(statement)
        log(f"  keys and indexes back on {table}", t0)

    run_parallel(connect, [(work, table, stmts) for table, stmts in jobs])
    with connect() as conn:
        for name, table, definition in saved["fks"]:
            conn.execute(f'alter table {table} add constraint "{name}" {definition}')
    log(f"  {len(saved['fks'])} foreign keys back and validated", t0)


def run_parallel(connect, jobs: list, workers: int = 2) -> None:
    """Run ``(fn, *args)`` jobs on ``workers`` connections; first error wins."""
    lock = threading.Lock()
    queue = list(jobs)
    errors: list[BaseException] = []

    def loop() -> None:
        with connect() as conn:
            while not errors:
                with lock:
                    if not queue:
                        return
                    fn, *args = queue.pop(0)
                try:
                    fn(conn, *args)
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

    threads = [threading.Thread(target=loop) for _ in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]


# --- main ------------------------------------------------------------------------------------


def seed(scale: float, redis_url: str) -> None:
    import psycopg

    from sikd.devtools.dbsetup import _psycopg_dsn

    t0 = time.monotonic()
    now = datetime.now(UTC).replace(microsecond=0)
    var_dir = Path(tempfile.mkdtemp(prefix="sikd-bench-seed-"))
    settings = benchlib.settings_for(scale, redis_url, var_dir)
    log(f"database {benchlib.database_name(scale)}: create, migrate, sync tenants", t0)
    app = prepare(scale, settings)
    pin_rulebooks(app)
    log("rulebooks pinned for every daerah", t0)

    owner_dsn = _psycopg_dsn(benchlib.database_urls(scale).owner)

    def connect():
        conn = psycopg.connect(owner_dsn, autocommit=True)
        conn.execute("select set_config('sikd.scope', 'system', false)")
        conn.execute("set synchronous_commit = off")
        conn.execute("set work_mem = '256MB'")
        conn.execute("set maintenance_work_mem = '1GB'")
        conn.execute("set jit = off")
        return conn

    with app.app_context():
        from sikd.rules.overrides import working_calendar as calendar

        calendar_version = calendar().version

    with connect() as conn:
        conn.execute(SCRATCH_SQL)
        ref = load_reference(conn)
        ids = {code: tid for tid, code, *_ in ref["tenants"]}
        kmd, kml = ids["KEMENDAGRI"], ids["KEMLU"]
        # users: one per role on every daerah (a shared argon2 hash), the ministries' verifiers
        from sikd.accounts.services import hash_password

        pw = hash_password(benchlib.BENCH_PASSWORD)
        user_rows = []
        for tid, code, name, kind, _ in ref["tenants"]:
            roles = list(USER_ROLES_DAERAH) if kind != "kementerian" else []
            if kind == "provinsi":
                roles.append("gubernur_verifier")
            if code == "KEMENDAGRI":
                roles = ["sekjen_verifier", "sekjen_leader", "platform_operator"]
            if code == "KEMLU":
                roles = ["kemlu_reviewer"]
            for role in roles:
                email = f"{role.replace('_', '-')}@{code.lower().replace('.', '-')}.daerah.bench"
                unit = "Bagian Kerja Sama" if role != "opd" else "Dinas Pekerjaan Umum"
                user_rows.append((tid, email, f"{role} {name}", pw, [role], unit, True))
        with conn.cursor() as cur:  # COPY is refused under row-level security
            cur.executemany(
                "insert into users (tenant_id, email, full_name, password_hash, roles, unit,"
                " active) values (%s, %s, %s, %s, %s, %s, %s)",
                user_rows,
            )
        users = {
            (tid, roles[0]): uid
            for uid, tid, roles in conn.execute("select id, tenant_id, roles from users")
        }
        conn.execute(
            """insert into bench_seed.tenant
               select distinct on (tenant_id) tenant_id, id, full_name || ' <' || email || '>'
               from users order by tenant_id, roles[1] <> 'tkksd', id"""
        )
        log(f"{len(user_rows)} users", t0)

        rows, kinds = draw_skeleton(ref, scale, users, now)
        ev = doc = ver = 1  # first id of each table
        for r in rows:
            r.extend([ev, doc, ver])
            ev, doc, ver = ev + r[14], doc + r[15], ver + r[16]
        with conn.cursor() as cur:
            _copy(cur, "bench_seed.coop", COOP_COLUMNS + ["ev_base", "doc_base", "ver_base"], rows)
            _copy(
                cur,
                "bench_seed.stages",
                ["rb", "process", "ord", "stage", "label", "level", "roles", "first_action",
                 "basis"],
                ref["stages"],
            )  # fmt: skip
            _copy(cur, "bench_seed.specs", ["rb", "process", "ord", "spec", "span"], ref["specs"])
            _copy(
                cur,
                "bench_seed.kinds",
                ["rb", "process", "k", "nk", "kind"],
                [
                    (h, p, k, len(ks), kind)
                    for (h, p), ks in kinds.items()
                    for k, kind in enumerate(ks)
                ],
            )
        conn.execute("analyze bench_seed.coop; analyze bench_seed.stages")
        expected = {
            "cooperations": len(rows),
            "stage events": ev,
            "documents": doc,
            "document versions": ver,
            "audit entries (bulk)": sum(r[17] for r in rows),
        }
        log("skeleton drawn: " + ", ".join(f"{k} {v:,}" for k, v in expected.items()), t0)
        saved = save_and_drop_constraints(conn)
        log("constraints and indexes of the bulk tables dropped for the load", t0)
        # letter numbers continue after the generated ones
        conn.execute(
            """insert into letter_sequences (tenant_id, year, series, last)
               select tenant_id, year, 'kerja_sama', count(*) from bench_seed.coop
               group by tenant_id, year"""
        )

    def step(conn, name: str, sql: str, params: dict | None = None) -> None:
        t = time.monotonic()
        sql = sql.replace("{kmd}", str(kmd)).replace("{kml}", str(kml))
        cur = conn.execute(sql, params or {})
        log(f"  {name}: {cur.rowcount:,} rows in {time.monotonic() - t:.1f} s", t0)

    log("bulk load", t0)
    run_parallel(connect, [(step, name, sql) for name, sql in STEPS_A.items()])
    with connect() as conn:
        conn.execute("analyze bench_seed.ev")
    params = {"calendar": calendar_version}
    b1 = [(step, name, sql, params if "%(calendar)s" in sql else None)
          for name, sql in STEPS_B1.items()]  # fmt: skip
    b2 = [(step, name, sql) for name, sql in STEPS_B2.items()]
    # interleave so each connection gets a share of both groups
    run_parallel(connect, [b1[0], b2[0], b2[1], b1[1], b2[2], b1[2], b1[3]])
    with connect() as conn:  # the derived facts the app keeps on the row (migration 0005)
        step(conn, "cooperations: next deadline, holder since", SUMMARY_SQL)
        step(conn, "monitoring rounds of the running cooperations", ROUNDS_SQL, {"now": now})

    with connect() as conn:
        sizes = conn.execute(
            "select tenant_id, sum(n_aud) from bench_seed.coop group by 1 order by 2 desc"
        ).fetchall()
    total = sum(int(s) for _, s in sizes)
    log(f"audit chains of {len(sizes)} tenants (two processes)", t0)
    done, last = 0, time.monotonic()
    jobs = [(owner_dsn, int(t), now.isoformat()) for t, _ in sizes]
    with connect() as conn:  # COPY FROM refuses a table whose row security is forced
        conn.execute("alter table audit_entries no force row level security")
        conn.execute("alter table audit_entries disable trigger audit_entries_advance_head")
    try:
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            for n in pool.imap_unordered(chain_tenant, jobs):
                done += n
                if time.monotonic() - last > 10 or done == total:
                    last = time.monotonic()
                    log(f"  audit entries: {done:,} / {total:,} chained", t0)
    finally:
        with connect() as conn:
            conn.execute("alter table audit_entries force row level security")
            conn.execute("alter table audit_entries enable trigger audit_entries_advance_head")

    log("restoring keys, indexes and foreign keys", t0)
    restore_constraints(connect, saved, t0)
    with connect() as conn:
        for table in (*BULK_TABLES, "users"):
            conn.execute(
                f"select setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(select coalesce(max(id), 1) from {table}))"
            )
        conn.execute("drop schema bench_seed cascade")

    def vacuum(conn, table: str) -> None:
        conn.execute(f"vacuum (analyze) {table}")

    run_parallel(connect, [(vacuum, t) for t in ("audit_entries", *BULK_TABLES[:-1], "users")])
    with connect() as conn:  # the small tables too (tenants, rulebooks): the planner's estimates
        conn.execute("analyze")
    log("vacuumed and analysed", t0)

    with app.app_context():  # the national view's counts, as the sweep keeps them
        from sikd.cooperations.rollup import refresh_rollup
        from sikd.core.extensions import db

        refresh_rollup(now)
        db.session.commit()
        db.session.remove()
    log("national rollup built", t0)
    finish_with_app(app, t0)
    with psycopg.connect(_psycopg_dsn(benchlib.admin_url()), autocommit=True) as conn:
        name = benchlib.database_name(scale)
        conn.execute(f"comment on database {name} is '{benchlib.seeded_comment(scale)}'")
        report = []
    with connect() as conn:
        for table in (*BULK_TABLES, "monitoring_rounds", "users", "tenants"):
            n = conn.execute(f"select count(*) from {table}").fetchone()[0]
            report.append(f"{table} {n:,}")
        size = conn.execute("select pg_size_pretty(pg_database_size(current_database()))")
        report.append(f"size {size.fetchone()[0]}")
    log("done: " + ", ".join(report), t0)


def finish_with_app(app, t0: float) -> None:
    """The benchmark's accounts, made and audited by the app; then one chain checked whole."""
    from sikd.accounts.services import create_user
    from sikd.audit.services import verify_chain
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope
    from sikd.tenancy.services import get_tenant

    with app.app_context():
        for code, email, roles, unit in benchlib.BENCH_USERS:
            with system_scope():
                tenant = get_tenant(code)
            create_user(tenant, email, roles, benchlib.BENCH_PASSWORD, unit=unit)
        with system_scope():
            bekasi = get_tenant("32.75")
            report = verify_chain(bekasi.id)
        db.session.remove()
    status = "intact" if report.ok else f"BROKEN at seq {report.broken_at_seq}: {report.reason}"
    log(f"benchmark accounts created; Kota Bekasi audit chain ({report.entries:,}) {status}", t0)
    if not report.ok:
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1 = national (100,000 KS)")
    parser.add_argument("--redis-url", default=None, help="default: claim a db on 127.0.0.1")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 2:
        parser.error("--scale harus di antara 0 dan 2")
    claimed = None
    redis_url = args.redis_url
    if redis_url is None:
        claimed = benchlib.claim_redis_db()
        redis_url = f"redis://127.0.0.1:6379/{claimed}"
    try:
        seed(args.scale, redis_url)
    finally:
        if claimed is not None:
            benchlib.release_redis_db(claimed)


if __name__ == "__main__":
    main()

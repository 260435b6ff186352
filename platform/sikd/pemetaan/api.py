"""Pemetaan over the API (Perwal Bekasi 57/2023 Pasal 5–20): the year's cycle, the Perangkat
Daerah's recommendations, the TKKSD's check and pleno, the Keputusan, and the list in force."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from sikd.core import clock
from sikd.core.api import api_login_required, documented_errors
from sikd.core.errors import AppError
from sikd.core.extensions import db
from sikd.core.schemas import Schema
from sikd.pemetaan import services
from sikd.pemetaan.models import PemetaanCycle, PemetaanSubmission

blp = Blueprint("pemetaan", __name__, description="Pemetaan urusan pemerintahan")


class PemetaanOpenArgs(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class PemetaanMember(Schema):
    nama = fields.String(load_default="")
    jabatan = fields.String(load_default="")


class PemetaanSubmissionArgs(Schema):
    perangkat_daerah = fields.String(load_default="", validate=validate.Length(max=200))
    tim_anggota = fields.List(fields.Nested(PemetaanMember), load_default=None)
    masalah = fields.String(load_default="")
    target_kinerja = fields.String(load_default="")
    kebijakan_tindakan = fields.String(load_default="")
    jangka_waktu_ruang_lingkup = fields.String(load_default="")


class PemetaanCheckArgs(Schema):
    lengkap = fields.Boolean(required=True)
    catatan = fields.String(load_default="")


class PemetaanEntry(Schema):
    rekomendasi_id = fields.Integer(required=True)
    judul = fields.String(required=True, validate=validate.Length(min=1, max=300))
    prioritas = fields.Integer(load_default=99)


class PemetaanPlenoArgs(Schema):
    tanggal = fields.Date(load_default=None)
    skala_prioritas = fields.String(load_default="")
    daftar = fields.List(fields.Nested(PemetaanEntry), load_default=list)


class PemetaanDecreeArgs(Schema):
    nomor = fields.String(load_default="", validate=validate.Length(max=200))
    tanggal = fields.Date(required=True)


class SubmissionOut(Schema):
    id = fields.Integer(required=True)
    perangkat_daerah = fields.String(required=True)
    tim_anggota = fields.Raw(required=True)
    status = fields.String(required=True)
    catatan = fields.String(allow_none=True)
    belum_lengkap = fields.List(fields.String())
    masalah = fields.String()
    target_kinerja = fields.String()
    kebijakan_tindakan = fields.String()
    jangka_waktu_ruang_lingkup = fields.String()


class CycleOut(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    status = fields.String(required=True)
    berita_acara = fields.Raw(allow_none=True)
    keputusan = fields.Raw(allow_none=True)
    rekomendasi = fields.List(fields.Nested(SubmissionOut))
    daftar = fields.Raw()


class InForce(Schema):
    berlaku = fields.Nested(CycleOut, allow_none=True)


def own_first(view):
    """The daerah's own cycle or recommendation is found before the body is read, so another
    daerah's (or a missing) one is a 404 whatever was sent."""
    from functools import wraps

    @wraps(view)
    def wrapper(*args, **kwargs):
        if "cycle_id" in kwargs:
            services.get_cycle(current_user, kwargs["cycle_id"])
        if "sub_id" in kwargs:
            services.get_submission(current_user, kwargs["sub_id"])
        return view(*args, **kwargs)

    return wrapper


def sub_out(s: PemetaanSubmission) -> dict:
    return {
        "id": s.id,
        "perangkat_daerah": s.perangkat_daerah,
        "tim_anggota": s.tim_anggota,
        "status": s.status,
        "catatan": s.catatan,
        "belum_lengkap": services.missing_content(s),
        **s.content,
    }


def cycle_out(c: PemetaanCycle) -> dict:
    return {
        "id": c.id,
        "year": c.year,
        "status": c.status,
        "berita_acara": c.berita_acara,
        "keputusan": {k: v for k, v in (c.keputusan or {}).items() if k != "key"} or None,
        "rekomendasi": [sub_out(s) for s in services.submissions_of(c.id)],
        "daftar": services.register(c),
    }


@blp.route("/pemetaan")
class Cycles(MethodView):
    decorators = [api_login_required]

    @blp.response(200, InForce)
    @documented_errors(blp, 401)
    def get(self):
        """Daftar Rencana Program dan Kegiatan Kerja Sama yang berlaku (rujukan kerja sama baru)."""
        cycle = services.in_force(current_user.tenant_id)
        return {"berlaku": cycle_out(cycle) if cycle else None}

    @blp.arguments(PemetaanOpenArgs)
    @blp.response(201, CycleOut)
    @documented_errors(blp, 401, 403, 409, 422)
    def post(self, args):
        """TKKSD membuka pemetaan tahun ini."""
        cycle = services.open_cycle(current_user, args["year"], clock.now())
        body = cycle_out(cycle)
        db.session.commit()
        return body, 201


@blp.route("/pemetaan/<int:cycle_id>")
class Cycle(MethodView):
    decorators = [own_first, api_login_required]

    @blp.response(200, CycleOut)
    @documented_errors(blp, 401, 404)
    def get(self, cycle_id):
        return cycle_out(services.get_cycle(current_user, cycle_id))


@blp.route("/pemetaan/<int:cycle_id>/rekomendasi")
class Submissions(MethodView):
    decorators = [own_first, api_login_required]

    @blp.arguments(PemetaanSubmissionArgs)
    @blp.response(201, SubmissionOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def post(self, args, cycle_id):
        """Perangkat Daerah menyampaikan rekomendasinya (Pasal 10-13)."""
        cycle = services.get_cycle(current_user, cycle_id)
        sub = services.submit(current_user, cycle, args, clock.now())
        body = sub_out(sub)
        db.session.commit()
        return body, 201


@blp.route("/pemetaan/rekomendasi/<int:sub_id>")
class Submission(MethodView):
    decorators = [own_first, api_login_required]

    @blp.arguments(PemetaanSubmissionArgs)
    @blp.response(200, SubmissionOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def put(self, args, sub_id):
        """Lengkapi rekomendasi yang dikembalikan dan sampaikan lagi (Pasal 14(2))."""
        sub = services.get_submission(current_user, sub_id)
        services.resubmit(current_user, sub, args, clock.now())
        body = sub_out(sub)
        db.session.commit()
        return body


@blp.route("/pemetaan/rekomendasi/<int:sub_id>/periksa")
class Check(MethodView):
    decorators = [own_first, api_login_required]

    @blp.arguments(PemetaanCheckArgs)
    @blp.response(200, SubmissionOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def post(self, args, sub_id):
        """TKKSD memeriksa kelengkapan; yang belum lengkap dikembalikan (Pasal 14)."""
        sub = services.get_submission(current_user, sub_id)
        services.check(current_user, sub, args["lengkap"], args["catatan"], clock.now())
        body = sub_out(sub)
        db.session.commit()
        return body


@blp.route("/pemetaan/<int:cycle_id>/pleno")
class Pleno(MethodView):
    decorators = [own_first, api_login_required]

    @blp.arguments(PemetaanPlenoArgs)
    @blp.response(200, CycleOut)
    @documented_errors(blp, 401, 403, 404, 409, 422)
    def post(self, args, cycle_id):
        """Berita acara rapat pleno dengan daftar dan skala prioritasnya (Pasal 15-16)."""
        cycle = services.get_cycle(current_user, cycle_id, "identifikasi")
        services.pleno(current_user, cycle, args, clock.now())
        body = cycle_out(cycle)
        db.session.commit()
        return body


@blp.route("/pemetaan/<int:cycle_id>/keputusan")
class Decree(MethodView):
    decorators = [own_first, api_login_required]

    @blp.arguments(PemetaanDecreeArgs, location="form")
    @blp.response(200, CycleOut)
    @documented_errors(blp, 401, 403, 404, 409, 413, 422)
    def post(self, args, cycle_id):
        """Unggah Keputusan Kepala Daerah (PDF); daftar menjadi rujukan (Pasal 17-19)."""
        cycle = services.get_cycle(current_user, cycle_id, "penetapan")
        upload = request.files.get("berkas")
        if upload is None:
            raise AppError(
                "invalid_input",
                "Unggah berkas PDF Keputusan.",
                field_errors={"berkas": ["Wajib diunggah."]},
            )
        pdf = upload.read(services.DECREE_MAX_BYTES + 1)
        services.decree(current_user, cycle, args["nomor"], args["tanggal"], pdf, clock.now())
        body = cycle_out(cycle)
        db.session.commit()
        return body

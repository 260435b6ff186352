"""Settings from environment variables, parsed and typed once at start-up.

Every setting has a name starting with ``SIKD_``. Outside development the platform
refuses to start without ``SIKD_SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


class ConfigError(RuntimeError):
    """A setting is missing or cannot be parsed; the message says which and how to fix it."""


def _str(env: dict[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = _str(env, name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} harus berupa bilangan bulat, bukan {raw!r}.") from exc


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = _str(env, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "ya", "on"}:
        return True
    if lowered in {"0", "false", "no", "tidak", "off"}:
        return False
    raise ConfigError(f"{name} harus true atau false, bukan {raw!r}.")


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = ""
    database_url: str | None = None
    database_owner_url: str | None = None
    # behind PgBouncer in transaction mode: no server-side prepared statements (a statement
    # prepared on one server connection is unknown on the next transaction's)
    database_pgbouncer: bool = False
    redis_url: str | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str = "sikd-documents"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_region: str = "us-east-1"
    storage_dir: Path = field(default_factory=lambda: REPO_ROOT / "var" / "objects")
    var_dir: Path = field(default_factory=lambda: REPO_ROOT / "var")
    mail_server: str = "localhost"
    mail_port: int = 1025
    mail_username: str | None = None
    mail_password: str | None = None
    mail_use_tls: bool = False
    mail_sender: str = "SIKD <noreply@sikd.go.id>"
    upload_max_bytes: int = 50 * 1024 * 1024
    cuti_bersama_is_workday_off: bool = True
    base_url: str = "http://127.0.0.1:5000"
    session_cookie_secure: bool = False
    login_failures_per_ip: str = "30 per 15 minutes"
    login_failures_global: str = "1000 per 15 minutes"
    public_rate_limit: str = "120 per minute"  # the public register, per address
    dormant_months: int = 12  # no activity for this long: dormant
    # Electronic signatures (TTE): trust store and the signing service (sikd.documents.signing)
    tte_trust_dir: Path | None = None
    tte_signer: str = "local"
    tte_url: str | None = None
    tte_username: str | None = None
    tte_password: str | None = None

    @property
    def is_production_like(self) -> bool:
        return self.env not in {"development", "test"}

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def uses_embedded_redis(self) -> bool:
        return self.redis_url is None

    @property
    def uses_s3(self) -> bool:
        return self.s3_endpoint_url is not None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    mode = _str(env, "SIKD_ENV", "development")
    if mode not in {"development", "test", "production", "staging"}:
        raise ConfigError(
            f"SIKD_ENV harus salah satu dari development, test, staging, production; bukan {mode!r}."
        )
    secret = _str(env, "SIKD_SECRET_KEY")
    if secret is None:
        if mode in {"production", "staging"}:
            raise ConfigError(
                "SIKD_SECRET_KEY wajib diisi di luar mode development/test. "
                "Buat dengan: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        secret = secrets.token_hex(32)
    elif mode in {"production", "staging"} and len(secret) < 32:
        raise ConfigError("SIKD_SECRET_KEY terlalu pendek: gunakan minimal 32 karakter acak.")
    var_dir = Path(_str(env, "SIKD_VAR_DIR", str(REPO_ROOT / "var")))
    tte_signer = _str(
        env, "SIKD_TTE_SIGNER", "remote" if mode in {"production", "staging"} else "local"
    )
    if tte_signer not in {"local", "remote"}:
        raise ConfigError(f"SIKD_TTE_SIGNER harus local atau remote, bukan {tte_signer!r}.")
    if tte_signer == "local" and mode in {"production", "staging"}:
        raise ConfigError(
            "SIKD_TTE_SIGNER=local hanya untuk development/test (CA uji); di produksi gunakan "
            "remote dengan SIKD_TTE_URL layanan TTE."
        )
    trust_dir = _str(env, "SIKD_TTE_TRUST_DIR")
    return Settings(
        env=mode,
        secret_key=secret,
        database_url=_str(env, "SIKD_DATABASE_URL"),
        database_owner_url=_str(env, "SIKD_DATABASE_OWNER_URL"),
        database_pgbouncer=_bool(env, "SIKD_DATABASE_PGBOUNCER", False),
        redis_url=_str(env, "SIKD_REDIS_URL"),
        s3_endpoint_url=_str(env, "SIKD_S3_ENDPOINT_URL"),
        s3_bucket=_str(env, "SIKD_S3_BUCKET", "sikd-documents"),
        s3_access_key_id=_str(env, "SIKD_S3_ACCESS_KEY_ID"),
        s3_secret_access_key=_str(env, "SIKD_S3_SECRET_ACCESS_KEY"),
        s3_region=_str(env, "SIKD_S3_REGION", "us-east-1"),
        storage_dir=Path(_str(env, "SIKD_STORAGE_DIR", str(var_dir / "objects"))),
        var_dir=var_dir,
        mail_server=_str(env, "SIKD_MAIL_SERVER", "localhost"),
        mail_port=_int(env, "SIKD_MAIL_PORT", 1025),
        mail_username=_str(env, "SIKD_MAIL_USERNAME"),
        mail_password=_str(env, "SIKD_MAIL_PASSWORD"),
        mail_use_tls=_bool(env, "SIKD_MAIL_USE_TLS", False),
        mail_sender=_str(env, "SIKD_MAIL_SENDER", "SIKD <noreply@sikd.go.id>"),
        upload_max_bytes=_int(env, "SIKD_UPLOAD_MAX_BYTES", 50 * 1024 * 1024),
        cuti_bersama_is_workday_off=_bool(env, "SIKD_CUTI_BERSAMA_LIBUR", True),
        base_url=_str(env, "SIKD_BASE_URL", "http://127.0.0.1:5000"),
        session_cookie_secure=_bool(
            env, "SIKD_SESSION_COOKIE_SECURE", mode in {"production", "staging"}
        ),
        login_failures_per_ip=_str(env, "SIKD_LOGIN_FAILURES_PER_IP", "30 per 15 minutes"),
        login_failures_global=_str(env, "SIKD_LOGIN_FAILURES_GLOBAL", "1000 per 15 minutes"),
        public_rate_limit=_str(env, "SIKD_PUBLIC_RATE_LIMIT", "120 per minute"),
        dormant_months=_int(env, "SIKD_DORMANT_MONTHS", 12),
        tte_trust_dir=Path(trust_dir) if trust_dir else None,
        tte_signer=tte_signer or "local",
        tte_url=_str(env, "SIKD_TTE_URL"),
        tte_username=_str(env, "SIKD_TTE_USERNAME"),
        tte_password=_str(env, "SIKD_TTE_PASSWORD"),
    )

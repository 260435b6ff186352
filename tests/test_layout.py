"""The repository layout the design card asks for."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_standard_platform_module_is_not_shadowed_from_repo_root():
    out = subprocess.run(
        [sys.executable, "-c", "import platform, sikd; print(platform.__file__)"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert not out.startswith(str(REPO)), out
    assert out.endswith("platform.py")
    assert not (REPO / "platform" / "__init__.py").exists()
    assert not (REPO / "workers" / "__init__.py").exists()


def test_sikd_and_workers_are_importable_packages():
    import sikd
    import sikd_workers

    assert Path(sikd.__file__).parent == REPO / "platform" / "sikd"
    assert Path(sikd_workers.__file__).parent == REPO / "workers" / "sikd_workers"

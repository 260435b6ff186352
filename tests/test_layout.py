"""The repository layout the design card asks for."""

import ast
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


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``; a relative import as its dots and name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def test_no_test_module_imports_another_test_module():
    """Tests share code through the sikd.testing plugin, never through each other: a moved or
    renamed test file then breaks nothing, and every folder can be run on its own."""
    tests = REPO / "tests"
    local = {p.stem for p in tests.rglob("*.py")}  # test_x, conftest, helpers
    offences = []
    for path in sorted(tests.rglob("*.py")):
        for line, module in _imports(path):
            top = module.split(".")[0]
            if module.startswith(".") or top == "tests" or top in local:
                offences.append(f"{path.relative_to(REPO)}:{line}: import {module}")
    assert not offences, (
        "test files import other test files; import from sikd.testing instead "
        "(TEST_PASSWORD, login, ApiUser, PDF, fill_fields: sikd.testing; SISTER_CITY, "
        "to_gubernur_with_rencana: sikd.testing.journeys; csrf, text, new_coop, make_person: "
        "sikd.testing.web; engine helpers: sikd.testing.engine) and take fixtures from the "
        "plugin:\n" + "\n".join(offences)
    )


def test_the_scan_sees_what_it_forbids(tmp_path):
    """The scan above finds each kind of import it forbids (so its silence means something)."""
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from tests.conftest import TEST_PASSWORD\n"
        "from .test_engine_support import fill\n"
        "def f():\n    import test_web_pages\n",
        encoding="utf-8",
    )
    assert _imports(sample) == [
        (1, "tests.conftest"),
        (2, ".test_engine_support"),
        (4, "test_web_pages"),
    ]


def test_every_test_file_is_collected_by_name_in_its_feature_folder():
    """Tests live in folders by feature (tests/<feature>/test_*.py); only this file and the
    root conftest sit at the top, and two folders may hold files of one name (importlib mode)."""
    tests = REPO / "tests"
    top = sorted(p.name for p in tests.glob("*.py"))
    assert top == ["conftest.py", "test_layout.py"], top
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "--import-mode=importlib" in pyproject

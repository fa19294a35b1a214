"""The reference site builds without a warning (sphinx -W), as tools/docs.sh
builds it, from a copy of docs/ and tools/ so that the repository is not
written to; and the generated pages hold what the docstrings say.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

from api_walk_helpers import private_session_env

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

pytest.importorskip("sphinx", reason="sphinx is not installed (tools/install.sh installs it)")
pytest.importorskip("myst_parser", reason="myst-parser is not installed (tools/install.sh installs it)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("docs")
    shutil.copytree(os.path.join(REPO, "docs"), work / "docs",
                    ignore=shutil.ignore_patterns("_generated", "_build"))
    (work / "docs" / "_generated").mkdir()
    shutil.copytree(os.path.join(REPO, "tools"), work / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    out = work / "html"
    with private_session_env() as env:  # the build imports every module
        run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                              str(work / "docs"), str(out)],
                             capture_output=True, text=True, timeout=280, cwd="/",
                             env=dict(env, PYTHONSAFEPATH="1"))
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    return work


def _text(path):
    return re.sub(r"<[^>]+>", "", path.read_text())


def test_docs_build_without_warnings(site):
    assert (site / "html" / "index.html").exists()
    assert (site / "html" / "porting.html").exists()


def test_reference_pages_come_from_the_docstrings(site):
    import win32event
    page = _text(site / "html" / "_generated" / "api" / "win32event.html")
    doc = win32event.CreateEvent.__nb_signature__[0][1]
    assert doc.split(".")[0] in page
    assert "CreateEvent" in page and "WAIT_TIMEOUT" in page


def test_every_module_and_area_page_is_built(site):
    sys.path.insert(0, os.path.join(REPO, "tools"))
    import api_inventory
    for modname in api_inventory.public_module_names():
        assert (site / "html" / "_generated" / "api" / f"{modname}.html").exists(), modname
    for name in os.listdir(os.path.join(REPO, "docs")):
        if name.endswith(".md"):
            assert (site / "html" / (name[:-3] + ".html")).exists(), name


def test_support_matrix_page_lists_unsupported_functions(site):
    page = _text(site / "html" / "_generated" / "support_matrix.html")
    assert "DeviceIoControl" in page and "device control" in page

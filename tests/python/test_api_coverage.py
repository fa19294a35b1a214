"""The API coverage figure against the types-pywin32 stubs, and the modules
this project calls complete staying complete.

Skipped when ../shared/tools/api_coverage.py or the installed stubs
(types-pywin32) are not there; the figure is printed with -s or -rA.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "tools", "api_coverage.py")

# module -> which counts must be complete (functions, classes, constants)
COMPLETE = {
    "pywintypes": ("functions", "classes", "constants"),
    "winerror": ("functions", "constants"),
    "win32con": ("functions", "constants"),
    "ntsecuritycon": ("constants",),
    "win32event": ("functions", "classes", "constants"),
    "win32evtlogutil": ("functions", "constants"),
}


def _stubs_root(tmp_path):
    # "win32-stubs" is not an importable name: look for the folder.
    for path in sys.path:
        candidate = os.path.join(path, "win32-stubs")
        if os.path.isdir(candidate):
            # Only types-pywin32's *-stubs folders: site-packages also holds the
            # .pyi files this package ships beside its own modules, which the
            # tool would otherwise find and take for the reference.
            only = tmp_path / "types-pywin32"
            only.mkdir()
            for name in os.listdir(path):
                if name.endswith("-stubs"):
                    shutil.copytree(os.path.join(path, name), only / name)  # the tool's glob skips symlinks
            return str(only)
    return None


def test_api_coverage(capsys, tmp_path):
    if not os.path.exists(TOOL):
        pytest.skip("../shared/tools/api_coverage.py is not beside the repository")
    stubs = _stubs_root(tmp_path)
    if stubs is None:
        pytest.skip("types-pywin32 is not installed")
    r = subprocess.run([sys.executable, TOOL, "--stubs", stubs, "--json"], capture_output=True, text=True,
                       timeout=120, cwd="/")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    have = sum(m["functions"][0] for m in report.values())
    total = sum(m["functions"][1] for m in report.values())
    with capsys.disabled():
        print(f"\nAPI coverage against types-pywin32: functions present {have}/{total} "
              f"({100.0 * have / total:.1f}%)")
    for module, kinds in COMPLETE.items():
        assert report[module]["import_error"] is None, (module, report[module]["import_error"])
        for kind in kinds:
            present, wanted = report[module][kind]
            assert present == wanted, (module, kind, report[module].get("missing_functions"))

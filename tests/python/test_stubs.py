"""The shipped type stubs (.pyi): generated from the runtime, checked by mypy's
stubtest against the installed package, and consistent with types-pywin32.

- test_stubs_are_regenerated: the .pyi files in the source tree are what
  tools/gen_stubs.py makes from the installed modules now (after adding a
  function: `python3 tools/gen_stubs.py`, then reinstall).
- test_stubtest: `python -m mypy.stubtest` over every public module, with the
  installed stubs first on MYPYPATH (types-pywin32's *-stubs packages would
  otherwise win), and tests/python/stubtest_allowlist.txt for explained cases.
- test_consistent_with_types_pywin32: every name we export that types-pywin32
  also has is of the same kind (function, class, constant), and a parameter
  that types-pywin32 lets callers pass by keyword is accepted by keyword here.
"""
import ast
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
TOOLS = os.path.join(REPO, "tools")
ALLOWLIST = os.path.join(HERE, "stubtest_allowlist.txt")
sys.path.insert(0, TOOLS)
import api_inventory  # noqa: E402
from pyi_names import StubReader, locate_in, locate_types_pywin32, types_pywin32_root  # noqa: E402
from api_walk_helpers import module_file, private_session_env  # noqa: E402

pytest.importorskip("mypy.stubtest", reason="mypy is not installed (tools/install.sh installs it)")


def installed_stub_dirs(tmp_path):
    """Copies the installed .pyi files into MYPYPATH folders: win32/, win32/lib/
    (with pywin/) and pywin32_posix/, as mypy resolves them from sys.path."""
    import pywin32_posix
    win32 = api_inventory.win32_dir()
    top, lib = tmp_path / "win32", tmp_path / "lib"
    for src, dst in ((win32, top), (os.path.join(win32, "lib"), lib)):
        for root, _dirs, files in os.walk(src):
            for name in files:
                if name.endswith(".pyi"):
                    rel = os.path.relpath(os.path.join(root, name), src)
                    if rel.startswith(".."):
                        continue
                    if src == win32 and os.sep in rel:
                        continue  # win32/lib is its own folder
                    os.makedirs(os.path.dirname(dst / rel), exist_ok=True)
                    shutil.copy(os.path.join(root, name), dst / rel)
    pkg = lib / "pywin32_posix"
    pkg.mkdir()
    for name in os.listdir(os.path.dirname(pywin32_posix.__file__)):
        if name.endswith(".pyi"):
            shutil.copy(os.path.join(os.path.dirname(pywin32_posix.__file__), name), pkg / name)
    return [top, lib]


def stubbed_modules():
    return [m for m in api_inventory.public_module_names() if not m.startswith("pywin32_posix.")]


def test_stubs_are_regenerated():
    with private_session_env() as env:
        out = subprocess.run([sys.executable, os.path.join(TOOLS, "gen_stubs.py"), "--check"],
                             capture_output=True, text=True, timeout=120, cwd="/", env=env)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_public_module_ships_a_stub():
    win32 = api_inventory.win32_dir()
    missing = []
    for modname in api_inventory.public_module_names():
        path = module_file(modname)  # found, not imported (imports have side effects)
        if not os.path.exists(os.path.splitext(path)[0] + ".pyi"):
            missing.append(modname)
    assert not missing, f"installed without a .pyi: {missing}"
    assert os.path.exists(os.path.join(win32, "py.typed"))


def test_stubtest(tmp_path):
    dirs = installed_stub_dirs(tmp_path)
    cache = tmp_path / "cache"
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n")  # none of the user's settings
    # Naming the package pywin32_posix checks its submodules too.
    cmd = [sys.executable, os.path.join(TOOLS, "run_stubtest.py"), "--mypy-config-file", str(config),
           "--allowlist", ALLOWLIST, *stubbed_modules()]
    with private_session_env() as env:  # stubtest imports every module
        env.update(MYPYPATH=os.pathsep.join(map(str, dirs)), MYPY_CACHE_DIR=str(cache))
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=280, cwd=str(tmp_path), env=env)
    assert out.returncode == 0, out.stdout[-20000:] + out.stderr[-2000:]


# --- consistency with types-pywin32 ---------------------------------------------
# Where pywin32 itself differs from types-pywin32 we follow pywin32 (DESIGN.md).
KNOWN_DIFFERENCES = {
}


def compare_module(modname, theirs, ours):
    problems = []
    their_names, our_names = theirs.names(modname), ours.names(modname)
    for name, (kind, params) in sorted(our_names.items()):
        if name.startswith("_") or name not in their_names or (modname, name) in KNOWN_DIFFERENCES:
            continue
        their_kind, their_params = their_names[name]
        if "unknown" in (kind, their_kind):
            continue
        if kind != their_kind:
            problems.append(f"{name}: {kind} here, {their_kind} in types-pywin32")
        elif kind == "function" and "**" not in params:
            lacking = sorted(p for p in (their_params - {"**"}) if p not in params)
            if lacking:
                problems.append(f"{name}: no keyword parameter {', '.join(lacking)}")
    return problems


@pytest.fixture(scope="module")
def readers(tmp_path_factory):
    root = types_pywin32_root()
    if root is None:
        pytest.skip("types-pywin32 is not installed")
    dirs = installed_stub_dirs(tmp_path_factory.mktemp("stubs"))
    return StubReader(locate_types_pywin32(root)), StubReader(locate_in([str(d) for d in dirs]))


@pytest.mark.parametrize("module", stubbed_modules())
def test_consistent_with_types_pywin32(readers, module):
    theirs, ours = readers
    if theirs.locate(module) is None:
        pytest.skip(f"types-pywin32 has no {module}")
    problems = compare_module(module, theirs, ours)
    assert not problems, f"{module} differs from types-pywin32:\n  " + "\n  ".join(problems)


def test_compare_module_finds_kind_and_keyword_differences(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "m.pyi").write_text(
        "def f(x: int, /) -> None: ...\ndef g(name: str) -> None: ...\nclass C: ...\nK: int\n")
    (tmp_path / "b" / "m.pyi").write_text(
        "def f(y) -> None: ...\ndef g(other) -> None: ...\ndef C() -> None: ...\nK: int\n")
    theirs = StubReader(locate_in([str(tmp_path / "a")]))
    ours = StubReader(locate_in([str(tmp_path / "b")]))
    assert compare_module("m", theirs, ours) == [
        "C: function here, class in types-pywin32", "g: no keyword parameter name"]


def test_nanobind_signatures_become_valid_stub_defs():
    import gen_stubs
    text = gen_stubs._blank_defaults(
        "def f(a: int = 3, b: str = 'x,y)', c: tuple = (1, 2), d: object = <object at 0x1>) -> None")
    assert text == "def f(a: int = ..., b: str = ..., c: tuple = ..., d: object = ...) -> None"
    # A property getter has no name; a parameter may be named after a keyword.
    fn = gen_stubs._nb_def("def (in: str, lambda: int = \\0) -> str", "g")
    assert ast.unparse(fn).splitlines()[0] == "def g(in_: str, lambda_: int=...) -> str:"

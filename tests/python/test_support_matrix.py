"""The support matrix (tools/support_matrix.py) and the marker it reads.

A function that has no POSIX meaning raises ERROR_NOT_SUPPORTED whatever its
arguments and says so on a docstring line "On POSIX: not supported (reason)."
(tools/api_inventory.py: UNSUPPORTED_MARKER). The matrix and the porting
guide's table are generated from that line, so both directions are checked:
- every marked function raises ERROR_NOT_SUPPORTED (COM's: com_error with its
  HRESULT) and never returns, called in a child process with throwaway
  arguments (one that first rejects them all is counted as unchecked);
- every function that unconditionally raises it is marked: functions taking
  only *args/**kwargs are called with none, and binding lambdas / Python
  functions whose whole body raises ERROR_NOT_SUPPORTED are found in the source.
Results are reported by module, for each module's owner.
"""
import ast
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
TOOLS = os.path.join(REPO, "tools")
sys.path.insert(0, TOOLS)
import api_inventory  # noqa: E402
from api_walk_helpers import module_file, private_session_env  # noqa: E402

ERROR_NOT_SUPPORTED = 50
E_NOT_SUPPORTED = -2147024846  # HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)

# Runs in a child: calling unsupported functions must not touch this process.
PROBE = textwrap.dedent(r"""
    import inspect, json, sys
    sys.path.insert(0, sys.argv[1])
    import api_inventory
    import pywintypes

    def not_supported(exc):
        if isinstance(exc, pywintypes.error):
            return exc.winerror == 50
        if isinstance(exc, pywintypes.com_error):
            return exc.hresult == -2147024846
        if isinstance(exc, OSError):  # the winreg shim raises as CPython's winreg does
            return getattr(exc, "winerror", None) == 50
        return False

    def arity(fn):
        docs = api_inventory.nb_docs(fn)
        if docs is not None:
            sig = docs[0][0]
            params = sig[sig.index("(") + 1:sig.rindex(")")]
            params = [p for p in params.split(",") if p.strip() and "=" not in p
                      and not p.strip().startswith("*") and p.strip() != "/"]
            return len(params)
        try:
            return sum(1 for p in inspect.signature(fn).parameters.values()
                       if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
        except (TypeError, ValueError):
            return 0

    def only_varargs(fn):
        docs = api_inventory.nb_docs(fn)
        if docs is not None:
            return all(sig[sig.index("(") + 1:sig.rindex(")")].replace(" ", "") in ("*args,**kwargs", "*args")
                       for sig, _ in docs)
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            return False
        return bool(params) and all(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)

    def call(fn, args):
        try:
            fn(*args)
        except TypeError:
            return "TypeError"
        except Exception as exc:  # noqa: BLE001 - classified below
            return "not-supported" if not_supported(exc) else f"{type(exc).__name__}: {exc}"
        return "returned"

    result = {}
    for modname in api_inventory.documented_module_names():
        module = api_inventory.import_quietly(modname)
        marked, varargs, functions = {}, {}, []
        for name, fn in api_inventory.public_names(module):
            if api_inventory.kind_of(fn) != "function" or not api_inventory.is_ours(fn):
                continue
            functions.append(name)
            if api_inventory.unsupported_reason(fn):
                n = arity(fn)
                outcomes = [call(fn, args) for args in ([None] * n, [0] * n, [""] * n, [])]
                # Throwaway arguments may fail the function's own checks first
                # (TypeError, or an error about the argument): not decisive.
                if "returned" in outcomes:
                    marked[name] = "returned"
                elif "not-supported" in outcomes:
                    marked[name] = "not-supported"
                else:
                    marked[name] = "unchecked"
            elif only_varargs(fn):
                varargs[name] = call(fn, [])
        result[modname] = {"marked": marked, "varargs": varargs, "functions": functions}
    json.dump(result, sys.stdout)
""")

MODULES = api_inventory.documented_module_names()


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("probe")  # whatever a called function might create lands here
    with private_session_env() as env:  # nor in the test run's session
        out = subprocess.run([sys.executable, "-c", PROBE, TOOLS], capture_output=True, text=True,
                             timeout=120, cwd=str(cwd), env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def _bindings_by_module():
    """{module: source text} of src/bindings, by the module each file registers."""
    out = {}
    folder = os.path.join(REPO, "src", "bindings")
    if not os.path.isdir(folder):
        return out
    for name in sorted(os.listdir(folder)):
        if name.endswith(".cpp"):
            text = open(os.path.join(folder, name)).read()
            for module in re.findall(r'W32_REGISTER_SUBMODULE\(\s*"(\w+)"', text):
                out.setdefault(module, []).append(text)
    return out


# A binding whose whole body raises ERROR_NOT_SUPPORTED:
#   m.def("Name", [](...) { not_supported("Name"); } ...
_CPP_UNCONDITIONAL = re.compile(
    r'm\.def\(\s*"(\w+)"\s*,\s*\[[^\]]*\]\s*(?:\([^)]*\))?\s*(?:->\s*[\w:<>]+\s*)?\{\s*'
    r'(?:not_supported\(\s*"\w+"\s*\)|w32::throw_win32\(\s*w32::err::kNotSupported\s*,[^;]*\))\s*;\s*\}')


def unconditional_in_source(module):
    """Names of `module` whose binding lambda or Python function only raises ERROR_NOT_SUPPORTED."""
    names = set()
    for text in _bindings_by_module().get(module, []):
        names.update(_CPP_UNCONDITIONAL.findall(text))
    path = module_file(module)  # read, not imported: imports have side effects
    if path and path.endswith(".py"):
        tree = ast.parse(open(path).read())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                if len(body) == 1 and isinstance(body[0], ast.Raise) and \
                        "NOT_SUPPORTED" in ast.unparse(body[0]):
                    names.add(node.name)
    return {n for n in names if not n.startswith("_")}


@pytest.mark.parametrize("module", MODULES)
def test_marked_functions_raise_not_supported(probe, module):
    wrong = {n: o for n, o in probe[module]["marked"].items() if o not in ("not-supported", "unchecked")}
    assert not wrong, f"{module}: marked 'On POSIX: not supported' but: {wrong}"


@pytest.mark.parametrize("module", MODULES)
def test_unconditionally_unsupported_functions_are_marked(probe, module):
    info = probe[module]
    unmarked = sorted(n for n, o in info["varargs"].items() if o == "not-supported")
    for name in sorted(unconditional_in_source(module)):
        if name in info["functions"] and name not in info["marked"] and name not in unmarked:
            unmarked.append(name)
    assert not unmarked, (f"{module}: raise ERROR_NOT_SUPPORTED whatever their arguments, without the "
                          f"docstring line 'On POSIX: not supported (reason).': {', '.join(unmarked)}")


def test_most_marked_functions_were_really_called(probe):
    # 'unchecked': every throwaway argument list failed the function's own
    # argument checks before it could say it is not supported.
    outcomes = [o for info in probe.values() for o in info["marked"].values()]
    assert outcomes, "no function carries the marker"
    assert outcomes.count("not-supported") >= 0.8 * len(outcomes), outcomes


def test_marker_parsing():
    class F:
        __doc__ = "Does a thing.\n\nOn POSIX: not supported (there is no such thing (really)).\n"
    assert api_inventory.unsupported_reason(F) == "there is no such thing (really)"
    F.__doc__ = "On POSIX: works on files only."
    assert api_inventory.unsupported_reason(F) is None


def test_the_source_scan_finds_unconditional_bindings():
    text = 'm.def("Foo", [](nb::handle) { not_supported("Foo"); }, "x"_a);\n' \
           'm.def("Bar", [](int x) { if (x) not_supported("Bar"); return 1; });\n' \
           'm.def("Baz", [] {\n    w32::throw_win32(w32::err::kNotSupported, "Baz");\n});'
    assert _CPP_UNCONDITIONAL.findall(text) == ["Foo", "Baz"]


def test_matrix_is_generated_from_the_modules(tmp_path):
    out = tmp_path / "matrix.md"
    with private_session_env() as env:
        run = subprocess.run([sys.executable, os.path.join(TOOLS, "support_matrix.py"), "--out", str(out)],
                             capture_output=True, text=True, timeout=120, cwd="/", env=env)
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    import win32file
    import win32event
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| win32")}
    event_functions = [n for n, v in api_inventory.public_names(win32event) if api_inventory.kind_of(v) == "function"]
    assert rows["win32event"].split("|")[2].strip() == str(len(event_functions))
    assert re.search(r"\| win32file \| `DeviceIoControl` \| .*device control", text)
    absent = re.search(r"- \*\*win32file\*\* \(\d+\): (.*)", text)
    if absent:  # each absent name is really missing here
        for name in re.findall(r"`(\w+)`", absent.group(1)):
            assert not hasattr(win32file, name), name

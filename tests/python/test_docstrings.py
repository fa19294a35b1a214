"""Every public function, class and method of our modules has a docstring.

The reference (tools/docs.sh) and the stubs are built from these docstrings, so
a missing one is a hole in the documentation. One test per module: a failure
names the module and exactly which names lack a docstring, for its owner.
Properties (data attributes) are not required to have one.
"""
import json
import os
import subprocess
import sys

import pytest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, TOOLS)
import api_inventory  # noqa: E402
from api_walk_helpers import private_session_env  # noqa: E402

MODULES = api_inventory.documented_module_names()  # with the opt-in winreg and msvcrt


@pytest.fixture(scope="module")
def inventory():
    # In a child of a private session: importing every module has side effects
    # (win32traceutil opens the trace buffer and redirects output to it).
    with private_session_env() as env:
        out = subprocess.run([sys.executable, os.path.join(TOOLS, "api_inventory.py"), "--json"],
                             capture_output=True, text=True, timeout=120, cwd="/", env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def undocumented(info):
    missing = []
    for member in info["members"]:
        if member["kind"] == "constant" or not member["ours"]:
            continue
        if not member["doc"].strip():
            missing.append(member["name"])
        for sub in member.get("members", []):
            if sub["kind"] == "method" and not sub["doc"].strip():
                missing.append(f"{member['name']}.{sub['name']}")
    return missing


@pytest.mark.parametrize("module", MODULES)
def test_public_names_have_docstrings(inventory, module):
    info = inventory[module]
    assert info["doc"].strip(), f"module {module} has no docstring"
    missing = undocumented(info)
    assert not missing, f"{module}: {len(missing)} public names without a docstring: {', '.join(missing)}"


def test_the_walk_sees_functions_classes_and_methods(inventory):
    # The check above is only as good as the walk: it must see nanobind
    # functions, their classes' methods, and pure-Python ones.
    event = {m["name"]: m for m in inventory["win32event"]["members"]}
    assert event["CreateEvent"]["kind"] == "function" and event["CreateEvent"]["ours"]
    assert "Creates" in event["CreateEvent"]["doc"] and "def CreateEvent" not in event["CreateEvent"]["doc"]
    assert event["INFINITE"]["kind"] == "constant"
    util = {m["name"]: m for m in inventory["win32serviceutil"]["members"]}
    methods = {s["name"] for s in util["ServiceFramework"]["members"] if s["kind"] == "method"}
    assert "SvcRun" in methods
    pdh = {m["name"]: m for m in inventory["win32pdh"]["members"]}
    assert pdh["OpenQuery"]["ours"]


def test_undocumented_detects_a_missing_docstring():
    info = {"doc": "x", "members": [
        {"name": "f", "kind": "function", "ours": True, "doc": "", "unsupported": None},
        {"name": "C", "kind": "class", "ours": True, "doc": "A class.", "unsupported": None,
         "members": [{"name": "m", "kind": "method", "doc": ""}, {"name": "p", "kind": "property", "doc": ""}]},
        {"name": "g", "kind": "function", "ours": False, "doc": "", "unsupported": None},
    ]}
    assert undocumented(info) == ["f", "C.m"]

#!/usr/bin/env python3
"""What the installed public modules export: the one walk over our API that the
stub generator, the support matrix, the reference docs and their tests share.

Public modules are every win32/*.py and win32/lib/*.py of the installed package
(so a module added there is picked up without editing this file),
pywin.mfc.object, and the package pywin32_posix with its public submodules.

A function that has no POSIX meaning says so in its docstring, on a line of its
own: ``On POSIX: not supported (the reason).`` (UNSUPPORTED_MARKER); it raises
pywintypes.error(ERROR_NOT_SUPPORTED) whatever its arguments.

    api_inventory.py [--json]      # prints the inventory (JSON: for tests)
"""
import contextlib
import importlib
import inspect
import io
import json
import os
import re
import sys

# The marker line of an unconditionally unsupported function's docstring.
UNSUPPORTED_MARKER = re.compile(r"^\s*On POSIX: not supported \((?P<reason>.+)\)\.\s*$", re.M)

# Modules of pywin32_posix that are documented API (the others are internal or
# entry points: pythonservice is the service host's executable, demo a script).
PACKAGE_MODULES = ["pywin32_posix", "pywin32_posix.evtlog_policy", "pywin32_posix.systemd_units",
                   "pywin32_posix.evtlog_viewer"]
EXTRA_MODULES = ["pywin.mfc.object"]
# The standard library's Windows modules we ship, opt-in (pywin32_posix/_stdlib):
# documented and checked here, but loaded without being made importable, and
# given no stubs (typeshed has the standard library's).
SHIM_MODULES = ["winreg", "msvcrt"]

CONSTANT_TYPES = (int, float, str, bytes, bool, type(None), tuple, list, dict, frozenset)


def win32_dir():
    """The installed win32/ folder (found through pywintypes, which lives in win32/lib)."""
    import pywintypes
    return os.path.dirname(os.path.dirname(os.path.abspath(pywintypes.__file__)))


def _stems(folder):
    return sorted(f[:-3] for f in os.listdir(folder) if f.endswith(".py") and not f.startswith("_"))


def public_module_names():
    """Names of the public modules, binary-backed win32/*.py first, then win32/lib."""
    base = win32_dir()
    return _stems(base) + _stems(os.path.join(base, "lib")) + EXTRA_MODULES + PACKAGE_MODULES


def documented_module_names():
    """The public modules and the opt-in standard library shims."""
    return public_module_names() + SHIM_MODULES


_shims = {}


def _load_shim(name):
    # From its file, under its name, but not put in sys.modules: the
    # standard library detects Windows by importing these (subprocess does).
    if name not in _shims:
        import importlib.util
        import pywin32_posix
        path = os.path.join(os.path.dirname(os.path.abspath(pywin32_posix.__file__)), "_stdlib", name + ".py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _shims[name] = module
    return _shims[name]


def import_quietly(name):
    """Imports a module with stdout/stderr kept (win32traceutil redirects them
    to the trace buffer on import, as pywin32's does); a shim is loaded aside."""
    if name in SHIM_MODULES:
        return _load_shim(name)
    saved = sys.stdout, sys.stderr
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return importlib.import_module(name)
    finally:
        sys.stdout, sys.stderr = saved


def nb_docs(obj):
    """(signature, doc) pairs of a nanobind function, one per overload; None for others."""
    sigs = getattr(obj, "__nb_signature__", None)
    if sigs is None:
        return None
    return [(sig, doc or "") for sig, doc, *_ in sigs]


def docstring(obj):
    """The text that documents obj, without nanobind's generated signature lines."""
    docs = nb_docs(obj)
    if docs is not None:
        return "\n\n".join(d for _, d in docs if d)
    if isinstance(obj, type):
        doc = obj.__dict__.get("__doc__")
        # nanobind classes without a docstring get none; Python exceptions
        # defined without one inherit Exception's, which documents nothing.
        return doc if isinstance(doc, str) else ""
    if isinstance(obj, property):
        obj = obj.fget
    doc = getattr(obj, "__doc__", None)
    return doc if isinstance(doc, str) else ""


def unsupported_reason(obj):
    """The reason given by obj's UNSUPPORTED_MARKER line, or None."""
    m = UNSUPPORTED_MARKER.search(docstring(obj))
    return m.group("reason") if m else None


def kind_of(value):
    if inspect.ismodule(value):
        return None
    if isinstance(value, type):
        return "class"
    if callable(value):
        return "function"
    return "constant"


def public_names(module):
    """Public (name, value) pairs of a module: __all__ when it has one, else
    every name without a leading underscore that is not a module."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    out = []
    for name in sorted(names):
        value = getattr(module, name)
        if kind_of(value) is not None:
            out.append((name, value))
    return out


def is_ours(obj):
    """True for classes and functions this project defines (not the stdlib's)."""
    mod = getattr(obj, "__module__", None) or ""
    if not _OUR_MODULES:
        _OUR_MODULES.update(documented_module_names())
    return mod.startswith("pywin32_posix") or mod in _OUR_MODULES or mod.startswith("pywin.")


_OUR_MODULES = set()


def class_members(cls):
    """Public methods and properties a class defines itself (or a mapping of
    them): (name, kind, value), kind being 'method', 'property' or 'attribute'."""
    out = []
    for name, value in sorted((cls if isinstance(cls, dict) else vars(cls)).items()):
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            out.append((name, "method", value.__func__))
        elif isinstance(value, property) or type(value).__name__ in ("nb_static_property", "getset_descriptor",
                                                                       "member_descriptor"):
            out.append((name, "property", value))
        elif isinstance(value, type):
            out.append((name, "attribute", value))
        elif callable(value):
            out.append((name, "method", value))
        else:
            out.append((name, "attribute", value))
    return out


def inventory():
    """{module: {"doc", "members": [{"name", "kind", "ours", "doc", "unsupported", "members"}]}}"""
    names = documented_module_names()
    _OUR_MODULES.update(names)
    result = {}
    for modname in names:
        module = import_quietly(modname)
        members = []
        for name, value in public_names(module):
            kind = kind_of(value)
            entry = {"name": name, "kind": kind}
            if kind != "constant":
                entry["ours"] = is_ours(value)
                entry["doc"] = docstring(value)
                entry["unsupported"] = unsupported_reason(value)
            if kind == "class" and entry["ours"]:
                entry["members"] = [
                    {"name": n, "kind": k, "doc": docstring(v) if k != "attribute" else ""}
                    for n, k, v in class_members(value)]
            members.append(entry)
        result[modname] = {"doc": module.__doc__ or "", "members": members}
    return result


def main():
    data = inventory()
    if "--json" in sys.argv[1:]:
        json.dump(data, sys.stdout)
        return
    for modname, info in data.items():
        kinds = [m["kind"] for m in info["members"]]
        print(f"{modname:28} functions {kinds.count('function'):4}  classes {kinds.count('class'):3}  "
              f"constants {kinds.count('constant'):5}")


if __name__ == "__main__":
    main()

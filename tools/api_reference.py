#!/usr/bin/env python3
"""Writes the API reference pages (reStructuredText) from the installed modules.

One page per public module: its docstring, then every function (signature as
the stubs write it, one per overload, and its docstring), every class (with its
methods and properties) and the constants grouped by prefix with their values.
The docstrings are the single source; docs/conf.py runs this at every build,
so the reference is never stale and nothing generated is checked in.

Docstrings are prose, not reStructuredText: they are escaped and flowed into
paragraphs (a paragraph of "- " lines becomes a list), and the "On POSIX:"
sentences are set apart, so that any docstring builds without warnings.

    python3 tools/api_reference.py OUTDIR
"""
import inspect
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_inventory  # noqa: E402
import gen_stubs  # noqa: E402

_SPECIAL = re.compile(r"([\\`*_|\[\]<>:])")


_CODE = re.compile(r"``(.+?)``|`([^`]+)`")


def escape(text):
    """Text as reST inline content: `code` and ``code`` spans become inline
    literals, every other markup character is escaped."""
    out, pos = [], 0
    for m in _CODE.finditer(text):
        code = m.group(1) or m.group(2)
        if code != code.strip() or code.endswith("\\"):
            continue  # not a literal reST can hold: left to be escaped
        out.append(_SPECIAL.sub(r"\\\1", text[pos:m.start()]))
        out.append(f"``{code}``")
        pos = m.end()
    out.append(_SPECIAL.sub(r"\\\1", text[pos:]))
    return "".join(out)


def prose(doc, indent):
    """A docstring as reST paragraphs, each line prefixed by indent."""
    pad = " " * indent
    out = []
    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(doc))
    for para in paragraphs:
        raw = [ln for ln in para.splitlines() if ln.strip()]
        if raw and all(ln.startswith("    ") for ln in raw):
            # An indented block (examples, command lines): kept as it is.
            out += [f"{pad}::", ""] + [f"{pad}   {ln}" for ln in raw] + [""]
            continue
        lines = [ln.strip() for ln in raw]
        if not lines:
            continue
        if all(re.match(r"[-*] ", ln) for ln in lines):
            for ln in lines:
                out.append(f"{pad}- {escape(ln[2:].strip())}")
            out.append("")
            continue
        # Items of a list written one per line keep their line; other lines flow.
        items, current = [], []
        for ln in lines:
            if re.match(r"[-*] ", ln) and current:
                items.append(" ".join(current))
                current = [ln]
            else:
                current.append(ln)
        items.append(" ".join(current))
        for item in items:
            posix = re.match(r"(.*?)\bOn POSIX:\s*(.*)$", item)
            if posix and posix.group(1).strip():
                out += [f"{pad}{escape(posix.group(1).strip())}", ""]
                item = "On POSIX: " + posix.group(2)
            if item.startswith("On POSIX:"):
                out.append(f"{pad}**On POSIX:** {escape(item[len('On POSIX:'):].strip())}")
            elif re.match(r"[-*] ", item):
                out.append(f"{pad}- {escape(item[2:].strip())}")
            else:
                out.append(f"{pad}{escape(item)}")
            out.append("")
    if not out:
        out = [f"{pad}(No description.)", ""]
    return out


def _title(text, char):
    return [text, char * len(text), ""]


def _constant_groups(constants):
    groups = {}
    for name, value in constants:
        prefix = name.split("_")[0] if "_" in name.strip("_") else ""
        groups.setdefault(prefix, []).append((name, value))
    # Names without a shared prefix go to one "Other" group.
    merged, other = {}, []
    for prefix, items in sorted(groups.items()):
        if len(items) == 1 or not prefix:
            other += items
        else:
            merged[prefix + "_*"] = items
    if other:
        merged["Other"] = other
    return merged


def module_page(modname, module, stub):
    out = _title(modname, "=")
    out += [f".. py:module:: {modname}", ""]
    out += prose(module.__doc__ or "", 0)
    import pywintypes
    if getattr(module, "error", None) is pywintypes.error:
        out += ["Errors: a failing call raises ``pywintypes.error`` (also this module's ``error``) whose",
                "``winerror``, ``funcname`` and ``strerror`` are the Windows error code, the function's name and",
                "the code's message; an argument of the wrong type raises ``TypeError``.", ""]
    members = api_inventory.public_names(module)
    functions = [(n, v) for n, v in members if api_inventory.kind_of(v) == "function"]
    classes = [(n, v) for n, v in members if api_inventory.kind_of(v) == "class"]
    constants = [(n, v) for n, v in members if api_inventory.kind_of(v) == "constant"]
    if functions:
        out += _title("Functions", "-")
        for name, value in functions:
            out += _function("py:function", stub, name, value, 0)
    if classes:
        out += _title("Classes", "-")
        for name, value in classes:
            out += _class(modname, stub, name, value)
    if constants:
        out += _title("Constants", "-")
        out += ["Grouped by prefix, with their values.", ""]
        for group, items in _constant_groups(constants).items():
            out += [f".. rubric:: {escape(group)} ({len(items)})", "", ".. code-block:: text", ""]
            for name, value in items:
                out.append(f"   {name} = {value!r}"[:200])
            out.append("")
    return "\n".join(out) + "\n"


def _function(directive, stub, name, value, indent, method=False):
    pad = " " * indent
    sigs = gen_stubs.signatures(stub, name, value, method=method) or [f"{name}(...)"]
    out = [f"{pad}.. {directive}:: {sigs[0]}"]
    out += [f"{pad}   {' ' * len(directive)}  {s}" for s in sigs[1:]]
    if directive == "py:method" and sigs[0].startswith(name + "(") and "self" not in sigs[0].split(")")[0]:
        out.append(f"{pad}   :staticmethod:")
    out.append("")
    out += prose(api_inventory.docstring(value), indent + 3)
    return out


def _class(modname, stub, name, cls):
    home = stub.spellings.home.get(id(cls))
    if not api_inventory.is_ours(cls):
        return [f".. py:class:: {name}", "", f"   The standard {escape(cls.__module__ + '.' + cls.__qualname__)}.",
                ""]
    if home is not None and home != (modname, name):
        target = home[1] if home[0] == modname else f"{home[0]}.{home[1]}"
        return [f".. py:class:: {name}", "", f"   Alias of :class:`{target}`.", ""]
    _bases, members = stub.layout(cls)
    out = [f".. py:class:: {name}{_constructor_args(stub, members.get('__init__'))}", ""]
    out += prose(api_inventory.docstring(cls), 3)
    for attr, kind, value in api_inventory.class_members(members):
        if kind == "method":
            out += _function("py:method", stub, attr, value, 3, method=True)
        elif kind == "property":
            out.append(f"   .. py:property:: {attr}")
            ptype = gen_stubs.property_type(stub, attr, value) if isinstance(value, property) else None
            if ptype:
                out.append(f"      :type: {ptype}")
            out.append("")
            out += prose(api_inventory.docstring(value), 6) if api_inventory.docstring(value).strip() else []
    return out


def _constructor_args(stub, init):
    """"(args)" of a class's __init__ as its stub writes it, without self; "" when unknown."""
    if init is None or not (api_inventory.nb_docs(init) or callable(init)):
        return ""
    try:
        sigs = gen_stubs.signatures(stub, "__init__", init, method=True)
    except (SyntaxError, ValueError, TypeError):
        return ""
    if not sigs:
        return ""
    args = sigs[0][len("__init__("):sigs[0].rindex(")")]
    args = re.sub(r"^self(: [^,]+)?(, )?", "", args)
    return f"({args})"


def index_page(names):
    out = _title("API reference", "=")
    out += ["One page per module, made from the docstrings of the installed package.", "",
            ".. toctree::", "   :maxdepth: 1", ""]
    out += [f"   {n}" for n in names]
    return "\n".join(out) + "\n"


def write(outdir):
    modules, spellings = gen_stubs.load(api_inventory.documented_module_names())
    os.makedirs(outdir, exist_ok=True)
    for modname, module in modules.items():
        stub = gen_stubs.ModuleStub(modname, module, spellings)
        text = module_page(modname, module, stub)
        path = os.path.join(outdir, modname + ".rst")
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)
    with open(os.path.join(outdir, "index.rst"), "w") as f:
        f.write(index_page(list(modules)))
    for name in os.listdir(outdir):  # pages of modules that are gone
        if name.endswith(".rst") and name != "index.rst" and name[:-4] not in modules:
            os.remove(os.path.join(outdir, name))
    return list(modules)


if __name__ == "__main__":
    write(sys.argv[1])

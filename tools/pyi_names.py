"""Reads the names a set of .pyi stubs define: their kind (function, class,
constant) and, for functions, which parameters callers may pass by keyword.
Used to compare our stubs with types-pywin32's (tests/python/test_stubs.py) and
to find the functions we lack (tools/support_matrix.py)."""
import ast
import os
import sys


def types_pywin32_root():
    """The site-packages folder holding types-pywin32's stubs, or None."""
    for path in sys.path:
        if os.path.isdir(os.path.join(path, "win32-stubs")):
            return path
    return None


class StubReader:
    """Names of a set of .pyi files: kind, and the parameters each function
    accepts by keyword (all overloads together)."""

    def __init__(self, locate):
        self.locate = locate  # module name -> .pyi path or None
        self.cache = {}

    def names(self, modname):
        if modname in self.cache:
            return self.cache[modname]
        self.cache[modname] = result = {}
        path = self.locate(modname)
        if path is None:
            return result
        tree = ast.parse(open(path).read())
        imported = {}
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    imported[alias.asname or alias.name] = ("module", alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if alias.name == "*":
                        for name, value in self.names(node.module).items():
                            if not name.startswith("_"):
                                result.setdefault(name, value)
                    else:
                        imported[alias.asname or alias.name] = ("name", node.module, alias.name)
                        if alias.asname == alias.name:  # an explicit re-export
                            target = self.names(node.module).get(alias.name)
                            if target:
                                result[alias.name] = target
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                prev = result.get(node.name)
                keywords = _keyword_params(node)
                if prev and prev[0] == "function":
                    keywords = prev[1] | keywords
                result[node.name] = ("function", keywords)
            elif isinstance(node, ast.ClassDef):
                result[node.name] = ("class", None)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                annotation = ast.unparse(node.annotation)
                if annotation.endswith("TypeAlias") and node.value is not None:
                    result[node.target.id] = self._alias_kind(node.value, imported, result)
                else:
                    result[node.target.id] = ("constant", None)
            elif isinstance(node, ast.Assign):
                kind = self._alias_kind(node.value, imported, result)
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        result[target.id] = kind
        return result

    def _alias_kind(self, value, imported, local):
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            ref = imported.get(value.value.id)
            if ref and ref[0] == "module":
                return self.names(ref[1]).get(value.attr, ("unknown", None))
        if isinstance(value, ast.Name):
            if value.id in local:
                return local[value.id]
            ref = imported.get(value.id)
            if ref and ref[0] == "name":
                return self.names(ref[1]).get(ref[2], ("unknown", None))
            return ("unknown", None)
        if isinstance(value, ast.Constant):
            return ("constant", None)
        return ("unknown", None)


def _keyword_params(fn):
    args = fn.args
    names = {a.arg for a in args.args + args.kwonlyargs if a.arg not in ("self", "cls")}
    if args.kwarg is not None:
        names.add("**")
    return frozenset(names)


def locate_types_pywin32(root):
    """module name -> its .pyi in types-pywin32 (installed under root), or None."""
    def locate(modname):
        parts = modname.split(".")
        candidates = [os.path.join(root, parts[0] + "-stubs", *parts[1:], "__init__.pyi"),
                      os.path.join(root, parts[0] + "-stubs", *parts[1:-1], parts[-1] + ".pyi")
                      if len(parts) > 1 else None,
                      os.path.join(root, "win32-stubs", modname + ".pyi"),
                      os.path.join(root, "win32-stubs", "lib", modname + ".pyi"),
                      os.path.join(root, "pythonwin-stubs", modname + ".pyi")]
        if parts[0] in ("win32", "pythonwin", "win32com", "win32comext"):
            candidates.insert(0, os.path.join(root, parts[0] + "-stubs", *parts[1:]) + ".pyi")
        for c in candidates:
            if c and os.path.exists(c):
                return c
        return None
    return locate


def locate_in(dirs):
    """module name -> its .pyi under one of dirs (MYPYPATH-like), or None."""
    def locate(modname):
        rel = modname.replace(".", os.sep)
        for d in dirs:
            for c in (os.path.join(d, rel + ".pyi"), os.path.join(d, rel, "__init__.pyi")):
                if os.path.exists(c):
                    return c
        return None
    return locate


def types_pywin32_modules(root):
    """The importable module names types-pywin32 describes (top-level ones:
    win32/, win32/lib/ and pythonwin/ modules, and the *-stubs packages)."""
    names = set()
    for folder in ("win32-stubs", os.path.join("win32-stubs", "lib"), "pythonwin-stubs"):
        path = os.path.join(root, folder)
        if os.path.isdir(path):
            names.update(n[:-4] for n in os.listdir(path) if n.endswith(".pyi") and n != "__init__.pyi")
    for entry in os.listdir(root):
        if entry.endswith("-stubs") and not entry.startswith("_"):
            names.add(entry[:-len("-stubs")])
    # Packages of stubs whose modules are listed above, or COM's packages.
    return sorted(names - {"win32", "pythonwin", "win32com", "win32comext", "isapi"})

"""Sphinx configuration of the pywin32-posix reference: `bash tools/docs.sh`.

The narrative pages are the Markdown files beside this one (MyST). The API
reference and the support matrix are generated here, at every build, from the
installed package's docstrings (tools/api_reference.py, tools/support_matrix.py)
into _generated/, which is not checked in: they can never be stale.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))

import api_reference  # noqa: E402
import support_matrix  # noqa: E402

project = "pywin32-posix"
author = "the pywin32-posix authors"
copyright = "the pywin32-posix authors"  # noqa: A001 - Sphinx's name

extensions = ["myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "requirements.txt"]
html_theme = "alabaster"
html_title = "pywin32-posix"
myst_heading_anchors = 3

_generated = os.path.join(HERE, "_generated")
api_reference.write(os.path.join(_generated, "api"))
_rows = support_matrix.matrix()
for _name, _text in (("support_matrix.md", support_matrix.render(_rows)),
                     ("unsupported.mdinc", support_matrix.render_unsupported(_rows))):
    _path = os.path.join(_generated, _name)
    if not os.path.exists(_path) or open(_path).read() != _text:
        with open(_path, "w") as f:
            f.write(_text)

# Every area page (docs/*.md but the guide), so that a new one is listed.
_areas = sorted(n[:-3] for n in os.listdir(HERE) if n.endswith(".md") and n != "porting.md")
_toctree = ".. toctree::\n   :maxdepth: 1\n   :caption: Areas\n\n" + "".join(f"   /{a}\n" for a in _areas)
_toctree_path = os.path.join(_generated, "areas.rst.inc")
if not os.path.exists(_toctree_path) or open(_toctree_path).read() != _toctree:
    with open(_toctree_path, "w") as f:
        f.write(_toctree)

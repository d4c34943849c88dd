"""Sphinx configuration of the lora_lab documentation.

Build it with ``make docs``. Warnings are errors, and the notebooks are
executed during the build, so a page that no longer matches the library
fails the build.
"""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import sys
from pathlib import Path

from ipykernel.kernelspec import write_kernel_spec

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import lora_lab  # noqa: E402  (the path above makes the checkout importable)

project = "lora_lab"
author = "the lora_lab authors"
copyright = "the lora_lab authors"
release = lora_lab.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
]

exclude_patterns = ["_build", "jupyter_execute", ".jupyter_cache"]
html_theme = "furo"
html_title = f"lora_lab {release}"

# --- API reference ---------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"show-inheritance": False}

# --- MyST ------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- Notebooks -------------------------------------------------------------
# The notebooks live in notebooks/ at the top of the checkout, where a reader
# opens them; they are copied beside these pages so that Sphinx can read
# them. A copy is rewritten only when its notebook changed.

NOTEBOOKS = ROOT / "notebooks"
RENDERED = DOCS / "notebooks"


def _copy_notebooks() -> None:
    RENDERED.mkdir(exist_ok=True)
    wanted = {path.name: path for path in NOTEBOOKS.glob("*.ipynb")}
    for stale in RENDERED.glob("*.ipynb"):
        if stale.name not in wanted:
            stale.unlink()
    for name, source in wanted.items():
        target = RENDERED / name
        if not target.exists() or not filecmp.cmp(source, target, shallow=False):
            shutil.copyfile(source, target)


_copy_notebooks()

# Every notebook runs, top to bottom, in a kernel of this very interpreter:
# a kernel spec of our own, found first through JUPYTER_PATH, and every
# notebook's kernel name mapped to it, so that no other Python installed on
# the machine is ever picked.
KERNEL_NAME = "lora-lab-docs"
_jupyter = DOCS / "_build" / "jupyter"
shutil.rmtree(_jupyter / "kernels" / KERNEL_NAME, ignore_errors=True)
(_jupyter / "kernels").mkdir(parents=True, exist_ok=True)
write_kernel_spec(
    _jupyter / "kernels" / KERNEL_NAME,
    overrides={"display_name": "lora_lab docs"},
    extra_arguments=[
        "--InteractiveShell.colors=nocolor",
        # Quiet the kernel's own start-up notices (it warns about its TCP
        # transport), which would otherwise interleave with Sphinx's output.
        "--IPKernelApp.log_level=ERROR",
    ],
    python_arguments=["-Xfrozen_modules=off"],
)
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    [str(_jupyter), *filter(None, [os.environ.get("JUPYTER_PATH")])]
)

# nbclient announces each notebook it runs at INFO; Sphinx already does.
logging.getLogger("traitlets").setLevel(logging.WARNING)

nb_kernel_rgx_aliases = {".*": KERNEL_NAME}
nb_execution_mode = "force"
nb_execution_timeout = 60
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# No page shows a live widget (a static page cannot run one), so the site
# loads no widget scripts from a CDN; it loads no third-party script at all.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}

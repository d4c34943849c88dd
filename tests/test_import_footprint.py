"""Importing lora_lab must not pull in Jupyter: servers import it too."""

from __future__ import annotations

import json
import subprocess
import sys

JUPYTER_PACKAGES = {
    "ipywidgets",
    "IPython",
    "ipykernel",
    "jupyter",
    "jupyter_client",
    "jupyter_core",
    "nbformat",
    "nbclient",
    "widgetsnbextension",
    "comm",
}


def modules_after(statement: str) -> set[str]:
    """Run ``statement`` in a fresh interpreter; return the modules it loaded."""
    probe = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(json.loads(completed.stdout))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_import_lora_lab_loads_no_jupyter_module() -> None:
    loaded = modules_after("import lora_lab")

    assert "lora_lab.transforms.lora.inject" in loaded
    assert top_level(loaded) & JUPYTER_PACKAGES == set()
    assert not any(name.startswith("jupyter") for name in loaded)


def test_import_lora_lab_leaves_typo_suggestions_until_a_typo() -> None:
    # difflib only suggests the name meant; a server starts without it.
    assert "difflib" not in modules_after("import lora_lab")


def test_import_lora_lab_sagemaker_loads_no_jupyter_module() -> None:
    loaded = modules_after("import lora_lab.sagemaker")

    assert "lora_lab.sagemaker" in loaded
    assert top_level(loaded) & JUPYTER_PACKAGES == set()


def test_the_probe_sees_a_module_the_statement_loads() -> None:
    # The check above is only worth something if the probe reports what the
    # statement imported.
    loaded = modules_after("import xml.dom.minidom")

    assert "xml.dom.minidom" in loaded
    assert "xml.dom.minidom" not in modules_after("pass")

"""codex-gates python-drift: modules in CODEX_PYTHON_DRIFT_WITHOUT cannot be imported.

A python-drift cell copies this file as ``sitecustomize.py`` into a temporary folder
placed first on PYTHONPATH, so Python's ``site`` module imports it at start-up, in the
test command and in every Python process it starts. It then:

- installs a ``sys.meta_path`` finder, first in line, raising ``ModuleNotFoundError``
  for each named module and its submodules (``torch`` hides ``torch`` and
  ``torch.cuda``), so ``import torch`` fails as if torch were not installed while
  everything else imports normally;
- makes ``importlib.util.find_spec("torch")`` return None, as it does for a module that
  is not installed, instead of raising: availability checks such as transformers'
  ``is_torch_available()`` must see "absent", not crash;
- drops hidden modules that ``.pth`` files imported before it ran from ``sys.modules``;
- then runs the ``sitecustomize`` this one shadows (Python imports only the first one on
  the path), so a virtualenv's or a distribution's own start-up code still runs;
- appends JSON lines to CODEX_PYTHON_DRIFT_PROOF (when set): one at start, so the cell
  can tell that the hiding took effect (``python -I``, ``-E`` or ``-S`` skip PYTHONPATH
  or site, and tools like tox may drop the variable), one at exit with how many imports
  each name refused and whether it would have been found without the hiding.

Package metadata is left alone: ``importlib.metadata.version("torch")`` still answers.
"""

from __future__ import annotations  # the annotations below on Python 3.8 and 3.9

import atexit
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

MARKER = "hidden by codex-gates python-drift"
# Set on the errors this file raises, so find_spec() below can tell them from real ones.
HIDDEN_FLAG = "_codex_gates_hidden"


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(n.strip() for n in (value or "").split(",") if n.strip())


HIDDEN = _names(os.environ.get("CODEX_PYTHON_DRIFT_WITHOUT"))


def hidden_name(fullname: str) -> str | None:
    """The hidden name covering ``fullname`` (itself or a parent package), or None."""
    for name in HIDDEN:
        if fullname == name or fullname.startswith(name + "."):
            return name
    return None


class HidingFinder(importlib.abc.MetaPathFinder):
    """First on sys.meta_path: refuses hidden modules before any other finder looks."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        __tracebackhide__ = True  # pytest leaves this frame out of failure tracebacks
        name = hidden_name(fullname)
        if name is None:
            return None
        REFUSED[name] = REFUSED.get(name, 0) + 1
        if name not in PRESENT:
            PRESENT[name] = _found_by_others(name, self)
        message = f"No module named {fullname!r} ({MARKER})"
        error = ModuleNotFoundError(message, name=fullname)
        setattr(error, HIDDEN_FLAG, True)
        raise error


_original_find_spec = importlib.util.find_spec


def find_spec(name: str, package: str | None = None) -> ModuleSpec | None:
    """``importlib.util.find_spec``: None for a hidden module, as for a missing one."""
    try:
        return _original_find_spec(name, package)
    except ModuleNotFoundError as error:
        fullname = (
            importlib.util.resolve_name(name, package) if name.startswith(".") else name
        )
        # A hidden parent makes find_spec("torch.cuda") raise, as a missing one would.
        if getattr(error, HIDDEN_FLAG, False) and error.name == fullname:
            return None
        raise


# Imports refused per hidden name; whether the other finders would have found it.
REFUSED: dict[str, int] = {}
PRESENT: dict[str, bool] = {}


def _found_by_others(name: str, finder: object) -> bool:
    """Whether an import of ``name`` would have succeeded without the hiding finder."""
    parent, _, _ = name.rpartition(".")
    path = getattr(sys.modules.get(parent), "__path__", None) if parent else None
    if parent and path is None:
        return False
    for other in sys.meta_path:
        if other is finder or not hasattr(other, "find_spec"):
            continue
        try:
            if other.find_spec(name, path) is not None:
                return True
        except (ImportError, ValueError):
            continue
    return False


def _chain_shadowed_sitecustomize() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


def _write_proof(line: dict[str, object]) -> None:
    path = os.environ.get("CODEX_PYTHON_DRIFT_PROOF")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as proof:
            proof.write(json.dumps({"pid": os.getpid(), **line}) + "\n")
    except OSError:
        pass  # the cell reports a missing proof; a start-up hook must never stop Python


def _install() -> None:
    purged = sorted(m for m in sys.modules if hidden_name(m) is not None)
    for module in purged:
        del sys.modules[module]
    if HIDDEN:
        sys.meta_path.insert(0, HidingFinder())
        importlib.util.find_spec = find_spec
    _write_proof(
        {
            "event": "start",
            "hidden": list(HIDDEN),
            "purged": purged,
            "python": sys.version.split()[0],
            "executable": sys.executable,
        }
    )
    atexit.register(
        lambda: _write_proof({"event": "exit", "refused": REFUSED, "present": PRESENT})
    )


_install()
_chain_shadowed_sitecustomize()

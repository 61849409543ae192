"""Where kg keeps what it fetches or builds once per user (Neo4j's jars, the start-up cache):
``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``.

>>> import os
>>> os.environ["KG_CACHE_DIR"] = "/tmp/kg-cache-doctest"
>>> str(cache_dir())
'/tmp/kg-cache-doctest'
>>> del os.environ["KG_CACHE_DIR"]
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """kg's per-user cache folder (see the module's docstring); not created here."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg"

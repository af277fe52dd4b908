"""The core, the store and the service never import discord: the boundary holds by itself."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "lalabot.core.facts",
        "lalabot.core.ingest",
        "lalabot.store.facts",
        "lalabot.service",
        "lalabot.cli",
    ],
)
def test_module_does_not_import_discord(module: str) -> None:
    code = f"import sys, {module}; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"

"""`lalabot` / `python -m lalabot`: loads .env (here and only here), then runs the CLI."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from dotenv import load_dotenv

from lalabot.cli import run_cli

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv(os.path.join(os.getcwd(), ".env"), override=False)
    return run_cli(sys.argv[1:] if argv is None else list(argv), os.environ)


if __name__ == "__main__":
    sys.exit(main())

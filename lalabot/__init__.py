"""lalabot: a self-hostable Discord trivia bot about La La Land (2016)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lalabot")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

PROJECT_URL = "https://github.com/lalabot/lalabot"

__all__ = ["PROJECT_URL", "__version__"]

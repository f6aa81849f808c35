"""cryptodesk: customer support for cryptocurrency exchanges and wallets."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cryptodesk")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

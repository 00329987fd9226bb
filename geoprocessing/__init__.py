"""laguna's core: the store, importers, metric jobs, exports and reports.

Nothing here imports Flask or :mod:`webapp`; the web app builds on this package.
"""

from importlib import metadata

try:
    __version__ = metadata.version("laguna")
except metadata.PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

"""The same formats as en_GB (a request without a region)."""

from ..en_GB.formats import *  # noqa: F403

# The person's code set (people/codes.py), the census values: re-exported for the child.
from people.codes import Sex

__all__ = ["Sex"]

"""What the landing page shows, section by section; each capability adds its own section function.

A section takes the request and returns a dict {"template": ..., **context} or None. Which sections there are,
and their order, is declared in doorstep/core/extensions.py.
"""

from .extensions import HOME_SECTIONS  # noqa: F401

"""What the landing page shows, section by section; each capability adds its own section function.

A section takes the request and returns a dict {"template": ..., **context} or None.
"""

HOME_SECTIONS: list = []

"""The demo region: deterministic synthetic agencies, staff and families (clearly fictional).

Each capability has a loader in `DEMO_LOADERS` (declared, in order, in doorstep/core/extensions.py); loaders run
in order and share one `DemoRegion`, so later capabilities can give the families made earlier a history.
"""

import random
from dataclasses import dataclass, field

from .extensions import DEMO_LOADERS  # noqa: F401 (the loaders, in order)

DEMO_PASSWORD = "doorstep-demo-2026"


@dataclass
class DemoRegion:
    rng: random.Random = field(default_factory=lambda: random.Random(20261123))
    agencies: dict = field(default_factory=dict)  # key -> Agency
    staff: dict = field(default_factory=dict)  # username -> Professional
    families: dict = field(default_factory=dict)  # key -> Family
    logins: list = field(default_factory=list)  # (username, description)

    def practitioner(self, agency_key: str, n: int = 1):
        return self.staff[f"{agency_key}.practitioner{'' if n == 1 else n}"]

    def manager(self, agency_key: str):
        return self.staff[f"{agency_key}.manager"]

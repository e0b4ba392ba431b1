"""Run Python on a test's clock: `python -m doorstep.testing.on_clock <iso moment> (-c CODE | -m MODULE | SCRIPT) ...`.

The clock starts at the moment given (the test's "now" when it started the process) and runs on from there, so a
worker process and the test that started it agree on the time whatever the real date is (issue 12).
"""

import runpy
import sys
from datetime import datetime

import time_machine


def main() -> None:
    moment, first, *rest = sys.argv[1:]
    time_machine.travel(datetime.fromisoformat(moment), tick=True).start()
    if first == "-c":
        code, *args = rest
        sys.argv = ["-c", *args]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102 - the test's own code
    elif first == "-m":
        module, *args = rest
        sys.argv = [module, *args]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [first, *rest]
        runpy.run_path(first, run_name="__main__")


if __name__ == "__main__":
    main()

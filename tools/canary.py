"""Compare an environment's package versions with the ones CI tested.

``make canary`` builds a fresh virtualenv with the newest versions ``pyproject.toml``
allows, runs the test suite in it, and then calls this module, which prints every
distribution whose version differs from ``constraints.txt`` (the exact versions the
last green CI run used) and the test suite's verdict::

    python -m tools.canary constraints.txt --status 1

Exit status: the test suite's status, so a scheduled job fails when it failed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
from pathlib import Path

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_constraints(path: Path) -> dict[str, str]:
    """``{distribution: version}`` of the ``name==version`` lines of a constraints file."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[_normalise(match.group(1))] = match.group(2)
    return pins


def installed() -> dict[str, str]:
    """``{distribution: version}`` of this interpreter's environment."""
    return {
        _normalise(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
        if dist.metadata["Name"]
    }


def differences(tested: dict[str, str], now: dict[str, str]) -> list[str]:
    """One line per distribution that is new, gone or at another version."""
    lines = []
    for name in sorted(set(tested) | set(now)):
        if name == "nnguide":
            continue
        before, after = tested.get(name), now.get(name)
        if before == after:
            continue
        if before is None:
            lines.append(f"  + {name} {after} (not in the tested set)")
        elif after is None:
            lines.append(f"  - {name} {before} (no longer installed)")
        else:
            lines.append(f"  ~ {name} {before} -> {after}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("constraints", type=Path, help="the tested versions (constraints.txt)")
    parser.add_argument("--status", type=int, default=0, help="the test suite's exit status")
    args = parser.parse_args(argv)
    try:
        tested = read_constraints(args.constraints)
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        print(f"constraints: cannot read {str(args.constraints)!r}: {reason}", file=sys.stderr)
        return 2
    lines = differences(tested, installed())
    verdict = "passed" if args.status == 0 else f"FAILED (exit status {args.status})"
    print(f"Tests with the newest allowed versions: {verdict}")
    if lines:
        print(f"Versions that differ from {args.constraints}:")
        print("\n".join(lines))
    else:
        print(f"Every version equals {args.constraints}.")
    return args.status


if __name__ == "__main__":
    sys.exit(main())

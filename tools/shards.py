"""Shard results for CI: each shard ships only its own notebooks, merged without overwrites.

The Pages workflow executes the examples in shards on separate runners
(``make examples SHARD=i/N``; :func:`tools.execute.shard` deals the scripts). A runner
also has notebooks it did not execute (restored from the cache of an earlier run), so
it uploads only its own:

* ``python -m tools.shards pack SHARD OUT`` copies the executed notebook of each of the
  shard's scripts to ``OUT/<lang>/<tutorials>/<name>.ipynb`` (its path under ``docs/``);
  a missing one is an error;
* ``python -m tools.shards merge FOLDER DOCS`` takes every shard's folder in ``FOLDER``
  (one per downloaded artifact) and copies their files into ``DOCS``. A path that two
  shards hold, or that ``DOCS`` holds already, is an error naming it and the shards:
  nothing is written twice, and nothing is written at all if one is. A ``FOLDER`` that
  is missing or holds no shard's file is an error too (the artifacts went elsewhere).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


class ShardError(RuntimeError):
    """A shard's results cannot be packed or merged; the message names the paths."""


def pack(spec: str, out: Path) -> list[str]:
    """Copy the executed notebooks of shard ``spec``'s scripts to ``out``; their paths.

    Raises:
        ShardError: If a script of the shard has no executed notebook.
    """
    from tools import config, execute

    project = config.load()
    examples = execute.shard(project, spec) or []
    missing = [example.label for example in examples if not example.notebook.is_file()]
    if missing:
        raise ShardError(f"shard {spec}: not executed: {', '.join(missing)}")
    paths = []
    for example in examples:
        path = example.notebook.relative_to(project.docs_dir).as_posix()
        target = Path(out) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example.notebook, target)
        paths.append(path)
    return paths


def plan(folder: Path, docs: Path) -> dict[str, Path]:
    """Each path under ``docs`` to write, with the shard file it comes from.

    Raises:
        ShardError: If ``folder`` is missing or no shard in it holds a file (the
            artifacts were not downloaded there: the site would have no notebook),
            or if two shards hold the same path, or ``docs`` holds it already; every
            such path is named with its shards.
    """
    sources: dict[str, list[Path]] = {}
    if not Path(folder).is_dir():
        raise ShardError(f"folder {str(folder)!r}: not a folder (one subfolder per shard)")
    for shard in sorted(path for path in Path(folder).iterdir() if path.is_dir()):
        for file in sorted(path for path in shard.rglob("*") if path.is_file()):
            sources.setdefault(file.relative_to(shard).as_posix(), []).append(file)
    if not sources:
        raise ShardError(f"folder {str(folder)!r}: no shard's notebook in its subfolders")
    problems = []
    for path, files in sorted(sources.items()):
        shards = ", ".join(file.parents[len(Path(path).parts) - 1].name for file in files)
        if len(files) > 1:
            problems.append(f"{path}: in more than one shard ({shards})")
        elif (Path(docs) / path).exists():
            problems.append(f"{path}: already in {docs} (from shard {shards})")
    if problems:
        raise ShardError("Shard results would overwrite each other:\n" + "\n".join(problems))
    return {path: files[0] for path, files in sources.items()}


def merge(folder: Path, docs: Path) -> list[str]:
    """Copy every shard's files from ``folder`` into ``docs``, each path once (:func:`plan`)."""
    planned = plan(folder, docs)
    for path, source in planned.items():
        target = Path(docs) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return sorted(planned)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.shards", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    packing = commands.add_parser("pack", help="copy a shard's own notebooks to a folder")
    packing.add_argument("shard", help="the shard: i/N or gpu")
    packing.add_argument("out", type=Path, help="the folder to fill (the shard's artifact)")
    merging = commands.add_parser("merge", help="merge the shards' folders into docs/")
    merging.add_argument("folder", type=Path, help="one subfolder per shard")
    merging.add_argument("docs", type=Path, help="the docs folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "pack":
            paths = pack(args.shard, args.out)
            print(f"Shard {args.shard}: {len(paths)} notebook(s) in {args.out}")
        else:
            paths = merge(args.folder, args.docs)
            print(f"{len(paths)} notebook(s) merged into {args.docs}")
    except (RuntimeError, ValueError) as error:  # ShardError, LessonError, a bad SHARD
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

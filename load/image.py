"""The load-test image: which files it holds and its tag, the content hash of those files.

    python -m load.image tag      # the tag the workflow pushes and the stack resolves to a digest
    python -m load.image files    # the files the image holds (repository-relative), one a line
    python -m load.image targets prod   # "<region> <repository>" of each cell of the stack that runs a load test

`load/Dockerfile` copies exactly `IMAGE_SOURCES` (tests/load/test_image.py keeps them in step), so the tag changes
whenever anything inside the image does: the harness, its locked dependencies, the SLO specs it reads thresholds
from (and their runbooks), or the few `slogen`/`domain` modules it imports. Tags are immutable in the repository: one content, one tag.
`tag` and `files` need the standard library only; `targets` reads the stack file with the project's settings.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
IMAGE_SOURCES = (
    "load/Dockerfile",
    "load/requirements.lock",
    "load/__init__.py",
    "load/locustfile.py",
    "load/profiles.py",
    "load/run.py",
    "load/thresholds.py",
    "slogen/__init__.py",
    "slogen/promql.py",
    "slogen/spec.py",
    "domain/__init__.py",
    "domain/errors.py",
    "domain/strict_yaml.py",
    "slos/*.yaml",
    "runbooks/slo-*.md",
)
"""What the image holds (globs, repository-relative): the harness and what it imports and reads (the SLO specs and
the runbooks they link, which loading a spec checks), nothing else."""
TAG_LENGTH = 32


def image_files(root: Path = REPO_ROOT) -> list[Path]:
    """Every file of the image, sorted by repository-relative path; a source matching nothing is an error."""
    found: set[Path] = set()
    for pattern in IMAGE_SOURCES:
        matches = [path for path in root.glob(pattern) if path.is_file()]
        if not matches:
            raise FileNotFoundError(f"{pattern}: no file in {root}; the load-test image needs it")
        found.update(matches)
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def content_tag(root: Path = REPO_ROOT) -> str:
    """The image tag: SHA-256 over each file's relative path and bytes, first `TAG_LENGTH` hex digits."""
    digest = hashlib.sha256()
    for path in image_files(root):
        relative = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        digest.update(len(relative).to_bytes(4, "big") + relative + len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()[:TAG_LENGTH]


def targets(stack: str, program: Path = REPO_ROOT) -> list[tuple[str, str]]:
    """(region, repository name) of every cell of `stack` with a load test (`trust-fabric:loadTest.cells`), the
    repositories the stack declares (`components.delivery.load_test`); raises ValueError naming a bad setting."""
    from components.delivery.load_test import repository_name
    from stacks.settings import deployment, parse_settings
    from stacks.settings_delivery import parse_load_test
    from trustfabric.engine.project import load_project, load_stack_config

    project = load_project(program)
    config = load_stack_config(project, stack)
    settings = parse_settings(
        config.values, project=project.name, stack=stack, source=f"Pulumi.{stack}.yaml", secret_keys=config.secret_keys
    )
    load_test = parse_load_test(config.values, settings)
    return [
        (cell.region, repository_name(deployment(settings), cell.name))
        for cell in settings.cells
        if cell.code in load_test.targets
    ]


def main(argv: list[str] | None = None) -> int:
    from domain.errors import InputError

    args = sys.argv[1:] if argv is None else argv
    if args not in (["tag"], ["files"]) and not (len(args) == 2 and args[0] == "targets"):
        print("usage: python -m load.image tag|files|targets STACK", file=sys.stderr)
        return 2
    try:
        if args == ["tag"]:
            print(content_tag())
        elif args == ["files"]:
            print("\n".join(path.relative_to(REPO_ROOT).as_posix() for path in image_files()))
        else:
            for region, repository in targets(args[1]):
                print(region, repository)
    except (FileNotFoundError, ValueError, InputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

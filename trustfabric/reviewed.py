"""Reviewed, expiring acceptances of findings: the one type behind policy exemptions and checkov suppressions.

An entry names a check (a policy name, or a checkov check id), the resource it covers (its URN, or its logical
name to cover that name in every stack; `*` for every resource where the file allows it), why, who approved it
and the last day it applies. While it is live, a finding it matches is moved aside: still shown, never counted.
From the day after `expires` it stops applying and is itself a mandatory finding, so every entry is a dated
decision rather than a permanent silence.

The two files differ only in their list's name and the key naming the check (`EntryKind`):

    exemptions:                                   suppressions:
      - policy: aws-kms-key-rotation-enabled        - check: CKV_AWS_144
        resource: legacy-import-key                   resource: "*"
        reason: Imported key material ...             reason: Replication is the DR design's job ...
        approver: security@example.com                approver: platform-security
        expires: 2025-06-30                           expires: 2027-06-30

(either a mapping with the list, or a bare list). Policy exemptions: trustfabric.gate.exemptions; checkov
suppressions: trustfabric.bridge.suppressions.

Nothing in a reviewed file is accepted silently:

- *a maximum lifetime*: `expires` may be at most `DEFAULT_MAX_LIFETIME_DAYS` (90) days from today, so every entry
  is re-decided at least once a quarter. A file may set its own maximum in its header comment
  (`# max-lifetime-days: 180`), and `trustfabric check --max-lifetime-days N` overrides both; either must lie
  between `MIN_LIFETIME_DAYS` (7: a shorter maximum would force re-approvals faster than a review meets, and
  breeds rubber stamps) and `MAX_LIFETIME_DAYS` (365: SOC 2 Type II and ISO 27001 audit a year at a time, so an
  exception is re-decided at least once in every audit period);
- *no patterns*: an exemption names one resource; a suppression names one resource or `*` (every resource,
  an explicit, reviewed choice); `uk-*` or `?` match nothing and are refused;
- *resources that exist*: at gate time every entry that applies to the stack must name a resource of its graph
  (`entries_for_stack`); a suppression may carry `stacks: [prod, dr]` to apply to those stacks only (an entry
  naming a URN applies to the URN's stack only).

Usage::

    from trustfabric.reviewed import EXEMPTIONS, load_entries

    entries = load_entries(Path("policies/exemptions.yaml"), EXEMPTIONS)
    live = [entry for entry in entries if entry.is_live(date.today())]
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import TrustFabricError
from .files import parse_yaml, read_text
from .findings import Finding
from .graph import ResourceGraph

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EVERY_RESOURCE = "*"
PATTERN_CHARACTERS = ("*", "?")
DEFAULT_MAX_LIFETIME_DAYS = 90
MIN_LIFETIME_DAYS = 7
MAX_LIFETIME_DAYS = 365
LIFETIME_HEADER = "max-lifetime-days"
_HEADER_LINE = re.compile(rf"^#\s*{LIFETIME_HEADER}\s*:\s*(.*?)\s*$")
_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


@dataclass(frozen=True)
class EntryKind:
    """What one reviewed file calls its list and its check key, and whether `*` covers every resource."""

    list_key: str
    """The file's list: `exemptions` or `suppressions`."""
    check_key: str
    """The key naming the check: `policy` or `check`."""
    every_resource: bool = False
    """True when `resource: "*"` covers every resource."""
    scoped: bool = False
    """True when an entry may name the stacks it applies to (`stacks: [prod, dr]`)."""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every required key of an entry, in the order messages list them."""
        return (self.check_key, "resource", "reason", "approver", "expires")

    @property
    def allowed(self) -> tuple[str, ...]:
        """Every key an entry may hold: the required ones, then the optional ones."""
        return (*self.fields, "stacks") if self.scoped else self.fields


EXEMPTIONS = EntryKind("exemptions", "policy")
"""Policy exemptions: no `stacks` key, because the policy pack reads the same file when the Pulumi CLI serves it
and knows only the required keys."""
SUPPRESSIONS = EntryKind("suppressions", "check", every_resource=True, scoped=True)


@dataclass(frozen=True)
class ReviewedEntry:
    """One reviewed decision to accept a check's finding on a resource (or every resource) until a date."""

    kind: EntryKind
    check: str
    """The policy name or check id the entry accepts."""
    resource: str
    """The resource's URN, its logical name (matches that name in any stack), or `*` where allowed."""
    reason: str
    approver: str
    expires: dt.date
    """Last day the entry applies."""
    index: int = 0
    """Position in the file (for messages)."""
    stacks: tuple[str, ...] = ()
    """The stacks the entry applies to; empty for every stack."""

    @property
    def where(self) -> str:
        """The entry as messages name it: `suppressions[3]`."""
        return f"{self.kind.list_key}[{self.index}]"

    def applies_to(self, stack: str) -> bool:
        """True when the entry applies to `stack`: listed in `stacks` (or none listed), and for a URN, its stack."""
        if self.stacks and stack not in self.stacks:
            return False
        urn_stack = _urn_stack(self.resource)
        return urn_stack is None or urn_stack == stack

    def is_live(self, today: dt.date) -> bool:
        """True through the day of `expires`; False from the next day on."""
        return today <= self.expires

    def matches(self, finding: Finding) -> bool:
        """True when the finding is this entry's check (or names it in `also`) on its resource."""
        if self.check not in (finding.policy, *finding.also) or not self.resource:
            return False
        if self.kind.every_resource and self.resource == EVERY_RESOURCE:
            return True
        return self.resource in (finding.resource.urn, finding.resource.name)

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            self.kind.check_key: self.check,
            "resource": self.resource,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
        }
        if self.stacks:
            entry["stacks"] = list(self.stacks)
        return entry


def _urn_stack(resource: str) -> str | None:
    """The stack a URN names (`urn:pulumi:<stack>::...`); None for a logical name."""
    if not resource.startswith("urn:pulumi:"):
        return None
    return resource[len("urn:pulumi:") :].split("::", 1)[0]


def _shown(value: str, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


def _entries(data: Any, source: str, kind: EntryKind) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Validate the list: every field required, strings except `expires`, no unknown keys. Yields
    (index, where, entry); errors name source, entry and key."""
    if data is None:
        return
    list_key, fields, allowed = kind.list_key, kind.fields, kind.allowed
    if isinstance(data, dict):
        unexpected = sorted(set(data) - {list_key})
        if unexpected:
            raise TrustFabricError(f"{source}: {unexpected[0]}: unknown key; expected '{list_key}' (a list)")
        data = data.get(list_key) or []
    if not isinstance(data, list):
        raise TrustFabricError(f"{source}: expected a list of {list_key}, got {type(data).__name__}")
    for index, entry in enumerate(data):
        where = f"{source}: {list_key}[{index}]"
        if not isinstance(entry, dict):
            raise TrustFabricError(f"{where}: expected a mapping with {', '.join(fields)}")
        for key in entry:
            if key not in allowed:
                raise TrustFabricError(f"{where}.{key}: unknown key; allowed: {', '.join(allowed)}")
        for key in fields:
            value = entry.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise TrustFabricError(f"{where}.{key}: required")
            if key != "expires" and not isinstance(value, str):
                raise TrustFabricError(f"{where}.{key}: expected a string, got {type(value).__name__}")
        yield index, where, entry


def parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise TrustFabricError(f"{where}.expires: {_shown(str(value))} is not a date (YYYY-MM-DD)")


def _resource(value: str, where: str, kind: EntryKind) -> str:
    resource = value.strip()
    if kind.every_resource and resource == EVERY_RESOURCE:
        return resource
    if any(character in resource for character in PATTERN_CHARACTERS):
        star = " or '*' for every resource" if kind.every_resource else ""
        raise TrustFabricError(
            f"{where}.resource: {_shown(resource)} is a pattern; name one resource (its logical name or URN){star}"
        )
    return resource


def _stacks(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise TrustFabricError(f"{where}.stacks: expected a non-empty list of stack names, like [prod, dr]")
    for item in value:
        if not isinstance(item, str) or not _STACK_NAME.fullmatch(item):
            raise TrustFabricError(f"{where}.stacks: {_shown(str(item))} is not a stack name")
    return tuple(dict.fromkeys(value))


CheckValidator = Callable[[str, str], None]
"""Called with (check, where) for every entry; raises TrustFabricError for a check the file may not name."""


def parse_entries(
    data: Any, source: str, kind: EntryKind, validate_check: CheckValidator | None = None
) -> list[ReviewedEntry]:
    """Validate the loaded YAML of a reviewed file; errors name `source`, the entry index and the key."""
    found: list[ReviewedEntry] = []
    for index, where, entry in _entries(data, source, kind):
        check = entry[kind.check_key].strip()
        if validate_check is not None:
            validate_check(check, where)
        found.append(
            ReviewedEntry(
                kind=kind,
                check=check,
                resource=_resource(entry["resource"], where, kind),
                reason=" ".join(entry["reason"].split()),
                approver=entry["approver"].strip(),
                expires=parse_date(entry["expires"], where),
                index=index,
                stacks=_stacks(entry["stacks"], where) if "stacks" in entry else (),
            )
        )
    return found


def check_lifetime_days(days: int, where: str) -> int:
    """`days` as a maximum lifetime, within MIN_LIFETIME_DAYS..MAX_LIFETIME_DAYS; TrustFabricError naming `where`."""
    if not MIN_LIFETIME_DAYS <= days <= MAX_LIFETIME_DAYS:
        raise TrustFabricError(
            f"{where}: {days} is out of range; allowed: {MIN_LIFETIME_DAYS}..{MAX_LIFETIME_DAYS} days"
        )
    return days


def header_lifetime(text: str, source: str) -> int | None:
    """The `# max-lifetime-days: N` of the file's leading comment block, or None when it sets none."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return None
        found = _HEADER_LINE.match(stripped)
        if found is None:
            continue
        value = found.group(1)
        if not value.isdigit() or len(value) > 4:
            raise TrustFabricError(
                f"{source}:{number}: {LIFETIME_HEADER}: {_shown(value)} is not a number of days; "
                f"allowed: {MIN_LIFETIME_DAYS}..{MAX_LIFETIME_DAYS}"
            )
        return check_lifetime_days(int(value), f"{source}:{number}: {LIFETIME_HEADER}")
    return None


def check_lifetimes(entries: list[ReviewedEntry], source: str, today: dt.date, max_days: int, origin: str) -> None:
    """Every entry expires at most `max_days` from `today`; `origin` says where the maximum came from."""
    latest = today + dt.timedelta(days=max_days)
    for entry in entries:
        if entry.expires > latest:
            raise TrustFabricError(
                f"{source}: {entry.where}.expires: {entry.expires.isoformat()} is more than {max_days} days away "
                f"({origin}); allowed: {latest.isoformat()} at the latest, renewed after review"
            )


def load_entries(
    path: Path,
    kind: EntryKind,
    validate_check: CheckValidator | None = None,
    *,
    today: dt.date | None = None,
    max_lifetime_days: int | None = None,
) -> list[ReviewedEntry]:
    """Read and validate a reviewed file; a bad file raises TrustFabricError naming file, entry and key.

    Every entry must expire within the maximum lifetime from `today` (default: the real date): the
    `max_lifetime_days` given (the command's option), else the file header's, else DEFAULT_MAX_LIFETIME_DAYS.
    """
    source = str(path)
    text = read_text(path)
    entries = parse_entries(parse_yaml(text, path), source, kind, validate_check)
    if max_lifetime_days is not None:
        days = check_lifetime_days(max_lifetime_days, "--max-lifetime-days")
        origin = "the maximum lifetime set by --max-lifetime-days"
    else:
        from_header = header_lifetime(text, source)
        days = from_header if from_header is not None else DEFAULT_MAX_LIFETIME_DAYS
        origin = (
            "the maximum lifetime this file's header sets"
            if from_header is not None
            else f"the default maximum lifetime; a header '# {LIFETIME_HEADER}: N' sets another"
        )
    check_lifetimes(entries, source, today or dt.date.today(), days, origin)
    return entries


def stack_names(program_dir: Path) -> list[str]:
    """Every stack of a program: the `<stack>` of each `Pulumi.<stack>.yaml`."""
    return sorted(path.name[len("Pulumi.") : -len(".yaml")] for path in Path(program_dir).glob("Pulumi.*.yaml"))


def entries_for_stack(
    entries: list[ReviewedEntry], graph: ResourceGraph, source: str, stacks: list[str] | None = None
) -> list[ReviewedEntry]:
    """The entries that apply to the graph's stack, each checked to name a resource of it.

    TrustFabricError naming the file, the entry and the key for an entry listing a stack the program does not
    have (when `stacks` is given) or naming a resource the stack does not declare (with the closest name).
    """
    names = {resource.name for resource in graph} | {f"{graph.project}-{graph.stack}"}
    urns = set(graph.resources) | ({graph.stack_urn} if graph.stack_urn else set())
    applicable: list[ReviewedEntry] = []
    for entry in entries:
        for stack in entry.stacks:
            if stacks is not None and stack not in stacks:
                raise TrustFabricError(
                    f"{source}: {entry.where}.stacks: {_shown(stack)} is not a stack of the program; "
                    f"stacks here: {', '.join(stacks) or 'none'}"
                )
        if not entry.applies_to(graph.stack):
            continue
        if entry.resource != EVERY_RESOURCE and entry.resource not in urns and entry.resource not in names:
            raise TrustFabricError(f"{source}: {entry.where}.resource: {_missing(entry, graph, names)}")
        applicable.append(entry)
    return applicable


def _missing(entry: ReviewedEntry, graph: ResourceGraph, names: set[str]) -> str:
    """What to say about an entry naming no resource of the stack: the closest name, else how to scope it."""
    close = difflib.get_close_matches(entry.resource, sorted(names), n=1, cutoff=0.8)
    if close:
        advice = f"; did you mean {close[0]!r}?"
    elif entry.kind.scoped and not entry.stacks:
        advice = "; list the stacks that declare it in 'stacks'"
    elif not entry.kind.scoped:
        advice = "; name it by URN to cover it in one stack only"
    else:
        advice = ""
    return f"{_shown(entry.resource)} is not a resource of stack {graph.stack}{advice}"


__all__ = [
    "DEFAULT_MAX_LIFETIME_DAYS",
    "EVERY_RESOURCE",
    "EXEMPTIONS",
    "MAX_LIFETIME_DAYS",
    "MIN_LIFETIME_DAYS",
    "SUPPRESSIONS",
    "EntryKind",
    "ReviewedEntry",
    "check_lifetime_days",
    "check_lifetimes",
    "entries_for_stack",
    "header_lifetime",
    "load_entries",
    "parse_date",
    "parse_entries",
    "stack_names",
]

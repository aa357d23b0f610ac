"""Run one FIS experiment and record it in the release gate's chaos results format.

`start_and_follow` starts the experiment (a client token makes a retried start the same experiment), polls it
until it ends, reporting each state change, and returns a `RunRecord`; `results_document` turns records into
`trustfabric.release/chaos-results/v1` (schemas/chaos-results.schema.json in trustfabric/release), validated before
it is written, so `trustfabric release gate --chaos FILE` accepts it.

Verdicts: `completed` is passed; `stopped` is aborted (and the stop condition triggered when FIS says a stop
condition stopped it); `failed` is failed.

Usage::

    fis = boto3.client("fis", region_name="eu-west-2")
    template_id = find_template(fis, deployment="prod", cell="uk", experiment="az-impairment")
    record = start_and_follow(fis, template_id, poll_seconds=15, timeout_minutes=90, progress=print)
    write_results(Path("chaos.json"), [record])
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError

RESULTS_FORMAT = "trustfabric.release/chaos-results/v1"
TERMINAL = ("completed", "stopped", "failed")
VERDICTS = {"completed": "passed", "stopped": "aborted", "failed": "failed"}


class ExperimentTimeout(TrustFabricError):
    """The experiment did not end in time: not bad input, a failed run (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class RunRecord:
    experiment_id: str
    template_id: str
    name: str
    started_at: dt.datetime
    ended_at: dt.datetime
    status: str
    reason: str

    @property
    def verdict(self) -> str:
        return VERDICTS[self.status]

    @property
    def stop_condition_triggered(self) -> bool:
        return self.status == "stopped" and "stop condition" in self.reason.lower()

    def as_result(self) -> dict[str, Any]:
        return {
            "id": self.template_id,
            "name": self.name,
            "started_at": timestamp(self.started_at),
            "ended_at": timestamp(self.ended_at),
            "stop_condition_triggered": self.stop_condition_triggered,
            "verdict": self.verdict,
            "notes": f"experiment {self.experiment_id}: {self.status}" + (f" ({self.reason})" if self.reason else ""),
        }


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def find_template(client: Any, *, deployment: str, cell: str, experiment: str) -> str:
    """The id of the cell's template for `experiment`, by the `Name` tag the stacks give it."""
    wanted = f"trustfabric-{deployment}-{cell}-{experiment}"
    paginator_token: str | None = None
    while True:
        page = client.list_experiment_templates(**({"nextToken": paginator_token} if paginator_token else {}))
        for template in page.get("experimentTemplates", []):
            if (template.get("tags") or {}).get("Name") == wanted:
                return str(template["id"])
        paginator_token = page.get("nextToken")
        if not paginator_token:
            break
    raise TrustFabricError(
        f"--experiment: no experiment template tagged Name={wanted} in this account and region; "
        "see `trustfabric chaos list`"
    )


def _moment(value: Any, fallback: dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    return fallback


def start_and_follow(
    client: Any,
    template_id: str,
    *,
    poll_seconds: float,
    timeout_minutes: float,
    progress: Callable[[str], None],
    name: str = "",
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RunRecord:
    """Start the template's experiment and poll it until it ends; TrustFabricError (exit 1) past the timeout."""
    started = dt.datetime.now(dt.UTC)
    try:
        response = client.start_experiment(experimentTemplateId=template_id, clientToken=str(uuid.uuid4()))
    except client.exceptions.ResourceNotFoundException:
        raise TrustFabricError(f"--template-id: {template_id}: no such experiment template") from None
    experiment = response["experiment"]
    experiment_id = str(experiment["id"])
    progress(f"started experiment {experiment_id} from template {template_id}")
    deadline = clock() + timeout_minutes * 60
    last = ""
    while True:
        state = experiment.get("state") or {}
        status = str(state.get("status", "pending"))
        if status != last:
            reason = state.get("reason")
            progress(f"experiment {experiment_id}: {status}" + (f" ({reason})" if reason else ""))
            last = status
        if status in TERMINAL:
            return RunRecord(
                experiment_id=experiment_id,
                template_id=template_id,
                name=name or template_id,
                started_at=_moment(experiment.get("startTime"), started),
                ended_at=_moment(experiment.get("endTime"), dt.datetime.now(dt.UTC)),
                status=status,
                reason=str(state.get("reason") or ""),
            )
        if clock() >= deadline:
            raise ExperimentTimeout(
                f"experiment {experiment_id} is still {status} after {timeout_minutes:g} minutes; no results written "
                "(follow it in the FIS console, or stop it: aws fis stop-experiment --id ...)"
            )
        sleep(poll_seconds)
        experiment = client.get_experiment(id=experiment_id)["experiment"]


def results_document(records: Sequence[RunRecord], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The release gate's chaos results, validated against its schema."""
    from ..release.conditions import RELEASE_SCHEMAS

    document = {
        "format": RESULTS_FORMAT,
        "generated_at": timestamp(now or dt.datetime.now(dt.UTC)),
        "experiments": [record.as_result() for record in records],
    }
    RELEASE_SCHEMAS.validate("chaos-results", document, source="chaos results")
    return document


def write_results(path: Path, records: Sequence[RunRecord], *, append: bool = False) -> dict[str, Any]:
    """Write (or, with `append`, extend an existing results file with) the records."""
    previous: list[dict[str, Any]] = []
    if append and path.is_file():
        from ..release.conditions import load_input

        previous = list(load_input(path, "chaos-results", "--out").document["experiments"])
    document = results_document(records)
    document["experiments"] = previous + document["experiments"]
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return document

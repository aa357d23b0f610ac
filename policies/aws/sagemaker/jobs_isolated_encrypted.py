"""aws-sagemaker-jobs-isolated-encrypted: SageMaker training, processing and monitoring jobs run
network-isolated in the cell's VPC and encrypt their volumes and outputs with a KMS key.

Judged where the stacks declare jobs:

- `aws.sagemaker.DataQualityJobDefinition` (the drift monitors): `network_config.enable_network_isolation`,
  `network_config.vpc_config`, `job_resources.cluster_config.volume_kms_key_id` and
  `data_quality_job_output_config.kms_key_id`;
- `aws.sfn.StateMachine` definitions (the evaluation and retraining pipelines): every Task that creates a
  training job (`EnableNetworkIsolation`, `VpcConfig`, `ResourceConfig.VolumeKmsKeyId`,
  `OutputDataConfig.KmsKeyId`) or a processing job (`NetworkConfig.EnableNetworkIsolation`,
  `NetworkConfig.VpcConfig`, `ProcessingResources.ClusterConfig.VolumeKmsKeyId`,
  `ProcessingOutputConfig.KmsKeyId`), in any state, Map or Parallel branch. A setting given by path
  (`Key.$`) cannot be proven and is a violation.

A job definition's value not known during preview is a violation. A state machine whose definition is not known
during preview is not judged: it cannot create a job before its definition is known, and the gate judges it
again when it is (on update).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_bool, unknown_itself

META = PolicyMeta(
    id="TF-AWS-SM-004",
    name="aws-sagemaker-jobs-isolated-encrypted",
    description=(
        "SageMaker training, processing and monitoring jobs run network-isolated in a VPC with KMS-encrypted "
        "volumes and outputs."
    ),
    severity="high",
    topics=("network", "encryption", "modelops"),
    controls={"SOC2": ("CC6.1", "CC6.6"), "ISO27001:2022": ("A.8.22", "A.8.24"), "GDPR": ("Art.32",)},
    remediation=(
        "Enable network isolation, give the job the cell's VPC config, and set the volume and output KMS keys to "
        "the cell's data key."
    ),
)

JOB_DEFINITION = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"

DEFINITION_CHECKS: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("networkConfig", "enableNetworkIsolation"), "network_config.enable_network_isolation", True),
    (("networkConfig", "vpcConfig"), "network_config.vpc_config", False),
    (("jobResources", "clusterConfig", "volumeKmsKeyId"), "job_resources.cluster_config.volume_kms_key_id", False),
    (("dataQualityJobOutputConfig", "kmsKeyId"), "data_quality_job_output_config.kms_key_id", False),
)
"""(input path, argument name, must be True (else: must be set))."""

TASK_CHECKS: dict[str, tuple[tuple[tuple[str, ...], bool], ...]] = {
    "createTrainingJob": (
        (("EnableNetworkIsolation",), True),
        (("VpcConfig",), False),
        (("ResourceConfig", "VolumeKmsKeyId"), False),
        (("OutputDataConfig", "KmsKeyId"), False),
    ),
    "createProcessingJob": (
        (("NetworkConfig", "EnableNetworkIsolation"), True),
        (("NetworkConfig", "VpcConfig"), False),
        (("ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"), False),
        (("ProcessingOutputConfig", "KmsKeyId"), False),
    ),
}


def _job_definition(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    for path, argument, flag in DEFINITION_CHECKS:
        if is_unknown(args.props, *path):
            report_violation(
                f"SageMaker job definition '{args.name}': {argument} is not known during preview; set it literally."
            )
            continue
        value = get(args.props, *path)
        if flag and as_bool(value) is not True:
            report_violation(f"SageMaker job definition '{args.name}' does not set {argument}=True; set it.")
        elif not flag and not value:
            report_violation(f"SageMaker job definition '{args.name}' has no {argument}; set it.")


def _states(machine: Mapping[str, Any], where: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every state with its path, Map item processors and Parallel branches included."""
    for name, state in (machine.get("States") or {}).items():
        if not isinstance(state, Mapping):
            continue
        yield f"{where}{name}", state
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, Mapping):
            yield from _states(processor, f"{where}{name}.")
        for branch in state.get("Branches") or []:
            if isinstance(branch, Mapping):
                yield from _states(branch, f"{where}{name}.")


def _job_kind(resource: Any) -> str | None:
    text = str(resource)
    for kind in TASK_CHECKS:
        if text.endswith(f"sagemaker:{kind}") or text.endswith(f"sagemaker:{kind}.sync"):
            return kind
    return None


def _lookup(parameters: Mapping[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    """(given by path `Key.$` somewhere along `path`, the literal value or None)."""
    node: Any = parameters
    for key in path:
        if not isinstance(node, Mapping):
            return False, None
        if f"{key}.$" in node:
            return True, None
        node = node.get(key)
    return False, node


def _state_machine(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if unknown_itself(args.props, "definition"):
        return  # judged again when known, before it can run (see the module docstring)
    try:
        machine = json.loads(str(get(args.props, "definition")))
    except ValueError:
        report_violation(f"State machine '{args.name}' has a definition that is not JSON; fix the definition.")
        return
    if not isinstance(machine, Mapping):
        return
    for where, state in _states(machine):
        if state.get("Type") != "Task":
            continue
        kind = _job_kind(state.get("Resource"))
        if kind is None:
            continue
        given = state.get("Parameters")
        parameters: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
        for path, flag in TASK_CHECKS[kind]:
            by_path, value = _lookup(parameters, path)
            name = ".".join(path)
            if by_path:
                report_violation(
                    f"State machine '{args.name}' state {where} ({kind}) takes {name} from the input, which cannot "
                    "be proven; set it literally."
                )
            elif flag and value is not True:
                report_violation(f"State machine '{args.name}' state {where} ({kind}) does not set {name}: true.")
            elif not flag and not value:
                report_violation(f"State machine '{args.name}' state {where} ({kind}) has no {name}; set it.")


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type == JOB_DEFINITION:
        _job_definition(args, report_violation)
    else:
        _state_machine(args, report_violation)


POLICY = resource_policy(META, validate, resource_types=(JOB_DEFINITION, STATE_MACHINE))

"""The programs the IAM Identity Center policy tests share (one compliant, one breaking every policy of it)."""

COMPLIANT = """
import json
import pulumi_aws as aws
INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
GROUP = "9067a1b2c3-0a1b2c3d-1111-2222-3333-444455556666"
reader = aws.ssoadmin.PermissionSet("reader", name="reader", instance_arn=INSTANCE, session_duration="PT8H")
aws.ssoadmin.ManagedPolicyAttachment("reader-read", instance_arn=INSTANCE, permission_set_arn=reader.arn,
    managed_policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")
aws.ssoadmin.AccountAssignment("reader-group", instance_arn=INSTANCE, permission_set_arn=reader.arn,
    principal_type="GROUP", principal_id=GROUP, target_type="AWS_ACCOUNT", target_id="123456789012")
oncall = aws.ssoadmin.PermissionSet("oncall", name="oncall", instance_arn=INSTANCE, session_duration="PT45M")
aws.ssoadmin.ManagedPolicyAttachmentsExclusive("oncall-managed", instance_arn=INSTANCE,
    permission_set_arn=oncall.arn, managed_policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AWSSecurityHubFullAccess"])
aws.ssoadmin.PermissionSetInlinePolicy("oncall-inline", instance_arn=INSTANCE, permission_set_arn=oncall.arn,
    inline_policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "ec2:CreateSnapshot", "Resource": "*"}]}))
aws.ssoadmin.AccountAssignment("oncall-group", instance_arn=INSTANCE, permission_set_arn=oncall.arn,
    principal_type="GROUP", principal_id=GROUP, target_type="AWS_ACCOUNT", target_id="123456789012")
admin = aws.ssoadmin.PermissionSet("admin", name="admin", instance_arn=INSTANCE)
aws.ssoadmin.ManagedPolicyAttachment("admin-admin", instance_arn=INSTANCE, permission_set_arn=admin.arn,
    managed_policy_arn="arn:aws:iam::aws:policy/AdministratorAccess")
"""

BROKEN = """
import json
import pulumi_aws as aws
INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
GROUP = "9067a1b2c3-0a1b2c3d-1111-2222-3333-444455556666"
power = aws.ssoadmin.PermissionSet("power", name="power", instance_arn=INSTANCE, session_duration="PT4H")
aws.ssoadmin.ManagedPolicyAttachmentsExclusive("power-managed", instance_arn=INSTANCE,
    permission_set_arn=power.arn, managed_policy_arns=["arn:aws:iam::aws:policy/PowerUserAccess"])
aws.ssoadmin.AccountAssignment("power-standing", instance_arn=INSTANCE, permission_set_arn=power.arn,
    principal_type="GROUP", principal_id=GROUP, target_type="AWS_ACCOUNT", target_id="123456789012")
god = aws.ssoadmin.PermissionSet("god", name="god", instance_arn=INSTANCE, session_duration="PT1H")
aws.ssoadmin.PermissionSetInlinePolicy("god-inline", instance_arn=INSTANCE, permission_set_arn=god.arn,
    inline_policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
aws.ssoadmin.AccountAssignment("god-user", instance_arn=INSTANCE, permission_set_arn=god.arn,
    principal_type="USER", principal_id="0a1b2c3d-1111-2222-3333-444455556666", target_type="AWS_ACCOUNT",
    target_id="123456789012")
odd = aws.ssoadmin.PermissionSet("odd", name="odd", instance_arn=INSTANCE, session_duration="1 hour")
aws.ssoadmin.CustomerManagedPolicyAttachment("odd-custom", instance_arn=INSTANCE, permission_set_arn=odd.arn,
    customer_managed_policy_reference={"name": "deployer"})
aws.identitystore.User("hand-made", identity_store_id="d-0123456789", user_name="mallory", display_name="M",
    name={"given_name": "M", "family_name": "X"})
aws.identitystore.Group("hand-group", identity_store_id="d-0123456789", display_name="admins")
"""

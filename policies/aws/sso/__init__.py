"""IAM Identity Center (formerly AWS SSO): permission sets, account assignments, identity store."""

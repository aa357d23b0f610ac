"""Code that runs in AWS Lambda, deployed by the stacks as archives of one directory each.

Each function is a self-contained directory (its handler and nothing from the rest of the repository: the
archive holds that directory only); the stacks point `aws.lambda_.Function` at it.
"""

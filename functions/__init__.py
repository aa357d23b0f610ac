"""Code that runs in AWS Lambda, deployed by the stacks as archives of one directory each.

Each function is a self-contained directory (its handler and nothing from the rest of the repository); the
stacks point `aws.lambda_.Function` at it. A function that imports a distribution Lambda's runtime lacks (the
database rotation function: pg8000) gets it bundled beside its handler from the installed distributions
(`components.security.rotation_bundle`); only pure-Python distributions are bundled.
"""

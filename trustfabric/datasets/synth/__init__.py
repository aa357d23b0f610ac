"""Seeded synthetic edge cases for the golden datasets (`trustfabric datasets synth`).

`strategies` describes the edge cases as Hypothesis strategies (multi-currency ledgers with FX on different
dates, mixed-jurisdiction taxpayers, amended and partial filings, leap-year and fiscal-year-boundary dates,
rounding at currency precision); `draw` draws from them with a seeded random (the one adapter to Hypothesis's
internals); `calendars` and `money` hold the rules the expected outputs follow; `documents` renders each case
as a document (Faker fills in names and places) with its expected output; `generate` writes the dataset
directory. The same seed gives byte-identical files.
"""

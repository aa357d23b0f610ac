"""Right to be forgotten: locate a data subject's records across a cell's stores, erase or pseudonymise what the
law permits, hold what statutory retention requires, and certify it in the erasure ledger.

- `trustfabric.privacy.stores`: where a subject's records are (the records bucket, the ledger events table) and
  what each store can do to one (erase, pseudonymise, hold);
- `trustfabric.privacy.ledger`: the erasure request ledger (DynamoDB, CMK and PITR; declared by the stack);
- `trustfabric.privacy.workflow`: one request end to end (`erase`), and its state (`status`);
- the decision for each record is `domain.retention.erasure_action`: a statutory record inside its retention is
  held (legal hold until the day it ends, naming the statute), never erased early.

`trustfabric privacy erase|status` (trustfabric/cli/privacy.py) drives it.
"""

from trustfabric.privacy.ledger import ErasureLedger, LedgerEntry
from trustfabric.privacy.workflow import ErasureOutcome, ErasureRequest, erase, status

__all__ = ["ErasureLedger", "ErasureOutcome", "ErasureRequest", "LedgerEntry", "erase", "status"]

"""The analytics engine: ranks, gaps, target status, priorities and what-if per edition.

One module per job:
- `queue`: request a rebuild (after commit) and mark editions' inputs as changed;
- `inputs`: what one edition's computation reads (its context and its scores);
- `compute`: one edition's result rows (pandas, set-based per edition);
- `targets`: the status of each target in an edition;
- `store`: writing a run's rows as a new generation and switching readers to it;
- `runs`: claiming and executing runs, edition by edition.

The modules import one another in that direction only (queue → tasks → runs → store, compute →
targets, inputs), so nothing needs a function-level import.
"""

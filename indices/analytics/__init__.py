"""The analytics engine: ranks, gaps, target status, priorities and what-if per edition.

One module per job:
- `queue`: request a rebuild (after commit) and mark editions' inputs as changed;
- `runs`: claim and execute runs, edition by edition;
- `compute`: one edition's results, computed in the database by the statements of `statement`
  (window functions, one statement per step): ranks and bases per score, and each component's
  and region's figures across peers (`ComponentFigures`, `RegionFigures`);
- `staging`: where those statements write, by engine (PostgreSQL: a table of their own, staged
  before the switch and attached as a partition by it);
- `peers`: what a row derives when it is read (gaps, percentile, priorities, what-if ranks),
  from those figures, for the rows a page shows;
- `targets`: the status of each target in an edition (Python, over the rows just written);
- `store`: write a run's rows as a new generation and switch readers to it;
- `inputs`: what an edition's computation reads (its context; its scores, for the reference
  engine).

The previous pandas engine is kept, as the golden reference the database engine is tested
against, in `tests/reference_engine.py`.

Imports go one way (queue → tasks → runs → store, compute → statement, targets, inputs), so
nothing needs a function-level import.
"""

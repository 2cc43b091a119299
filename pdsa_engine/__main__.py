"""`python -m pdsa_engine …` is `pdsa …` (how `pdsa serve` starts the scheduler beside its workers)."""

from pdsa_engine.cli import main

main()

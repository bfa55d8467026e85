"""``python -m competency_core`` runs the ``competency`` CLI."""

from competency_core.cli import main

main()

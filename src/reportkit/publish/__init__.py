"""Stage 5, what leaves the build: the output folder swapped in atomically (``output_folder``),
its ``manifest``, the open data (EES ``screener`` rules, ``guidance``, ``spreadsheet``) and
reviewers' ``verify`` (with the ``nbval_plugin`` its nbval run loads).

A rule that open-data files must follow goes in ``screener``; a check a reviewer runs on a
finished build goes in ``verify``."""

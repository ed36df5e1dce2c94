"""Stage 2, the notebooks' toolkit: what a chapter notebook calls to open its chapter, compute
(``stats``: pure functions), suppress (``disclosure``), word, tabulate, chart and record facts;
and ``read_audit``, the hook in a notebook's kernel that records which files it opens.

A disclosure rule goes in ``disclosure``; a rounding or number-writing rule in ``gss``."""

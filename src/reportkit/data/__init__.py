"""Stage 1, the inputs: the data dictionary, reading and validating the two CSV tables, the
code lists, the population reference, the bank-holiday calendar, the Panel's published
figures and the synthetic data.

A rule about one column (type, code list, range) goes in ``dictionary``; a rule across cells,
rows or the two tables goes in ``rules``. Nothing here imports pandas at package import."""

"""Stage 3, the build: plan a period, execute its notebooks with Papermill (kernels, the kernel
template, the notebook cache), collect facts and tables, then call render and publish. It is
the conductor: it imports the stages below it and none of them imports it.

The whole build reads as one story in ``pipeline``; ``up_to_date`` answers a no-change rebuild
without importing the rest."""

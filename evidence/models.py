"""The evidence library (items, file revisions, citations): arrives with issue 4."""

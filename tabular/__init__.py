"""Tables in and out, with nothing about indices: safe spreadsheet reading, cells, problems,
header normalisation, bulk COPY loading and formula-safe table export. Not a Django app."""

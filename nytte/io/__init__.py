"""Files in and out, one place for each job: the hardened file reader every import uses
(reader.py, with Danish cell parsing in cells.py and row-level problems in errors.py),
the one PDF font set (pdf.py), a plain workbook from rows for files read back in
(workbook.py). The CSV writer is nytte/io/exports.py."""

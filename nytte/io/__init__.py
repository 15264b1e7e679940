"""Files in and out: the one PDF font set (pdf.py). The CSV writer is nytte/exports.py."""

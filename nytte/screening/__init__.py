"""Task screening against the protective rules (værnsregler).

The pure domain: proposals, rule sets, criteria and verdict, precedent, batch
files and documents. It needs no database; services in ``nytte.screening_service``
persist decisions.
"""

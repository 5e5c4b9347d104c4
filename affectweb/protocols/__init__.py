"""The names of the two wire protocols affectweb speaks, each defined once.

Leaf modules, no Django and no other affectweb import: the analysis writers, the
engines, the clients and the dashboard's ingestion all import them from here, so a
content type or a column name can never drift between the side that writes a document
and the side that reads it. Sources: /shared/reference/protocols.md.
"""

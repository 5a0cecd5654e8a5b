"""Network-tool files in and out: readers, the mapping of node types, writers.

Reading: ``model`` (the neutral graph, the mapping, the messages),
``xml_readers`` (GEXF, GraphML), ``sheet_readers`` (Kumu and Polinode
workbooks, Kumu JSON, Gephi CSV), ``detect`` (which tool a file comes from;
reading it), ``tables`` (nodes to organisations and groups) and ``links``
(links to reach and collaborations, with their direction). Writing:
``xml_writers`` (GEXF, GraphML) and ``research`` (the research export).
:mod:`mapping.io.graph_import` and :mod:`mapping.io.graph_export` are the
public faces.
"""

"""Readers of network-tool files and the mapping of their node types to a district.

``model`` (the neutral graph, the mapping, the messages), ``xml_readers``
(GEXF, GraphML), ``sheet_readers`` (Kumu and Polinode workbooks, Kumu JSON,
Gephi CSV), ``detect`` (which tool a file comes from; reading it), ``tables``
(nodes to organisations and groups) and ``links`` (links to reach and
collaborations, with their direction). :mod:`mapping.io.graph_import` is the
public face.
"""

"""From the graph to answers: coverage, brokers, what-if, suggestions, quality, measures,
topics, roles, forms of collaboration, and the report."""

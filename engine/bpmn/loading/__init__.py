"""Reading one BPMN file safely: the XML itself, the BPMN 2.0 schema, references between
elements, what govflow needs from each process, and SpiffWorkflow's parse.

BPMN files come from process owners, not programmers, so every failure has to
become a `Problem` with a line number and plain words, and nothing in the file
may reach the network or the local disk (DTDs, entities) while we read it.
"""

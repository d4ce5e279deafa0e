"""The case core: the runtime, workflow state, the SpiffWorkflow runner, loading,
running and saving a case, and raising and resolving escalations.
"""

"""Process definitions: safe BPMN loading, references and lint, the restricted
expression evaluator, task forms, diagrams and the registry of deployed versions.
"""

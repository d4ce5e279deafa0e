"""govflow's own checks on a BPMN file that SpiffWorkflow has already parsed.

`engine.bpmn.loading` covers XML, the XSD and SpiffWorkflow's parse;
`engine.bpmn.bundle_checks.build_bundle` covers lanes, forms and the expression
whitelist. This package adds what neither of them sees (`all_checks.lint` runs them):

1. every timer expression evaluates, in the restricted evaluator and on sample
   data, to an ISO 8601 value SpiffWorkflow accepts;
2. every exclusive/inclusive gateway's outgoing flows have a condition or are
   the default, and the default is one of its outgoing flows;
3. no element that loads but that govflow cannot run (messages, compensation,
   links, transactions, ad-hoc sub-processes, service tasks);
4. a warning for loops built from gateways and automatic steps, which SpiffWorkflow
   stalls on after about 250 rounds (task-tree depth 1000); a loop through a user or
   manual task is left alone, since a person paces each round (`gateway_loops`);
5. every condition and script compiles and evaluates on sample data, and names
   only variables something sets (`expression_checks`);
6. every task, intermediate event and gateway has a flow in and a flow out
   (`connections`): a disconnected step is an error naming it, so it is never deployed.

`govflow validate` and the owner's checks (upload preview, live check) also run
bpmnlint's recommended rules through Node (`bpmnlint_bridge`, `bpmnlint_rules`): its
findings are warnings, and a notice says so when Node or its packages are missing.

Every problem carries its Thai and its English text (engine/bpmn/problems.py); the
command line prints the Thai with the English beside it unless `--lang` picks one.
"""

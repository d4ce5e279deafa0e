#!/usr/bin/env node
// Runs bpmnlint's recommended rules on one BPMN file and prints the findings as JSON,
// for `govflow validate` and the owner's live check (engine/bpmn/lint/bpmnlint_bridge.py).
//
//   node webui/tools/bpmnlint_run.cjs [FILE]     (no FILE: the BPMN comes on stdin)
//
// Prints one JSON object on stdout:
//   {"version": "10.3.1", "findings": [{"rule", "id", "message", "category", "path"}]}
// or {"version": ..., "error": "..."} when bpmn-moddle cannot read the file. Exits 0 in
// both cases; 2 only when the file named cannot be read.
'use strict';

const fs = require('fs');

// Resolved from this file's folder, so webui/node_modules is found whatever the cwd.
const { createRequire } = require('module');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
// bpmnlint's own bpmn-moddle (a CommonJS build, as its command line uses): the one beside
// bpmn-js is an ES module, which Node 18's require() cannot load.
const BpmnModdle = createRequire(require.resolve('bpmnlint'))('bpmn-moddle');
const { version } = require('bpmnlint/package.json');

const CONFIG = { extends: 'bpmnlint:recommended' };

function readInput(args) {
  if (args.length > 0) {
    return fs.readFileSync(args[0], 'utf8');
  }
  return fs.readFileSync(0, 'utf8');
}

// bpmnlint reads a node's flows from its <bpmn:incoming>/<bpmn:outgoing> children, which
// the XML may leave out or leave stale; SpiffWorkflow reads only the flows' sourceRef and
// targetRef. Both lists are rebuilt from those, so bpmnlint judges the flows that run
// (without this, every task of a hand-written file is "not connected").
function linkFlows(container) {
  const elements = container.flowElements || [];
  for (const element of elements) {
    if (element.$instanceOf('bpmn:FlowNode')) {
      element.set('incoming', []);
      element.set('outgoing', []);
    }
  }
  for (const element of elements) {
    if (element.$instanceOf('bpmn:SequenceFlow')) {
      addFlow(element.sourceRef, 'outgoing', element);
      addFlow(element.targetRef, 'incoming', element);
    }
    if (element.flowElements) {
      linkFlows(element);
    }
  }
}

function addFlow(node, property, flow) {
  if (node && node.$instanceOf('bpmn:FlowNode')) {
    node.get(property).push(flow);
  }
}

function findings(results) {
  const found = [];
  for (const [rule, reports] of Object.entries(results)) {
    for (const report of reports) {
      found.push({
        rule,
        id: report.id || null,
        message: report.message,
        category: report.category,
        path: report.path || null,
      });
    }
  }
  return found;
}

async function main() {
  let xml;
  try {
    xml = readInput(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`cannot read: ${error.message}\n`);
    process.exit(2);
  }
  let root;
  try {
    ({ rootElement: root } = await new BpmnModdle().fromXML(xml));
  } catch (error) {
    process.stdout.write(JSON.stringify({ version, error: error.message }) + '\n');
    return;
  }
  // A file without any diagram or process makes no-bpmndi and global crash on the
  // missing list (bpmnlint 10.3); an empty list lets them report what is missing instead.
  root.get('diagrams');
  root.get('rootElements');
  for (const element of root.rootElements || []) {
    if (element.flowElements) {
      linkFlows(element);
    }
  }
  const linter = new Linter({ config: CONFIG, resolver: new NodeResolver({ require }) });
  const results = await linter.lint(root);
  process.stdout.write(JSON.stringify({ version, findings: findings(results) }) + '\n');
}

main();

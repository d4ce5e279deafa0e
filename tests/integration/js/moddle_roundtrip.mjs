// Reads a BPMN file with bpmn-moddle (what bpmn-js reads with) and govflow's spiffworkflow
// descriptor, and writes it back: the test compares the two with its own XML parser.
// Usage: node moddle_roundtrip.mjs <webui dir> <file.bpmn> [set <element id> <form path>]
// Prints JSON: {"xml": exported text, "warnings": [...], "types": {tag: moddle type}}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [webui, file, action, elementId, formPath] = process.argv.slice(2);
const moddleUrl = pathToFileURL(join(webui, 'node_modules/bpmn-moddle/dist/index.js'));
const { BpmnModdle } = await import(moddleUrl.href);
const spiff = JSON.parse(readFileSync(join(webui, 'editor/spiffworkflow_moddle.json'), 'utf8'));
const moddle = new BpmnModdle({ spiffworkflow: spiff });

const { rootElement, warnings, elementsById } = await moddle.fromXML(readFileSync(file, 'utf8'));

const types = {};
for (const element of Object.values(elementsById)) {
  for (const extension of element.extensionElements?.values || []) {
    types[extension.$descriptor.name] = extension.$type;
    for (const child of extension.properties || []) types[child.$descriptor.name] = child.$type;
  }
}

if (action === 'set') {
  // What the side panel does when a form is chosen for a task that has none yet.
  const element = elementsById[elementId];
  const extensions = element.extensionElements || moddle.create('bpmn:ExtensionElements');
  element.extensionElements = extensions;
  let properties = (extensions.values || []).find((v) => v.$type === 'spiffworkflow:Properties');
  if (!properties) {
    properties = moddle.create('spiffworkflow:Properties', { properties: [] });
    extensions.get('values').push(properties);
  }
  let property = properties.get('properties').find((p) => p.name === 'formJsonSchemaFilename');
  if (!property) {
    property = moddle.create('spiffworkflow:Property', { name: 'formJsonSchemaFilename' });
    properties.get('properties').push(property);
  }
  property.value = formPath;
}

const { xml } = await moddle.toXML(rootElement, { format: true });
process.stdout.write(JSON.stringify({
  xml, warnings: warnings.map((w) => String(w.message)), types,
}));

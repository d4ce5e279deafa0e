// Reading and writing what the panel edits on bpmn-js's model, always through bpmn-js's
// modeling commands so that undo and redo cover every change.
export const FORM_PROPERTY = 'formJsonSchemaFilename';

export function is(element, type) {
  const bo = element && (element.businessObject || element);
  return Boolean(bo && bo.$instanceOf && bo.$instanceOf(type));
}

export function documentation(element) {
  const docs = element.businessObject.get('documentation') || [];
  return docs.map((d) => d.text || '').join('\n');
}

export function setDocumentation(modeler, element, text) {
  const moddle = modeler.get('moddle');
  const docs = text ? [moddle.create('bpmn:Documentation', { text })] : [];
  modeler.get('modeling').updateModdleProperties(element, element.businessObject,
    { documentation: docs });
}

export function setName(modeler, element, name) {
  modeler.get('modeling').updateProperties(element, { name: name || undefined });
}

function spiffProperties(bo) {
  const values = (bo.extensionElements && bo.extensionElements.get('values')) || [];
  return values.find((v) => v.$type === 'spiffworkflow:Properties');
}

export function formOf(element) {
  const properties = spiffProperties(element.businessObject);
  const property = properties && (properties.get('properties') || [])
    .find((p) => p.name === FORM_PROPERTY);
  return property ? property.value || '' : '';
}

/** Set (or with '' remove) the task's spiffworkflow formJsonSchemaFilename property. */
export function setForm(modeler, element, path) {
  const moddle = modeler.get('moddle');
  const modeling = modeler.get('modeling');
  const bo = element.businessObject;
  let extensions = bo.extensionElements;
  if (!extensions) {
    if (!path) return;
    extensions = moddle.create('bpmn:ExtensionElements', { values: [] });
    modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
  }
  let properties = spiffProperties(bo);
  if (!properties) {
    if (!path) return;
    properties = moddle.create('spiffworkflow:Properties', { properties: [] });
    modeling.updateModdleProperties(element, extensions,
      { values: [...extensions.get('values'), properties] });
  }
  const list = properties.get('properties');
  const property = list.find((p) => p.name === FORM_PROPERTY);
  if (!path) {
    if (property) {
      modeling.updateModdleProperties(element, properties,
        { properties: list.filter((p) => p !== property) });
    }
  } else if (property) {
    modeling.updateModdleProperties(element, property, { value: path });
  } else {
    const created = moddle.create('spiffworkflow:Property', { name: FORM_PROPERTY, value: path });
    modeling.updateModdleProperties(element, properties, { properties: [...list, created] });
  }
}

export function timerDefinition(element) {
  const definitions = element.businessObject.get('eventDefinitions') || [];
  return definitions.find((d) => d.$type === 'bpmn:TimerEventDefinition') || null;
}

export function timerExpression(element) {
  const timer = timerDefinition(element);
  const expression = timer && (timer.timeDate || timer.timeDuration || timer.timeCycle);
  return expression ? expression.body || '' : '';
}

export function setTimerExpression(modeler, element, body) {
  const timer = timerDefinition(element);
  if (!timer) return;
  const moddle = modeler.get('moddle');
  modeler.get('modeling').updateModdleProperties(element, timer, {
    timeDate: moddle.create('bpmn:FormalExpression', { body }),
    timeDuration: undefined,
    timeCycle: undefined,
  });
}

export function conditionOf(flow) {
  const condition = flow.businessObject.conditionExpression;
  return condition ? condition.body || '' : '';
}

export function setCondition(modeler, flow, body) {
  const moddle = modeler.get('moddle');
  const condition = body ? moddle.create('bpmn:FormalExpression', { body }) : undefined;
  modeler.get('modeling').updateProperties(flow, { conditionExpression: condition });
}

export function isDefault(flow) {
  const source = flow.businessObject.sourceRef;
  return Boolean(source && source.default === flow.businessObject);
}

export function setDefault(modeler, gateway, flow) {
  modeler.get('modeling').updateProperties(gateway,
    { default: flow ? flow.businessObject : undefined });
}

/** The lane a flow node sits in (the innermost), or null. */
export function laneOf(element) {
  const bo = element.businessObject;
  const lanes = bo.get ? (bo.get('lanes') || []) : [];
  return lanes.length ? lanes[lanes.length - 1] : null;
}

/** Every user task (and start event) before ``node``, through gateways and flows only. */
export function formStepsBefore(node) {
  const found = [];
  const seen = new Set();
  const walk = (bo) => {
    for (const flow of bo.get('incoming') || []) {
      const source = flow.sourceRef;
      if (!source || seen.has(source.id)) continue;
      seen.add(source.id);
      if (formOfBo(source)) found.push(source);
      else if (source.$instanceOf('bpmn:Gateway')) walk(source);
    }
  };
  walk(node.businessObject);
  return found;
}

export function formOfBo(bo) {
  const properties = spiffProperties(bo);
  const property = properties && (properties.get('properties') || [])
    .find((p) => p.name === FORM_PROPERTY);
  return property ? property.value || '' : '';
}

/** Every name the process's data may hold that the panel can know: fields of the forms
 *  its steps use, its settings, and names its scripts set. */
export function knownVariables(modeler, forms, settings) {
  const names = new Set(Object.keys(settings || {}));
  const byPath = new Map((forms || []).map((f) => [f.path, f]));
  for (const element of modeler.get('elementRegistry').getAll()) {
    const bo = element.businessObject;
    if (!bo || !bo.$instanceOf) continue;
    const form = byPath.get(formOfBo(bo));
    for (const field of (form && form.fields) || []) names.add(field.name);
    if (bo.$instanceOf('bpmn:ScriptTask')) {
      for (const match of (bo.script || '').matchAll(/^\s*([A-Za-z]\w*)\s*[+\-*]?=/gm)) {
        names.add(match[1]);
      }
    }
  }
  return [...names];
}

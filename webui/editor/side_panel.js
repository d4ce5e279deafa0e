// The govflow side panel of the process editor (issue 17): for the selected element its
// name and instructions, a lane's role, a task's form (chosen or made new), a timer's due
// time in working days, and a gateway's conditions from the fields they test, each
// expression checked by the server as it is typed. The editor page (main.js) mounts it:
//   const panel = mountSidePanel(modeler, container, ctx)
// with ctx = {lang, csrf, processKey, lanes: {lane_id: role}, roles, settings, forms, t};
// panel.getLaneRoles() is the lanes map as the owner left it, to send with the draft.
import './side_panel/side_panel.css';

import { is } from './side_panel/bpmn_props.js';
import { knownVariables, timerDefinition } from './side_panel/bpmn_props.js';
import { conditionSection } from './side_panel/condition_section.js';
import { el } from './side_panel/dom.js';
import { formSection } from './side_panel/form_section.js';
import { laneSection } from './side_panel/lane_section.js';
import { nameSection } from './side_panel/name_section.js';
import { texts } from './side_panel/texts.js';
import { timerSection } from './side_panel/timer_section.js';

const FORM_STEPS = ['bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:StartEvent'];

function laneMap(lanes) {
  // processes.toml lanes may be a role, or a table with one ({role = "staff", ...}).
  const map = {};
  for (const [id, value] of Object.entries(lanes || {})) {
    const role = typeof value === 'string' ? value : value && value.role;
    if (role) map[id] = role;
  }
  return map;
}

function dateFields(forms) {
  const names = new Set();
  for (const form of forms || []) {
    for (const field of form.fields || []) if (field.type === 'date') names.add(field.name);
  }
  return [...names];
}

export function mountSidePanel(modeler, container, given = {}) {
  const laneRoles = laneMap(given.lanes);
  const listeners = new Set();
  const ctx = {
    ...given,
    lang: given.lang === 'en' ? 'en' : 'th',
    t: texts(given.lang),
    forms: Array.isArray(given.forms) ? given.forms : [],
    checkUrl: (given.urls && given.urls.expressionCheck) || '/owner/api/expressions/check',
    formsUrl: (given.urls && given.urls.forms) || '/owner/api/forms',
    formsPage: (given.urls && given.urls.formsPage) || '/owner/forms',
    personalByDefault: given.personalByDefault ?? given.processKey === 'complaint',
    onLaneRoles: (map) => listeners.forEach((listener) => listener({ ...map })),
  };
  const variables = () => knownVariables(modeler, ctx.forms, ctx.settings)
    .concat(given.variables || []);
  const body = el('div', { class: 'sp-body' });
  const heading = el('h2', { id: 'sp-title', text: ctx.t('panel_title') });
  container.replaceChildren(heading, body);
  // Without govflow's descriptor bpmn-js cannot write a form property: say so, once.
  let hasSpiff = true;
  try {
    hasSpiff = Boolean(modeler.get('moddle').getPackage('spiffworkflow'));
  } catch {
    hasSpiff = false;
  }
  if (!hasSpiff) {
    container.insertBefore(el('p', { class: 'sp-warning', role: 'alert',
                                     text: ctx.t('no_descriptor') }), body);
  }
  container.classList.add('govflow-side-panel');
  container.setAttribute('aria-labelledby', 'sp-title');
  let shown = null;

  const render = (element) => {
    shown = element;
    body.replaceChildren();
    if (!element || element.type === 'label' || is(element, 'bpmn:Process')
        || is(element, 'bpmn:Collaboration')) {
      body.append(el('p', { class: 'sp-help', text: ctx.t('nothing_selected') }));
      return;
    }
    const parts = [nameSection(modeler, element, ctx), laneSection(element, ctx, laneRoles)];
    if (FORM_STEPS.some((type) => is(element, type))) {
      parts.push(formSection(modeler, element, ctx));
    }
    if (timerDefinition(element)) {
      parts.push(timerSection(modeler, element, ctx, variables, dateFields(ctx.forms)));
    }
    if (is(element, 'bpmn:Gateway') || is(element, 'bpmn:SequenceFlow')) {
      parts.push(conditionSection(modeler, element, ctx, variables));
    }
    body.append(...parts.filter(Boolean));
  };

  modeler.on('selection.changed', ({ newSelection }) => {
    render(newSelection.length === 1 ? newSelection[0] : null);
  });
  // Undo, redo and edits on the canvas redraw the panel, unless the owner is typing in it.
  modeler.on('elements.changed', ({ elements }) => {
    if (shown && elements.some((e) => e.id === shown.id) && !container.contains(
      document.activeElement)) {
      render(modeler.get('elementRegistry').get(shown.id) || null);
    }
  });
  modeler.on('import.done', () => render(null));
  render(null);

  return {
    getLaneRoles: () => ({ ...laneRoles }),
    onLaneRolesChanged: (listener) => listeners.add(listener),
    select: (id) => {
      const element = modeler.get('elementRegistry').get(id);
      if (element) modeler.get('selection').select(element);
    },
    destroy: () => container.replaceChildren(),
  };
}

// Only what govflow can run is offered: the palette, the context pad and the replace menu
// keep bpmn-js's entries for the elements below and drop the rest (docs/EDITOR.md lists
// them and why). Each provider runs after bpmn-js's own (a lower priority) and filters
// what it built, so bpmn-js keeps drawing, placing and connecting as it always does.
//
// A file that already holds other elements still opens; govflow's check names anything in
// it that cannot run (engine/bpmn/lint/unsupported.py).

const AFTER_BPMN_JS = 500;

/** Palette tools kept from bpmn-js; the create entries are govflow's own. */
export const PALETTE_TOOLS = ['hand-tool', 'lasso-tool', 'space-tool', 'global-connect-tool',
  'tool-separator'];

/** Context pad entries kept (on one element); `append.user-task` replaces `append.append-task`. */
export const CONTEXT_PAD = new Set([
  'delete', 'replace', 'connect',
  'append.end-event', 'append.gateway', 'append.intermediate-event', 'append.text-annotation',
  'lane-insert-above', 'lane-insert-below', 'lane-divide-two', 'lane-divide-three',
]);

/** Replace menu entries kept, by bpmn-js's action names. */
export const REPLACE = new Set([
  'replace-with-none-start',
  'replace-with-none-end',
  'replace-with-escalation-end',
  'replace-with-none-intermediate-throw',
  'replace-with-escalation-intermediate-throw',
  'replace-with-timer-intermediate-catch',
  'replace-with-timer-boundary',
  'replace-with-non-interrupting-timer-boundary',
  'replace-with-user-task',
  'replace-with-exclusive-gateway',
  'replace-with-parallel-gateway',
  'replace-with-sequence-flow',
  'replace-with-default-flow',
]);

/** Replace menu header toggles kept: a deadline that lets the task go on. */
export const REPLACE_HEADER = new Set(['toggle-non-interrupting']);

function pick(entries, keep) {
  const kept = {};
  for (const [id, entry] of Object.entries(entries)) {
    if (keep.has(id)) {
      kept[id] = entry;
    }
  }
  return kept;
}

function GovflowPalette(palette, create, elementFactory, translate) {
  function creating(type, group, className, title, attrs) {
    function start(event) {
      create.start(event, elementFactory.createShape({ type, ...attrs }));
    }
    return { group, className, title: translate(title), action: { dragstart: start, click: start } };
  }

  function creatingPool(event) {
    create.start(event, elementFactory.createParticipantShape());
  }

  this.getPaletteEntries = function() {
    return function(entries) {
      const kept = pick(entries, new Set(PALETTE_TOOLS));
      return {
        ...kept,
        'create.start-event': creating('bpmn:StartEvent', 'event', 'bpmn-icon-start-event-none',
          'Create start event'),
        'create.timer-event': creating('bpmn:IntermediateCatchEvent', 'event',
          'bpmn-icon-intermediate-event-catch-timer',
          'Create timer event (drop it on a task\'s edge for a deadline)',
          { eventDefinitionType: 'bpmn:TimerEventDefinition' }),
        'create.end-event': creating('bpmn:EndEvent', 'event', 'bpmn-icon-end-event-none',
          'Create end event'),
        'create.exclusive-gateway': creating('bpmn:ExclusiveGateway', 'gateway',
          'bpmn-icon-gateway-xor', 'Create exclusive gateway'),
        'create.parallel-gateway': creating('bpmn:ParallelGateway', 'gateway',
          'bpmn-icon-gateway-parallel', 'Create parallel gateway'),
        'create.user-task': creating('bpmn:UserTask', 'activity', 'bpmn-icon-user-task',
          'Create user task'),
        'create.text-annotation': creating('bpmn:TextAnnotation', 'artifact',
          'bpmn-icon-text-annotation', 'Create text annotation'),
        'create.participant-expanded': {
          group: 'collaboration', className: 'bpmn-icon-participant',
          title: translate('Create pool/participant'),
          action: { dragstart: creatingPool, click: creatingPool },
        },
      };
    };
  };
  palette.registerProvider(AFTER_BPMN_JS, this);
}
GovflowPalette.$inject = ['palette', 'create', 'elementFactory', 'translate'];

function GovflowContextPad(contextPad, elementFactory, autoPlace, create, translate) {
  function appendUserTask(element) {
    return {
      group: 'model', className: 'bpmn-icon-user-task', title: translate('Append user task'),
      action: {
        click(event, source) {
          const shape = elementFactory.createShape({ type: 'bpmn:UserTask' });
          if (autoPlace) {
            autoPlace.append(source, shape);
          } else {
            create.start(event, shape, { source });
          }
        },
        dragstart(event) {
          create.start(event, elementFactory.createShape({ type: 'bpmn:UserTask' }),
            { source: element });
        },
      },
    };
  }

  this.getContextPadEntries = function(element) {
    return function(entries) {
      const kept = pick(entries, CONTEXT_PAD);
      if (entries['append.append-task']) {
        kept['append.user-task'] = appendUserTask(element);
      }
      return kept;
    };
  };
  contextPad.registerProvider(AFTER_BPMN_JS, this);
}
GovflowContextPad.$inject = ['contextPad', 'elementFactory', 'autoPlace', 'create', 'translate'];

function GovflowReplaceMenu(popupMenu) {
  this.getPopupMenuEntries = function() {
    return (entries) => pick(entries, REPLACE);
  };
  this.getPopupMenuHeaderEntries = function() {
    return (entries) => pick(entries, REPLACE_HEADER);
  };
  popupMenu.registerProvider('bpmn-replace', AFTER_BPMN_JS, this);
}
GovflowReplaceMenu.$inject = ['popupMenu'];

export default {
  __init__: ['govflowPalette', 'govflowContextPad', 'govflowReplaceMenu'],
  govflowPalette: ['type', GovflowPalette],
  govflowContextPad: ['type', GovflowContextPad],
  govflowReplaceMenu: ['type', GovflowReplaceMenu],
};

// A gateway's ways out, each with its condition built from the fields of the form of the
// step before it (field, test, value), written in govflow's expression language and
// checked by the server as it is typed.
import {
  conditionOf, formOfBo, formStepsBefore, is, isDefault, setCondition, setDefault,
} from './bpmn_props.js';
import { el, labelled, section, select } from './dom.js';
import { expressionBox } from './expression_check.js';

const OPERATORS = [['==', 'op_eq'], ['!=', 'op_ne'], ['>', 'op_gt'], ['>=', 'op_ge'],
  ['<', 'op_lt'], ['<=', 'op_le'], ['set', 'op_set'], ['unset', 'op_unset']];

/** The expression for one test; text values are quoted as Python strings. */
export function conditionText(field, operator, value, type) {
  if (operator === 'set') return field;
  if (operator === 'unset') return `not ${field}`;
  const numeric = type === 'number' && /^-?\d+(\.\d+)?$/.test(String(value).trim());
  const literal = numeric ? String(value).trim() : JSON.stringify(String(value));
  return `${field} ${operator} ${literal}`;
}

function fieldsBefore(node, ctx) {
  const byPath = new Map((ctx.forms || []).map((f) => [f.path, f]));
  const steps = formStepsBefore(node);
  const fields = [];
  for (const step of steps) {
    for (const field of (byPath.get(formOfBo(step)) || {}).fields || []) {
      if (!fields.some((f) => f.name === field.name)) fields.push(field);
    }
  }
  return { steps, fields };
}

function flowEditor(modeler, gateway, flow, ctx, variables, fields) {
  const bo = flow.businessObject;
  const target = bo.targetRef;
  const label = (f) => `${(ctx.lang === 'en' ? f.title_en : f.title_th) || f.name} (${f.name})`;
  const field = select([['', ctx.t('choose')], ...fields.map((f) => [f.name, label(f)])], '');
  const operator = select(OPERATORS.map(([op, key]) => [op, ctx.t(key)]), '==');
  const valueHolder = el('div', { class: 'sp-value' });
  let value = el('input', { type: 'text', autocomplete: 'off' });
  const showValue = () => {
    const chosen = fields.find((f) => f.name === field.value);
    const choices = (chosen && chosen.choices) || [];
    value = choices.length
      ? select(choices.map((c) => [c.const, `${(ctx.lang === 'en' ? c.title_en : c.title_th)
        || c.const} (${c.const})`]), choices[0].const)
      : el('input', { type: chosen && chosen.type === 'number' ? 'number' : 'text',
                      autocomplete: 'off' });
    valueHolder.replaceChildren(labelled(ctx.t('cond_value'), value).row);
    valueHolder.hidden = ['set', 'unset'].includes(operator.value);
  };
  field.addEventListener('change', showValue);
  operator.addEventListener('change', () => {
    valueHolder.hidden = ['set', 'unset'].includes(operator.value);
  });
  showValue();
  const box = expressionBox(ctx, ctx.t('expression'), conditionOf(flow), variables,
    (text) => { if (text !== conditionOf(flow)) setCondition(modeler, flow, text); });
  const apply = el('button', { type: 'button', class: 'sp-small', text: ctx.t('cond_apply'),
    onclick: () => {
      if (!field.value) { field.focus(); return; }
      const chosen = fields.find((f) => f.name === field.value);
      box.set(conditionText(field.value, operator.value, value.value, chosen && chosen.type));
    } });
  const byDefault = el('input', { type: 'checkbox', checked: isDefault(flow) });
  byDefault.addEventListener('change', () => {
    setDefault(modeler, gateway, byDefault.checked ? flow : null);
    if (byDefault.checked) setCondition(modeler, flow, '');
    builder.hidden = byDefault.checked;
  });
  const builder = el('div', { class: 'sp-builder', hidden: isDefault(flow) },
    fields.length ? [labelled(ctx.t('cond_field'), field).row,
      labelled(ctx.t('cond_operator'), operator).row, valueHolder, apply] : [],
    box.row);
  const heading = [bo.name, ctx.t('flow_to', { name: (target && (target.name || target.id)) || '?' })]
    .filter(Boolean).join(' — ');
  return el('fieldset', { class: 'sp-flow' }, el('legend', { text: heading }),
    labelled(ctx.t('flow_default'), byDefault).row, builder);
}

export function conditionSection(modeler, element, ctx, variables) {
  const registry = modeler.get('elementRegistry');
  const gateway = is(element, 'bpmn:SequenceFlow') ? element.source : element;
  if (!gateway || !is(gateway, 'bpmn:Gateway')) return null;
  const flows = (gateway.outgoing || []).filter((f) => is(f, 'bpmn:SequenceFlow'))
    .filter((f) => element === gateway || f === element)
    .map((f) => registry.get(f.id) || f);
  if (!flows.length || (gateway.outgoing || []).length < 2) return null;
  const { steps, fields } = fieldsBefore(gateway, ctx);
  const intro = steps.length
    ? ctx.t('gateway_fields_from', { names: steps.map((s) => s.name || s.id).join(', ') })
    : ctx.t('gateway_no_fields');
  return section(ctx.t('gateway'), el('p', { class: 'sp-help', text: intro }),
    flows.map((flow) => flowEditor(modeler, gateway, flow, ctx, variables, fields)));
}

// Name and instructions (bpmn:documentation) of any element.
import { documentation, setDocumentation, setName } from './bpmn_props.js';
import { el, labelled, section } from './dom.js';

export function nameSection(modeler, element, ctx) {
  const bo = element.businessObject;
  const name = el('input', { type: 'text', value: bo.name || '', autocomplete: 'off' });
  name.addEventListener('change', () => setName(modeler, element, name.value.trim()));
  const parts = [
    el('p', { class: 'sp-id' }, `${ctx.t('element_id')}: `, el('code', { text: bo.id })),
    labelled(ctx.t('name'), name).row,
  ];
  if (!bo.$instanceOf('bpmn:SequenceFlow') && !bo.$instanceOf('bpmn:Lane')) {
    const docs = el('textarea', { rows: 4 });
    docs.value = documentation(element);
    docs.addEventListener('change', () => setDocumentation(modeler, element, docs.value.trim()));
    parts.push(labelled(ctx.t('instructions'), docs, ctx.t('instructions_help')).row);
  }
  return section(ctx.t('name_section'), parts);
}

// A user task's (or the start event's) form: one of the existing forms, or a new one made
// here (POST /owner/api/forms) and chosen at once.
import { formOf, is, setForm } from './bpmn_props.js';
import { el, labelled, section, select } from './dom.js';

const KINDS = ['text', 'textarea', 'number', 'date', 'choice', 'yesno', 'file'];
const NEW = '__new__';

function title(ctx, form) {
  return (ctx.lang === 'en' ? form.title_en : form.title_th) || form.path;
}

export function formSection(modeler, element, ctx) {
  const current = formOf(element);
  const forms = ctx.forms || [];
  const options = [['', ctx.t('form_none')],
    ...forms.map((f) => [f.path, `${title(ctx, f)} (${f.path})`]), [NEW, ctx.t('form_new')]];
  if (current && !forms.some((f) => f.path === current)) options.splice(1, 0, [current, current]);
  const choice = select(options, current);
  const details = el('div', { class: 'sp-form-details' });
  const builder = el('div', { class: 'sp-builder', hidden: true });
  const showDetails = () => {
    details.replaceChildren();
    const form = forms.find((f) => f.path === choice.value);
    if (!form) return;
    details.append(el('p', { text: `${ctx.t('form_fields')}:` }), el('ul', {},
      form.fields.map((f) => el('li', {}, el('code', { text: f.name }),
        ` ${(ctx.lang === 'en' ? f.title_en : f.title_th) || ''} (${ctx.t(`kind_${f.type}`)})`))));
    const name = form.path.replace(/^forms\//, '').replace(/\.schema\.json$/, '');
    details.append(el('a', { href: `${ctx.formsPage}/${encodeURIComponent(name)}`,
                             target: '_blank', rel: 'noopener', text: ctx.t('form_edit_link') }));
  };
  choice.addEventListener('change', () => {
    if (choice.value === NEW) {
      builder.hidden = false;
      builder.replaceChildren(newFormBuilder(modeler, element, ctx, (path) => {
        choice.append(el('option', { value: path, text: path }));
        choice.value = path;
        builder.hidden = true;
        showDetails();
      }, () => {
        builder.hidden = true;
        choice.value = formOf(element);
      }));
      return;
    }
    builder.hidden = true;
    setForm(modeler, element, choice.value);
    showDetails();
  });
  showDetails();
  const label = is(element, 'bpmn:StartEvent') ? ctx.t('form_start') : ctx.t('form');
  return section(label, labelled(label, choice).row, details, builder);
}

function fieldRow(ctx, index, personalDefault) {
  const name = el('input', { type: 'text', autocomplete: 'off', pattern: '[a-z][a-z0-9_]*',
                             inputmode: 'latin' });
  const th = el('input', { type: 'text', autocomplete: 'off' });
  const en = el('input', { type: 'text', autocomplete: 'off', lang: 'en' });
  const kind = select(KINDS.map((k) => [k, ctx.t(`kind_${k}`)]), 'text');
  const required = el('input', { type: 'checkbox' });
  const row = el('fieldset', { class: 'sp-field' },
    el('legend', { text: ctx.t('field_number', { n: index }) }),
    labelled(ctx.t('field_name'), name).row, labelled(ctx.t('field_title_th'), th).row,
    labelled(ctx.t('field_title_en'), en).row, labelled(ctx.t('field_type'), kind).row,
    labelled(ctx.t('field_required'), required).row);
  row.read = () => ({ name: name.value.trim(), title_th: th.value.trim(),
    title_en: en.value.trim(), type: kind.value, required: required.checked,
    personal: personalDefault });
  const remove = el('button', { type: 'button', class: 'sp-small', text: ctx.t('field_remove'),
                                onclick: () => row.remove() });
  row.append(remove);
  return row;
}

function newFormBuilder(modeler, element, ctx, done, cancel) {
  const personalDefault = ctx.personalByDefault;
  const name = el('input', { type: 'text', autocomplete: 'off', inputmode: 'latin',
                             value: `${ctx.processKey}-` });
  const th = el('input', { type: 'text', autocomplete: 'off' });
  const en = el('input', { type: 'text', autocomplete: 'off', lang: 'en' });
  const fields = el('div', { class: 'sp-fields' });
  let count = 0;
  const add = () => { count += 1; fields.append(fieldRow(ctx, count, personalDefault)); };
  add();
  const message = el('p', { class: 'sp-check', role: 'status', 'aria-live': 'polite' });
  const create = async () => {
    const body = { name: name.value.trim(), title_th: th.value.trim(), title_en: en.value.trim(),
                   fields: [...fields.children].map((row) => row.read()) };
    message.textContent = ctx.t('checking');
    try {
      const response = await fetch(ctx.formsUrl, {
        method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': ctx.csrf } });
      const answer = await response.json();
      if (response.status !== 201) {
        const reasons = Object.entries(answer.fields || {}).map(([k, v]) => `${k}: ${v}`);
        const reason = (ctx.lang === 'en' ? answer.error_en : answer.error) || response.status;
        message.textContent = ctx.t('request_failed', { reason: [reason, ...reasons].join('; ') });
        message.dataset.ok = 'false';
        return;
      }
      ctx.forms.push({ path: answer.path, title_th: body.title_th, title_en: body.title_en,
        fields: body.fields.map((f) => ({ name: f.name, title_th: f.title_th,
                                          title_en: f.title_en, type: f.type })) });
      setForm(modeler, element, answer.path);
      message.textContent = ctx.t('created_form', { path: answer.path });
      message.dataset.ok = 'true';
      done(answer.path);
    } catch (error) {
      message.textContent = ctx.t('request_failed', { reason: error.message });
    }
  };
  return el('fieldset', { class: 'sp-new-form' },
    el('legend', { text: ctx.t('new_form_title') }),
    labelled(ctx.t('new_form_name'), name).row, labelled(ctx.t('new_form_title_th'), th).row,
    labelled(ctx.t('new_form_title_en'), en).row, fields,
    el('button', { type: 'button', class: 'sp-small', text: ctx.t('field_add'), onclick: add }),
    el('div', { class: 'sp-actions' },
      el('button', { type: 'button', text: ctx.t('create_form'), onclick: create }),
      el('button', { type: 'button', text: ctx.t('cancel'), onclick: cancel })),
    message);
}

// A timer's due time from the working-day helpers: "N วันทำการหลังวันรับเรื่อง เวลา 16:30"
// becomes deadline_after(received_at, N) (16:30) or working_days_after(received_at, N)
// (08:30), N a number or a process setting (plus or times a number).
import { setTimerExpression, timerExpression } from './bpmn_props.js';
import { el, labelled, section, select } from './dom.js';
import { expressionBox } from './expression_check.js';

const HELPERS = { close: 'deadline_after', open: 'working_days_after' };
const SHAPE = /^(deadline_after|working_days_after)\(\s*([A-Za-z]\w*)\s*,\s*(?:(\d+)|([A-Za-z]\w*)(?:\s*([+*])\s*(\d+))?)\s*\)$/;

/** The builder's parts of an expression it can read, or null. */
export function parseTimer(text) {
  const match = SHAPE.exec((text || '').trim());
  if (!match) return null;
  return { at: match[1] === HELPERS.close ? 'close' : 'open', from: match[2],
           number: match[3] || '', setting: match[4] || '', op: match[5] || '+',
           extra: match[6] || '' };
}

export function timerText(parts) {
  const n = parts.setting
    ? (parts.extra ? `${parts.setting} ${parts.op} ${parts.extra}` : parts.setting)
    : String(parseInt(parts.number || '0', 10));
  return `${HELPERS[parts.at]}(${parts.from}, ${n})`;
}

export function timerSection(modeler, element, ctx, variables, dateFields) {
  const written = timerExpression(element);
  const parts = parseTimer(written) || { at: 'close', from: ctx.receivedField || 'received_at',
    number: '3', setting: '', op: '+', extra: '' };
  const settings = Object.entries(ctx.settings || {});
  const source = select([['', ctx.t('timer_number')], ...settings.map(([name, s]) => [name,
    ctx.t('timer_setting', { label: (ctx.lang === 'en' ? s.label_en : s.label_th) || name })])],
  parts.setting);
  const number = el('input', { type: 'number', min: '0', max: '3650', step: '1',
                               value: parts.number || '3', inputmode: 'numeric' });
  const op = select([['+', '+'], ['*', '×']], parts.op);
  const extra = el('input', { type: 'number', min: '0', max: '3650', step: '1',
                              value: parts.extra, inputmode: 'numeric' });
  const fromOptions = [...new Set([parts.from, ...dateFields])].map((name) => [name,
    name === (ctx.receivedField || 'received_at') ? `${ctx.t('received_at')} (${name})` : name]);
  const from = select(fromOptions, parts.from);
  const at = select([['close', ctx.t('timer_at_close')], ['open', ctx.t('timer_at_open')]],
    parts.at);
  const sentence = el('p', { class: 'sp-sentence', role: 'status', 'aria-live': 'polite' });
  const box = expressionBox(ctx, ctx.t('expression'), written, variables,
    (text) => { if (text && text !== timerExpression(element)) setTimerExpression(modeler, element, text); },
    false);
  const custom = el('p', { class: 'sp-warning', text: ctx.t('timer_custom'),
                           hidden: !written || Boolean(parseTimer(written)) });
  const current = () => ({ at: at.value, from: from.value, number: number.value,
    setting: source.value, op: op.value, extra: extra.value });
  const describe = () => {
    const p = current();
    const setting = (ctx.settings || {})[p.setting];
    const label = setting ? ((ctx.lang === 'en' ? setting.label_en : setting.label_th)
      || p.setting) : '';
    const n = p.setting ? (p.extra ? `${label} (${setting ? setting.value : '?'}) ${p.op === '*'
      ? '×' : '+'} ${p.extra}` : `${label} (${setting ? setting.value : '?'})`) : p.number;
    const fromText = p.from === (ctx.receivedField || 'received_at') ? ctx.t('received_at')
      : p.from;
    sentence.textContent = ctx.t('timer_sentence', { n, from: fromText,
      time: p.at === 'close' ? '16:30' : '08:30' });
    number.closest('.sp-row').hidden = Boolean(p.setting);
    extra.closest('.sp-row').hidden = !p.setting;
    op.closest('.sp-row').hidden = !p.setting;
  };
  const rebuild = () => {
    describe();
    custom.hidden = true;
    box.set(timerText(current()));
  };
  for (const control of [source, number, op, extra, from, at]) {
    control.addEventListener('change', rebuild);
  }
  const result = section(ctx.t('timer'),
    labelled(ctx.t('timer_days'), source).row, labelled(ctx.t('timer_number'), number).row,
    labelled(ctx.t('timer_times'), op).row, labelled(ctx.t('timer_plus'), extra).row,
    labelled(ctx.t('timer_days_from'), from).row, labelled(ctx.t('timer_at'), at).row,
    sentence, custom, box.row);
  describe();
  return result;
}

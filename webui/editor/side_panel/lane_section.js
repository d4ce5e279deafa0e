// A lane's role from processes.toml (kept in the panel's map, sent with the draft), and,
// for a step, the lane it sits in.
import { is, laneOf } from './bpmn_props.js';
import { el, labelled, section, select } from './dom.js';

/** [value, label] of a role as the editor page lists it ({role, name_th, name_en}), or a
 *  plain role name. */
function roleOption(r, ctx) {
  if (typeof r === 'string') return [r, r];
  if (Array.isArray(r)) return r;
  const name = (ctx.lang === 'en' ? r.name_en : r.name_th) || r.name_th || r.role;
  return [r.role, `${name} (${r.role})`];
}

export function laneSection(element, ctx, laneRoles) {
  const lane = is(element, 'bpmn:Lane') ? element.businessObject : null;
  if (!lane) {
    const around = laneOf(element);
    if (!around) return null;
    const role = laneRoles[around.id];
    return el('p', { class: 'sp-lane' },
      `${ctx.t('lane_of_task')}: ${around.name || around.id}`,
      role ? ` (${role})` : ` — ${ctx.t('role_missing')}`);
  }
  const options = [['', ctx.t('role_none')], ...(ctx.roles || []).map((r) => roleOption(r, ctx))];
  const choice = select(options, laneRoles[lane.id] || '');
  const warning = el('p', { class: 'sp-warning', role: 'status', text: '' });
  const show = () => { warning.textContent = choice.value ? '' : ctx.t('role_missing'); };
  choice.addEventListener('change', () => {
    if (choice.value) laneRoles[lane.id] = choice.value;
    else delete laneRoles[lane.id];
    show();
    ctx.onLaneRoles(laneRoles);
  });
  show();
  return section(ctx.t('lane'), labelled(ctx.t('role'), choice, ctx.t('role_help')).row,
    warning);
}

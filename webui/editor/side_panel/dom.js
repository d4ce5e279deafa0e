// Small DOM helpers: every control gets a visible <label>, ids unique per panel.
let counter = 0;

export function uid(prefix) {
  counter += 1;
  return `sp-${prefix}-${counter}`;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** A labelled control: returns {row, control}. */
export function labelled(text, control, help) {
  const id = control.id || uid('c');
  control.id = id;
  const parts = [el('label', { for: id, text }), control];
  if (help) {
    const helpId = `${id}-help`;
    control.setAttribute('aria-describedby', helpId);
    parts.push(el('p', { class: 'sp-help', id: helpId, text: help }));
  }
  return { row: el('div', { class: 'sp-row' }, parts), control };
}

export function select(options, value) {
  const node = el('select');
  for (const [optionValue, label] of options) {
    node.append(el('option', { value: optionValue, text: label }));
  }
  node.value = value ?? '';
  return node;
}

export function section(title, ...children) {
  const heading = el('h3', { text: title, id: uid('h') });
  return el('section', { class: 'sp-section', 'aria-labelledby': heading.id }, heading,
    ...children);
}

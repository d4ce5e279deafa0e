// An expression box checked as it is typed: the server's restricted evaluator answers
// (POST /owner/api/expressions/check); the answer is read out politely (aria-live).
import { el, labelled } from './dom.js';

const WAIT_MS = 350;

export function checkExpression(ctx, expression, variables) {
  return fetch(ctx.checkUrl, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': ctx.csrf },
    body: JSON.stringify({ expression, variables }),
  }).then((response) => response.json());
}

/** A labelled text area whose value is checked while typed; ``onValid`` gets a text the
 *  evaluator accepted (or '' when cleared). Returns {row, input, set(value)}. */
export function expressionBox(ctx, label, value, variables, onValid, allowEmpty = true) {
  const input = el('textarea', { rows: 2, spellcheck: 'false', class: 'sp-code',
                                 autocomplete: 'off' });
  input.value = value || '';
  const { row } = labelled(label, input);
  const answer = el('p', { class: 'sp-check', role: 'status', 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'),
    (answer.id = `${input.id}-check`)].filter(Boolean).join(' '));
  row.append(answer);
  let timer = null;
  let asked = 0;
  const run = async () => {
    const text = input.value.trim();
    if (!text && allowEmpty) {
      answer.textContent = '';
      answer.dataset.ok = 'true';
      onValid('');
      return;
    }
    asked += 1;
    const mine = asked;
    answer.textContent = ctx.t('checking');
    try {
      const result = await checkExpression(ctx, text, variables());
      if (mine !== asked) return; // a newer keystroke has its own answer coming
      answer.textContent = ctx.lang === 'en' ? result.message : result.message_th;
      answer.dataset.ok = String(Boolean(result.ok));
      input.setAttribute('aria-invalid', result.ok ? 'false' : 'true');
      if (result.ok) onValid(text);
    } catch {
      if (mine === asked) answer.textContent = ctx.t('check_failed');
    }
  };
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, WAIT_MS);
  });
  return {
    row,
    input,
    set(text) {
      input.value = text;
      run();
    },
  };
}

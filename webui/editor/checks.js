// Live checks: on each change (debounced) the diagram's XML goes to govflow's check API,
// the same report as `govflow validate` (contract 2), and comes back as a list beside the
// diagram, each entry a button that selects its element and scrolls to it, and as markers
// (CSS classes) on the offending elements. bpmn-js-bpmnlint draws its own markers too.

const DEBOUNCE_MS = 800;
const MARKERS = { error: 'gf-check-error', warning: 'gf-check-warning', notice: 'gf-check-notice' };

function element(tag, attrs = {}, text = '') {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    node.setAttribute(name, value);
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

export class LiveCheck {
  /**
   * @param modeler the bpmn-js Modeler
   * @param {{url: string|null, csrf: string, lang: string, t: Function,
   *          list: HTMLElement, summary: HTMLElement, onReport: Function}} options
   */
  constructor(modeler, options) {
    this.modeler = modeler;
    this.options = options;
    this.marked = [];
    this.timer = null;
    this.sent = 0;
    this.report = null;
    this.available = Boolean(options.url);
    modeler.on('commandStack.changed', () => this.schedule());
    modeler.on('import.done', () => this.schedule(0));
  }

  schedule(delay = DEBOUNCE_MS) {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.run(), delay);
  }

  async run() {
    const { t, summary } = this.options;
    if (!this.available) {
      summary.textContent = t('check_unavailable');
      this.options.onReport(null);
      return null;
    }
    const ticket = ++this.sent;
    summary.textContent = t('check_running');
    let xml;
    try {
      ({ xml } = await this.modeler.saveXML({ format: true }));
    } catch (error) {
      summary.textContent = t('check_failed', { reason: error.message });
      return null;
    }
    let response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json',
                   'X-CSRFToken': this.options.csrf },
        body: JSON.stringify({ bpmn: xml }),
      });
    } catch (error) {
      summary.textContent = t('check_failed', { reason: error.message });
      return null;
    }
    if (ticket !== this.sent) {
      return null; // a newer change is being checked
    }
    if (response.status === 404) {
      this.available = false;
      return this.run();
    }
    if (!response.ok) {
      summary.textContent = t('check_failed', { reason: `HTTP ${response.status}` });
      return null;
    }
    const report = await response.json();
    this.show(report);
    return report;
  }

  /** Draw a report (from the check API or a save's answer): list, counts, markers. */
  show(report) {
    const { t, lang, list, summary } = this.options;
    this.report = report;
    this.clearMarkers();
    list.replaceChildren();
    const registry = this.modeler.get('elementRegistry');
    const canvas = this.modeler.get('canvas');
    for (const problem of report.problems || []) {
      const severity = MARKERS[problem.severity] ? problem.severity : 'notice';
      const item = element('li', { class: `gf-problem gf-problem-${severity}` });
      item.append(element('span', { class: 'gf-problem-severity' }, t(`severity_${severity}`)));
      const text = (lang === 'en' ? problem.message : problem.message_th) || problem.message;
      item.append(element('span', { class: 'gf-problem-message', lang: lang === 'en' ? 'en' : 'th' },
        text));
      if (problem.rule) {
        item.append(element('span', { class: 'gf-problem-rule' }, `(${problem.rule})`));
      }
      const shape = problem.element_id ? registry.get(problem.element_id) : null;
      if (shape) {
        canvas.addMarker(shape, MARKERS[severity]);
        this.marked.push([shape, MARKERS[severity]]);
        const name = shape.businessObject.name || problem.element_id;
        const go = element('button', { type: 'button', class: 'linkish gf-problem-go',
                                       'data-element-id': problem.element_id },
          t('show_element', { name }));
        go.addEventListener('click', () => this.reveal(shape));
        item.append(go);
      } else {
        const where = problem.element_id || (problem.line ? t('line', { line: problem.line })
          : t('whole_file'));
        item.append(element('code', { class: 'gf-problem-where' }, where));
      }
      list.append(item);
    }
    summary.textContent = report.errors || report.warnings
      ? t('check_counts', { errors: report.errors, warnings: report.warnings })
      : t('check_ok');
    this.options.onReport(report);
  }

  reveal(shape) {
    const canvas = this.modeler.get('canvas');
    this.modeler.get('selection').select(shape);
    canvas.scrollToElement(shape);
    canvas.focus();
  }

  clearMarkers() {
    const canvas = this.modeler.get('canvas');
    for (const [shape, marker] of this.marked) {
      if (this.modeler.get('elementRegistry').get(shape.id)) {
        canvas.removeMarker(shape, marker);
      }
    }
    this.marked = [];
  }
}

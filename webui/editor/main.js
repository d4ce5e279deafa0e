// The process editor page (/owner/processes/<key>/edit): bpmn-js's Modeler in Thai or
// English, offering only what govflow runs, with live checks, drafts, presence, undo and
// redo, open-a-file and download, and the govflow side panel. Its context (URLs, CSRF
// token, lanes, roles, settings) comes from the page's JSON block: no inline script.

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-codes.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import './editor.css';

import Modeler from 'bpmn-js/lib/Modeler';
import lintModule from 'bpmn-js-bpmnlint';
import bpmnlintConfig from 'govflow:bpmnlint-config';
import spiffworkflow from 'govflow:spiffworkflow-moddle';

import allowedElements from './allowed_elements.js';
import { LiveCheck } from './checks.js';
import { DraftsApi } from './drafts.js';
import { mountSidePanel } from './side_panel.js';
import { translateModule } from './translate_th.js';
import { texts } from './ui_text.js';

const PRESENCE_MS = 30 * 1000;

const $ = (id) => document.getElementById(id);

function readContext() {
  return JSON.parse($('editor-context').textContent);
}

function when(iso, lang) {
  if (!iso) {
    return '';
  }
  // The Buddhist Era, Bangkok time, as every govflow page shows dates.
  const locale = lang === 'en' ? 'en-GB-u-ca-buddhist' : 'th-TH-u-ca-buddhist';
  return new Date(iso).toLocaleString(locale, { dateStyle: 'long', timeStyle: 'short',
                                                timeZone: 'Asia/Bangkok' });
}

class EditorPage {
  constructor(ctx) {
    this.ctx = ctx;
    this.t = texts(ctx.lang);
    this.revision = null;
    this.dirty = false;
    this.leaving = false;
    this.report = null;
    this.api = ctx.urls.draft ? new DraftsApi(ctx.urls, ctx.csrf) : null;
    this.modeler = new Modeler({
      container: $('canvas'),
      additionalModules: [translateModule(ctx.lang), allowedElements, lintModule],
      linting: { active: true, bpmnlint: bpmnlintConfig },
      moddleExtensions: spiffworkflow ? { spiffworkflow } : {},
    });
    this.check = new LiveCheck(this.modeler, {
      url: ctx.urls.check, csrf: ctx.csrf, lang: ctx.lang, t: this.t,
      list: $('check-list'), summary: $('check-summary'),
      onReport: (report) => this.reported(report),
    });
    this.wire();
  }

  status(text, kind = 'info') {
    const line = $('editor-status');
    line.textContent = text;
    line.dataset.kind = kind;
  }

  wire() {
    const stack = this.modeler.get('commandStack');
    this.modeler.on('commandStack.changed', () => {
      if (!stack.canUndo() && !stack.canRedo()) {
        return; // the stack was cleared: a diagram was just opened
      }
      this.dirty = true;
      this.status(this.t('unsaved'), 'unsaved');
      this.updateButtons();
    });
    $('undo').addEventListener('click', () => stack.undo());
    $('redo').addEventListener('click', () => stack.redo());
    $('save').addEventListener('click', () => this.save());
    $('discard').addEventListener('click', () => this.discard());
    $('download').addEventListener('click', () => this.download());
    $('open-file').addEventListener('change', (event) => this.openFile(event.target));
    $('deploy-form').addEventListener('submit', (event) => this.deploy(event));
    document.addEventListener('keydown', (event) => this.shortcut(event));
    window.addEventListener('beforeunload', (event) => {
      if (this.dirty && !this.leaving) {
        event.preventDefault();
        event.returnValue = this.t('leave_warning');
      }
    });
    this.updateButtons();
  }

  /** Ctrl+Z / Ctrl+Y (and Ctrl+Shift+Z) anywhere on the page but in a text field; the
   *  canvas handles its own when it has the focus. */
  shortcut(event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) {
      return;
    }
    const target = event.target;
    if (target.closest && (target.closest('input, textarea, select, [contenteditable]')
        || target.closest('#canvas'))) {
      return;
    }
    const key = event.key.toLowerCase();
    const stack = this.modeler.get('commandStack');
    if (key === 'z' && !event.shiftKey) {
      event.preventDefault();
      stack.undo();
    } else if (key === 'y' || (key === 'z' && event.shiftKey)) {
      event.preventDefault();
      stack.redo();
    }
  }

  updateButtons() {
    const stack = this.modeler.get('commandStack');
    $('undo').disabled = !stack.canUndo();
    $('redo').disabled = !stack.canRedo();
    $('save').disabled = !this.api;
    $('discard').disabled = !this.api || this.revision === null;
    const errors = this.report ? this.report.errors : 0;
    $('deploy').disabled = !this.api || errors > 0;
    $('deploy-blocked').hidden = !(errors > 0);
  }

  reported(report) {
    this.report = report;
    this.updateButtons();
  }

  async load() {
    this.status(this.t('loading'));
    let loaded;
    if (this.api) {
      const { status, body } = await this.api.load();
      if (status !== 200) {
        throw new Error(body.error_en && this.ctx.lang === 'en' ? body.error_en
          : body.error || `HTTP ${status}`);
      }
      loaded = body;
    } else {
      loaded = await (await fetch(this.ctx.urls.current, { credentials: 'same-origin' })).json();
    }
    await this.show(loaded.bpmn);
    this.revision = loaded.revision ?? null;
    // Lane roles: the version's, with the draft's own over them; the side panel starts
    // from them, and a save sends them only when the owner changed one.
    Object.assign(this.ctx.lanes, loaded.lanes || {});
    this.savedLanes = JSON.stringify(this.laneRoles());
    this.dirty = false;
    this.status(loaded.from_draft
      ? this.t('loaded_draft', { revision: loaded.revision, who: loaded.saved_by || '',
                                 when: when(loaded.saved_at, this.ctx.lang) })
      : this.t('loaded_version', { version: loaded.base_version ?? this.ctx.version }));
    this.showEditors(loaded.editors || []);
    this.updateButtons();
    if (!this.api) {
      this.status(this.t('drafts_unavailable'), 'warning');
    }
  }

  async show(xml) {
    const { warnings } = await this.modeler.importXML(xml);
    this.modeler.get('canvas').zoom('fit-viewport');
    this.modeler.get('commandStack').clear();
    if (warnings && warnings.length) {
      this.status(this.t('import_warnings', { count: warnings.length }), 'warning');
    }
    this.lastGood = xml;
    performance.mark('editor-import-done');
    document.documentElement.dataset.editorImported = String(
      Number(document.documentElement.dataset.editorImported || 0) + 1);
  }

  async xml() {
    return (await this.modeler.saveXML({ format: true })).xml;
  }

  async save() {
    if (!this.api) {
      return false;
    }
    this.status(this.t('saving'));
    $('conflict').hidden = true;
    const roles = this.laneRoles();
    const lanes = JSON.stringify(roles) === this.savedLanes ? undefined : roles;
    const { status, body } = await this.api.save(await this.xml(), this.revision, lanes);
    if (status === 200) {
      this.revision = body.revision;
      this.savedLanes = JSON.stringify(roles);
      this.dirty = false;
      this.status(this.t('saved', { revision: body.revision }), 'success');
      if (body.report) {
        this.check.show(body.report);
      }
      this.updateButtons();
      return true;
    }
    if (status === 409) {
      // Nothing was overwritten and nothing here is lost: the owner keeps editing, and may
      // download the file before looking at the newer draft.
      const message = (this.ctx.lang === 'en' ? body.error_en : body.error)
        || this.t('conflict', { who: body.saved_by || this.t('someone') });
      $('conflict-message').textContent = message;
      $('conflict').hidden = false;
      this.status(this.t('conflict', { who: body.saved_by || this.t('someone') }), 'error');
      return false;
    }
    const reason = (this.ctx.lang === 'en' ? body.error_en : body.error) || `HTTP ${status}`;
    this.status(this.t('save_failed', { reason }), 'error');
    return false;
  }

  async discard() {
    if (!this.api || this.revision === null) {
      this.status(this.t('nothing_to_discard'));
      return;
    }
    if (!window.confirm(this.t('discard_confirm'))) {
      return;
    }
    const { status, body } = await this.api.discard(this.revision);
    if (status !== 200) {
      const reason = (this.ctx.lang === 'en' ? body.error_en : body.error) || `HTTP ${status}`;
      this.status(this.t('save_failed', { reason }), 'error');
      return;
    }
    await this.load();
    this.status(this.t('discarded'), 'success');
  }

  async download() {
    const blob = new Blob([await this.xml()], { type: 'application/xml' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = this.ctx.file_name || `${this.ctx.key}.bpmn`;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  async openFile(input) {
    const file = input.files && input.files[0];
    if (!file) {
      return;
    }
    const text = await file.text();
    try {
      await this.show(text);
    } catch (error) {
      this.status(this.t('not_bpmn', { name: file.name, reason: error.message }), 'error');
      if (this.lastGood) {
        await this.show(this.lastGood);
      }
      return;
    } finally {
      input.value = '';
    }
    this.dirty = true;
    this.status(this.t('opened_file', { name: file.name }), 'unsaved');
    this.updateButtons();
  }

  async deploy(event) {
    event.preventDefault();
    if (this.report && this.report.errors > 0) {
      this.status(this.t('deploy_blocked'), 'error');
      return;
    }
    // The deploy takes the saved draft: save first, and stop if that fails.
    if ((this.dirty || this.revision === null) && !(await this.save())) {
      return;
    }
    if (this.report && this.report.errors > 0) {
      this.status(this.t('deploy_blocked'), 'error');
      return;
    }
    this.leaving = true;
    event.target.submit();
  }

  showEditors(editors) {
    const banner = $('presence');
    const names = editors.map((e) => e.user).filter(Boolean);
    banner.hidden = names.length === 0;
    banner.textContent = names.length ? this.t('editing_too', { names: names.join(', ') }) : '';
  }

  async presence() {
    const answer = this.api && await this.api.presence();
    if (answer && answer.status === 200) {
      this.showEditors(answer.body.editors || []);
    }
  }

  async sidePanel() {
    let forms = [];
    if (this.ctx.urls.forms) {
      try {
        const response = await fetch(this.ctx.urls.forms, { credentials: 'same-origin' });
        forms = response.ok ? await response.json() : [];
      } catch {
        forms = [];
      }
    }
    this.panel = mountSidePanel(this.modeler, $('side-panel'), {
      lang: this.ctx.lang, csrf: this.ctx.csrf, processKey: this.ctx.key,
      lanes: this.ctx.lanes, roles: this.ctx.roles, settings: this.ctx.settings,
      forms, t: this.t, urls: this.ctx.urls,
    });
    this.savedLanes = JSON.stringify(this.laneRoles());
    if (this.panel && this.panel.onLaneRolesChanged) {
      this.panel.onLaneRolesChanged(() => {
        this.dirty = true;
        this.status(this.t('unsaved'), 'unsaved');
      });
    }
  }

  /** Lane id → role as the owner left them: the side panel's, else the page's. */
  laneRoles() {
    return this.panel && this.panel.getLaneRoles ? this.panel.getLaneRoles() : this.ctx.lanes;
  }
}

async function start() {
  const ctx = readContext();
  const page = new EditorPage(ctx);
  window.govflowEditor = page; // for the browser tests and the console
  try {
    await page.load();
  } catch (error) {
    page.status(page.t('load_failed', { reason: error.message }), 'error');
    return;
  }
  await page.sidePanel();
  page.presence();
  window.setInterval(() => page.presence(), PRESENCE_MS);
}

start();

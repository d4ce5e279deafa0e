// A test page for the side panel alone (tests/web/browser/test_side_panel.py): bpmn-js's
// Modeler with govflow's spiffworkflow descriptor and the panel, on complaint.bpmn, with
// the forms and the CSRF token from the real server. The test bundles it with esbuild;
// __WEBUI__ is replaced by the absolute path of webui/ (the entry lives outside it).
import '__WEBUI__/node_modules/bpmn-js/dist/assets/diagram-js.css';
import '__WEBUI__/node_modules/bpmn-js/dist/assets/bpmn-js.css';
import Modeler from '__WEBUI__/node_modules/bpmn-js/lib/Modeler.js';
import spiffworkflow from '__WEBUI__/editor/spiffworkflow_moddle.json';
import { mountSidePanel } from '__WEBUI__/editor/side_panel.js';

const SETTINGS = {
  triage_days: { value: 3, label_th: 'ระยะเวลาพิจารณาเบื้องต้น', label_en: 'Triage period',
                 type: 'working_days', min: 1, max: 30 },
};

async function start() {
  const page = await (await fetch('/owner/forms', { credentials: 'same-origin' })).text();
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)[1];
  const forms = await (await fetch('/owner/api/forms', { credentials: 'same-origin' })).json();
  const xml = await (await fetch('/harness/complaint.bpmn')).text();
  const modeler = new Modeler({ container: '#canvas', moddleExtensions: { spiffworkflow } });
  await modeler.importXML(xml);
  const panel = mountSidePanel(modeler, document.getElementById('side-panel'), {
    lang: document.documentElement.lang, csrf, processKey: 'complaint',
    lanes: { lane_legal_officer: 'legal_officer', lane_director: { role: 'director' },
             lane_legal_head: 'legal_head' },
    // As the editor page lists them (webui/owner/editor.py).
    roles: [{ role: 'legal_officer', name_th: 'นิติกร', name_en: 'Legal officer' },
            { role: 'legal_head', name_th: 'ผู้อำนวยการกลุ่มกฎหมายและคดี', name_en: 'Head of Legal Affairs' },
            { role: 'director', name_th: 'ผู้อำนวยการ สพป.', name_en: 'Director' }],
    settings: SETTINGS, forms, t: (key) => key,
  });
  window.harness = {
    panel,
    select: (id) => panel.select(id),
    xml: async () => (await modeler.saveXML({ format: true })).xml,
  };
  document.body.dataset.ready = 'yes';
}

start();

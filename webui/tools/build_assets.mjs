// Builds the process editor's browser assets from the npm packages webui/package-lock.json
// pins: webui/editor/main.js and the CSS it imports (bpmn-js, its icon font,
// bpmn-js-bpmnlint) bundled by esbuild into webui/static/build/, which govflow serves
// itself (same origin, under its CSP; nothing from a CDN). Runs on Node 18 and later:
//
//   node webui/tools/build_assets.mjs            (the Makefile's `assets` target runs it)
//
// bpmnlint resolves its rules with require() at lint time, which a browser cannot do, so
// the recommended configuration is turned here into a module that imports each of its rules
// (what bpmnlint-pack-config generates), served to the bundle as `govflow:bpmnlint-config`.

import { createRequire } from 'node:module';
import { existsSync, mkdirSync, rmSync, statSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEBUI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(WEBUI, 'static', 'build');
const require = createRequire(path.join(WEBUI, 'package.json'));
const esbuild = require('esbuild');

const CONFIG_MODULE = 'govflow:bpmnlint-config';

/** Every rule of a bpmnlint configuration, `extends` followed, as {name: severity}. */
export function flattenRules(configName, seen = new Set()) {
  // 'recommended' is bpmnlint's own; 'plugin:x/y' would be bpmnlint-plugin-x's config y.
  const [pkg, name] = configName.startsWith('plugin:')
    ? configName.slice(7).split('/')
    : ['bpmnlint', configName.replace(/^bpmnlint:/, '')];
  const key = `${pkg}/${name}`;
  if (seen.has(key)) {
    return {};
  }
  seen.add(key);
  const module = pkg === 'bpmnlint' ? `bpmnlint/config/${name}` : `bpmnlint-plugin-${pkg}`;
  const loaded = require(module);
  const config = pkg === 'bpmnlint' ? loaded : loaded.configs[name];
  const parents = [].concat(config.extends || []);
  const rules = {};
  for (const parent of parents) {
    Object.assign(rules, flattenRules(parent, seen));
  }
  return Object.assign(rules, config.rules || {});
}

/** The ES module bpmn-js-bpmnlint takes as `linting.bpmnlint`: {config, resolver}. */
export function configModule(configName = 'recommended') {
  const rules = flattenRules(configName);
  const imports = [];
  const cache = [];
  Object.keys(rules).forEach((rule, index) => {
    const [pkg, name] = rule.includes('/') ? rule.split('/') : ['bpmnlint', rule];
    const from = pkg === 'bpmnlint' ? `bpmnlint/rules/${name}` : `bpmnlint-plugin-${pkg}/rules/${name}`;
    imports.push(`import rule_${index} from ${JSON.stringify(from)};`);
    cache.push(`cache[${JSON.stringify(`${pkg}/${name}`)}] = rule_${index};`);
  });
  return `${imports.join('\n')}
const cache = {};
${cache.join('\n')}
export const config = { rules: ${JSON.stringify(rules)} };
export const resolver = {
  resolveRule(pkg, ruleName) {
    const rule = cache[pkg + '/' + ruleName];
    if (!rule) { throw new Error('cannot resolve rule <' + pkg + '/' + ruleName + '>'); }
    return rule;
  },
  resolveConfig(pkg, configName) {
    throw new Error('cannot resolve config <' + configName + '> in <' + pkg + '>');
  },
};
export default { config, resolver };
`;
}

const bpmnlintConfig = {
  name: 'bpmnlint-config',
  setup(build) {
    build.onResolve({ filter: /^govflow:bpmnlint-config$/ }, (args) => ({
      path: args.path, namespace: 'bpmnlint-config',
    }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint-config' }, () => ({
      contents: configModule('recommended'), resolveDir: WEBUI, loader: 'js',
    }));
  },
};

// The spiffworkflow moddle descriptor (webui/editor/spiffworkflow_moddle.json) lets bpmn-js
// read and write Spiff's extensions (a task's form) as properties. Served to the bundle as
// `govflow:spiffworkflow-moddle`: the descriptor, or null where the tree has none yet, and
// then bpmn-js keeps those extensions as unknown elements, unchanged.
const SPIFF_MODDLE = path.join(WEBUI, 'editor', 'spiffworkflow_moddle.json');

const spiffworkflowModdle = {
  name: 'spiffworkflow-moddle',
  setup(build) {
    build.onResolve({ filter: /^govflow:spiffworkflow-moddle$/ }, () => (existsSync(SPIFF_MODDLE)
      ? { path: SPIFF_MODDLE }
      : { path: 'none', namespace: 'spiffworkflow-moddle' }));
    build.onLoad({ filter: /.*/, namespace: 'spiffworkflow-moddle' }, () => ({
      contents: 'export default null;', loader: 'js',
    }));
  },
};

function sizes(folder, found = []) {
  // A walk of its own: readdirSync's `recursive` needs Node 18.17.
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      sizes(file, found);
    } else {
      found.push({ file: path.relative(OUT, file), bytes: statSync(file).size,
                   gzip: gzipSync(readFileSync(file)).length });
    }
  }
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

async function main() {
  const started = Date.now();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await esbuild.build({
    absWorkingDir: WEBUI,
    entryPoints: { editor: 'editor/main.js' },
    bundle: true,
    format: 'esm',
    target: ['es2020'],
    minify: true,
    legalComments: 'linked',
    sourcemap: false,
    outdir: OUT,
    // The icon font: woff2 for every browser govflow supports, woff as the fallback.
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
    assetNames: 'fonts/[name]-[hash]',
    plugins: [bpmnlintConfig, spiffworkflowModdle],
    logLevel: 'warning',
  });
  const built = sizes(OUT);
  const ms = Date.now() - started;
  for (const { file, bytes, gzip } of built) {
    console.log(`${file.padEnd(40)} ${String(bytes).padStart(9)} B  ${String(gzip).padStart(8)} B gzip`);
  }
  console.log(`editor assets built in ${ms} ms into ${path.relative(process.cwd(), OUT) || OUT}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message || error);
    process.exit(1);
  });
}

export { CONFIG_MODULE };

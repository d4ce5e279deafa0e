// The drafts API (contract 3): load, save, discard and presence, all JSON with the page's
// CSRF token. Each call answers {status, body}; the caller decides what a status means.

export class DraftsApi {
  constructor({ draft, presence }, csrf) {
    this.urls = { draft, presence };
    this.csrf = csrf;
  }

  async call(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json',
                 'X-CSRFToken': this.csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    return { status: response.status, body: data };
  }

  load() {
    return this.call('GET', this.urls.draft);
  }

  /** ``lanes`` ({lane id: role}) only when they changed: a save without them keeps the
   *  draft's. */
  save(bpmn, revision, lanes) {
    return this.call('PUT', this.urls.draft, lanes ? { bpmn, revision, lanes } : { bpmn, revision });
  }

  discard(revision) {
    return this.call('DELETE', this.urls.draft, { revision });
  }

  presence() {
    return this.urls.presence ? this.call('POST', this.urls.presence, {}) : null;
  }
}

// The users table: filled in after page load from /admin/users/data, as the real console's
// grid is. The URL keeps page, per_page, q, status and sort so a view can be linked to.
(function () {
  'use strict';
  const table = document.getElementById('users-table');
  const rowsEl = document.getElementById('users-rows');
  const summary = document.getElementById('users-summary');
  const indicator = document.getElementById('page-indicator');
  const errorEl = document.getElementById('users-error');
  const base = table.dataset.base;
  const params = new URLSearchParams(window.location.search);
  const state = {
    page: parseInt(params.get('page') || '1', 10) || 1,
    per_page: parseInt(params.get('per_page') || '50', 10) || 50,
    q: params.get('q') || '',
    status: params.get('status') || '',
    sort: params.get('sort') || 'name',
  };
  const q = document.getElementById('q');
  const status = document.getElementById('status');
  const perPage = document.getElementById('per_page');
  q.value = state.q;
  status.value = state.status;
  perPage.value = String(state.per_page);
  let lastTotal = 0;
  let seq = 0;

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value;
    return el;
  }

  function chips(values, cls) {
    const td = document.createElement('td');
    values.forEach((v) => td.appendChild(text('span', v, cls)));
    return td;
  }

  function relative(iso) {
    if (!iso) return 'Never';
    const days = Math.floor((Date.now() - Date.parse(iso)) / 86400000);
    if (days < 1) return 'Today';
    if (days === 1) return 'Yesterday';
    if (days < 60) return days + ' days ago';
    return Math.floor(days / 30) + ' months ago';
  }

  function render(data) {
    rowsEl.replaceChildren();
    if (!data.rows.length) {
      const tr = document.createElement('tr');
      const td = text('td', 'No users match these filters.', 'muted');
      td.colSpan = 8;
      tr.appendChild(td);
      rowsEl.appendChild(tr);
    }
    data.rows.forEach((u) => {
      const tr = document.createElement('tr');
      tr.dataset.username = u.username;
      const link = text('a', u.username);
      link.href = base + '/admin/users/' + encodeURIComponent(u.username);
      const tdUser = document.createElement('td');
      tdUser.className = 'username';
      tdUser.appendChild(link);
      tr.appendChild(tdUser);
      const tdName = document.createElement('td');
      tdName.appendChild(text('div', u.first_name + ' ' + u.last_name, 'name'));
      tdName.appendChild(text('div', u.email, 'muted small'));
      tr.appendChild(tdName);
      tr.appendChild(text('td', u.user_type === 'provider' ? 'Provider' : 'Staff', 'user-type'));
      const tdStatus = document.createElement('td');
      tdStatus.className = 'status';
      tdStatus.appendChild(text('span', u.status, 'badge status-' + u.status));
      tr.appendChild(tdStatus);
      const g = chips(u.groups, 'chip');
      g.className = 'groups';
      tr.appendChild(g);
      const l = chips(u.locations, 'chip chip-loc');
      l.className = 'locations';
      tr.appendChild(l);
      const tdLogin = text('td', relative(u.last_login), 'last-login nowrap');
      tdLogin.title = u.last_login || 'Never signed in';
      tdLogin.dataset.value = u.last_login;
      tr.appendChild(tdLogin);
      tr.appendChild(text('td', String(u.failed_logins), 'num failed-logins' + (u.failed_logins ? ' warn-text' : '')));
      rowsEl.appendChild(tr);
    });
    lastTotal = data.total;
    const first = data.total ? (data.page - 1) * data.per_page + 1 : 0;
    const last = Math.min(data.total, (data.page - 1) * data.per_page + data.rows.length);
    summary.textContent = 'Showing ' + first + '–' + last + ' of ' + data.total + ' users';
    const pages = Math.max(1, Math.ceil(data.total / data.per_page));
    indicator.textContent = 'Page ' + data.page + ' of ' + pages;
    document.getElementById('prev-page').disabled = data.page <= 1;
    document.getElementById('next-page').disabled = data.page >= pages;
    table.dataset.total = String(data.total);
    table.dataset.page = String(data.page);
    table.setAttribute('aria-busy', 'false');
    table.dataset.loaded = 'true';
  }

  const DEFAULTS = { page: 1, per_page: 50, q: '', status: '', sort: 'name' };

  // Only what differs from the defaults goes into the address bar (and the export link).
  function query() {
    const p = new URLSearchParams();
    Object.entries(state).forEach(([k, v]) => { if (v !== DEFAULTS[k]) p.set(k, String(v)); });
    return p;
  }

  function markSort() {
    document.querySelectorAll('button.sort').forEach((b) => {
      const key = b.dataset.sort;
      b.classList.toggle('asc', state.sort === key);
      b.classList.toggle('desc', state.sort === '-' + key);
      b.parentElement.setAttribute('aria-sort',
        state.sort === key ? 'ascending' : state.sort === '-' + key ? 'descending' : 'none');
    });
  }

  async function load() {
    const mine = ++seq;
    table.setAttribute('aria-busy', 'true');
    table.dataset.loaded = 'false';
    errorEl.hidden = true;
    const p = query();
    const search = p.toString();
    history.replaceState(null, '', window.location.pathname + (search ? '?' + search : ''));
    const exportParams = new URLSearchParams(p);
    ['page', 'per_page'].forEach((k) => exportParams.delete(k));
    const exportSearch = exportParams.toString();
    document.getElementById('export-csv').href = base + '/admin/users/export.csv' + (exportSearch ? '?' + exportSearch : '');
    markSort();
    let response;
    try {
      response = await fetch(table.dataset.endpoint + '?' + p.toString(), {
        credentials: 'same-origin', headers: { Accept: 'application/json' },
      });
    } catch (err) {
      showError('The users list could not be loaded (network error). Try again.');
      return;
    }
    if (mine !== seq) return;
    if (response.status === 401) {
      const body = await response.json().catch(() => ({}));
      window.location.assign(body.login || (base + '/login'));
      return;
    }
    if (!response.ok) {
      showError('The users list could not be loaded (HTTP ' + response.status + '). Try again.');
      return;
    }
    render(await response.json());
  }

  function showError(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
    table.setAttribute('aria-busy', 'false');
    table.dataset.loaded = 'error';
  }

  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = q.value.trim(); state.page = 1; load(); }, 250);
  });
  status.addEventListener('change', () => { state.status = status.value; state.page = 1; load(); });
  perPage.addEventListener('change', () => { state.per_page = parseInt(perPage.value, 10); state.page = 1; load(); });
  document.getElementById('prev-page').addEventListener('click', () => { state.page = Math.max(1, state.page - 1); load(); });
  document.getElementById('next-page').addEventListener('click', () => {
    const pages = Math.max(1, Math.ceil(lastTotal / state.per_page));
    state.page = Math.min(pages, state.page + 1);
    load();
  });
  document.querySelectorAll('button.sort').forEach((b) => b.addEventListener('click', () => {
    const key = b.dataset.sort;
    state.sort = state.sort === key ? '-' + key : key;
    state.page = 1;
    load();
  }));
  load();
})();

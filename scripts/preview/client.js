// The preview's script in each served page (see server.ts): listens to the server's events, swaps
// in the new version of this page without reloading it (the reading position stays), and shows the
// messages of a save that broke the chapter above the last good version.
(() => {
  const page = decodeURIComponent(location.pathname.split('/').pop() || 'index.html');
  const root = document.documentElement;
  let version = 0;

  function messagesFor(errors) {
    return [...(errors['*'] || []), ...(errors[page] || [])];
  }

  function showErrors(messages) {
    let panel = document.getElementById('book-preview-errors');
    if (messages.length === 0) {
      if (panel) panel.remove();
      root.dataset.previewErrors = '0';
      return;
    }
    if (!panel) {
      panel = document.createElement('section');
      panel.id = 'book-preview-errors';
      panel.setAttribute('role', 'alert');
      panel.style.cssText =
        'position:fixed;inset:0 0 auto 0;z-index:10000;max-height:50vh;overflow:auto;margin:0;padding:0.75rem 1rem;' +
        'background:#fff0f0;color:#600;border-bottom:3px solid #a00;font:14px/1.4 system-ui,sans-serif;';
    }
    panel.replaceChildren();
    const title = document.createElement('p');
    title.style.cssText = 'margin:0 0 0.4rem;font-weight:bold;text-indent:0;text-align:left';
    title.textContent = 'Cette version ne se construit pas — la dernière version correcte reste affichée :';
    panel.append(title);
    const list = document.createElement('ul');
    list.style.cssText = 'margin:0;padding-left:1.2rem';
    for (const m of messages) {
      const item = document.createElement('li');
      item.textContent = `${m.file}:${m.line}:${m.column} ${m.message} [${m.ruleId}]`;
      list.append(item);
    }
    panel.append(list);
    document.body.append(panel);
    root.dataset.previewErrors = String(messages.length);
  }

  async function swap() {
    const response = await fetch(location.pathname, { cache: 'no-store' });
    if (!response.ok) return;
    const next = new DOMParser().parseFromString(await response.text(), 'text/html');
    const y = window.scrollY;
    const panel = document.getElementById('book-preview-errors');
    document.title = next.title;
    document.body.replaceWith(next.body);
    if (panel) document.body.append(panel);
    window.scrollTo(0, y);
    version += 1;
    root.dataset.previewVersion = String(version);
  }

  const events = new EventSource('/__preview/events');
  events.addEventListener('state', (event) => {
    showErrors(messagesFor(JSON.parse(event.data).errors));
    root.dataset.previewConnected = 'true';
  });
  events.addEventListener('change', async (event) => {
    const { pages, errors } = JSON.parse(event.data);
    if (pages.includes(page)) await swap();
    showErrors(messagesFor(errors));
  });
})();

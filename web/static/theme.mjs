// The colour theme of every page: the system's (prefers-color-scheme, in
// saddle.css) unless the page's ?theme= or the reader's choice (a button in
// the site's navigation, kept in localStorage, no cookie) says otherwise.
// <html data-theme="light|dark"> overrides the system's.

const KEY = 'saddle-theme';
const THEMES = ['light', 'dark'];

/** chosenTheme returns the theme the query or the stored choice asks for, '' for the system's. */
export function chosenTheme(search, stored) {
  const q = new URLSearchParams(search).get('theme');
  if (THEMES.includes(q)) return q;
  return THEMES.includes(stored) ? stored : '';
}

/** nextTheme cycles the button: system → dark → light → system. */
export function nextTheme(t) {
  return t === '' ? 'dark' : t === 'dark' ? 'light' : '';
}

function stored() {
  try { return localStorage.getItem(KEY) || ''; } catch { return ''; }
}

function apply(t) {
  const root = document.documentElement;
  if (t) root.dataset.theme = t; else delete root.dataset.theme;
  window.dispatchEvent(new CustomEvent('saddle-theme', { detail: t }));
}

if (typeof document !== 'undefined') {
  // An embed's theme is its author's (the #embed flag): no button there.
  const embed = document.getElementById('embed');
  let theme = embed ? '' : chosenTheme(location.search, stored());
  apply(theme);
  const nav = document.querySelector('.site-nav');
  if (nav && !embed) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'theme-toggle';
    b.dataset.testid = 'theme-toggle';
    const label = () => {
      b.textContent = theme === 'dark' ? '☾ dark' : theme === 'light' ? '☀ light' : '◐ system';
      b.title = `colour theme: ${theme || 'as the system'} (click to change)`;
      b.setAttribute('aria-label', b.title);
    };
    label();
    b.onclick = () => {
      theme = nextTheme(theme);
      try { if (theme) localStorage.setItem(KEY, theme); else localStorage.removeItem(KEY); } catch { /* private mode */ }
      apply(theme);
      label();
    };
    nav.append(b);
  }
}

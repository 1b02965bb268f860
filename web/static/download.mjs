// download.mjs: the one way the page saves a file (every view's CSV, PNG,
// SVG and JSON buttons). Its answer is what the browser tests read back as
// a view's lastExport.

/** download saves data (text or a Blob) as a file named name. */
export function download(name, data, type) {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const href = URL.createObjectURL(blob);
  click(name, href);
  // The click has handed the file over; later is only to be safe.
  setTimeout(() => URL.revokeObjectURL(href), 10000);
  return { name, size: blob.size, type: blob.type || type };
}

/** downloadURL saves what a data: URL holds (a canvas's picture) as name. */
export function downloadURL(name, href) {
  click(name, href);
  const b64 = href.slice(href.indexOf(',') + 1), pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return { name, size: Math.floor((b64.length * 3) / 4) - pad, type: href.slice(5, href.indexOf(';')) };
}

function click(name, href) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

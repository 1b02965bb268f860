// The suggested learning rate shown beside each run's ε control. The server
// fits the rate to the objective at the start (POST /api/suggest; the rules
// are internal/optim.Suggest's); this module asks for it when the objective
// or the start changes, shows it beside the chapter's default, and applies
// either with one click.

import { fmt } from './ticks.mjs';

/**
 * rateHint describes the hint for one run: the suggested and default rates,
 * which of them the run uses now, and the text around the buttons. null
 * when there is nothing to suggest.
 */
export function rateHint(sug, def, cur, symbol = 'ε') {
  const lr = sug?.hyper?.lr;
  if (!(lr > 0)) return null;
  return {
    suggested: lr, def, rule: sug.rule || '',
    atSuggested: cur === lr, atDefault: cur === def,
    suggestedText: `suggested ${symbol} = ${fmt(lr)}`, defaultText: `chapter default ${fmt(def)}`,
  };
}

/** suggestBody is the /api/suggest request for a "start" message, or null. */
export function suggestBody(start) {
  const body = { objective: start.objective };
  if (start.seed) body.seed = start.seed;
  const plane = start.plane;
  // A three-point plane passes through a run's point: without runs, ask at θ₀.
  if (plane && !(typeof plane === 'object' && plane.run != null)) {
    body.plane = plane;
    if (start.start) body.start = start.start;
  } else if (!plane && start.start) body.start = start.start;
  return body;
}

export class Suggester {
  /** base is the site's base path; apply(r, lr) sets run r's rate. */
  constructor(base, apply) {
    this.base = base;
    this.apply = apply;
    this.key = '';
    this.answer = null;
    this.slots = [];
  }

  /** update asks for the suggestions of a scene's "start" message, if they changed. */
  async update(start) {
    const body = suggestBody(start);
    const key = JSON.stringify(body);
    if (key === this.key) return;
    this.key = key;
    this.answer = null;
    this.fill();
    try {
      const res = await fetch(`${this.base}/api/suggest`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: key });
      const ans = res.ok ? await res.json() : null;
      if (key !== this.key) return; // a newer scene asked since
      this.answer = ans;
    } catch {
      if (key === this.key) this.answer = null;
    }
    this.fill();
  }

  /** slot returns the element that holds run r's hint; it fills in when the answer comes. */
  slot(run, r, spec) {
    const el = document.createElement('div');
    el.className = 'row hint';
    el.dataset.testid = 'lr-suggestion';
    this.slots[r] = { el, run, spec };
    this.fillOne(r);
    return el;
  }

  fill() {
    this.slots.forEach((_, r) => this.fillOne(r));
  }

  fillOne(r) {
    const s = this.slots[r];
    if (!s) return;
    const { el, run, spec } = s;
    el.textContent = '';
    const h = rateHint(this.answer?.optimizers?.[run.optimizer], spec.default, run.hyper.lr ?? spec.default, spec.symbol || 'ε');
    el.hidden = !h;
    if (!h) return;
    const button = (text, lr, on, testid, title) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.dataset.testid = testid;
      b.title = title;
      b.disabled = on;
      b.setAttribute('aria-pressed', String(on));
      b.onclick = () => this.apply(r, lr);
      return b;
    };
    el.append(
      button(h.suggestedText, h.suggested, h.atSuggested, 'apply-suggested', `fitted to this objective at the start: ${h.rule}`),
      ' for this objective · ',
      button(h.defaultText, h.def, h.atDefault, 'apply-default', "the chapter's default"),
    );
  }
}

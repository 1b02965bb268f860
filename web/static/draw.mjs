// What the page draws: the landscape panels, the legend, the side plots,
// the display-frame loop that redraws what changed, and the read-outs
// (the selected run's numbers, divergence, local geometry, errors).
// Methods of the App (app.mjs adds them to its prototype).

import { fmt } from './ticks.mjs';
import { phiTransform, inv2, apply2 } from './linalg.mjs';
import { runColour } from './track.mjs';
import { Panel } from './panel.mjs';
import { CurvePlot } from './plots.mjs';
import { lossScale } from './curves.mjs';
import { finished } from './lesson.mjs';
import { endLabel, statusText, divergenceText, curvatureWords } from './runstatus.mjs';
import { DATA, $, optInfo } from './page.mjs';

const STATE_NAMES = { velocity: 'velocity v', lookahead: 'look-ahead θ+αv', s: 'first moment s', r: 'second moment r', eff_lr: 'effective rate ε/(δ+√r)', inv_hessian: 'H⁻¹ estimate', m: 'momentum m', ascent: 'ascent point θ+ρg/‖g‖', rect: 'rectification rₜ', ortho: 'orthogonalised step X' };
const stateName = (n) => STATE_NAMES[n] || n;

export const draw = {
  /**
   * fillHeight is the height panels fill in an embed (its iframe's), in
   * presentation mode (the screen below what is above them, less the
   * legend's lines) and for two stacked panels on a phone, else undefined.
   */
  fillHeight() {
    if (DATA.embed) return $('panels').clientHeight - 2;
    // A phone stacks two panels: flatter, so play stays on the first screen.
    if (!this.presenting && $('panels').dataset.mode !== 'single' && window.matchMedia('(max-width: 700px)').matches) return Math.round($('panels').clientWidth * 0.5);
    if (!this.presenting) return undefined;
    return innerHeight - ($('panels').getBoundingClientRect().top + scrollY) - $('legend').offsetHeight - 12;
  },

  /**
   * projectedGeometryNote answers an alt-click on a projected landscape: a
   * point of the plane has a Hessian of the model's full dimension, which
   * the 2-D read-out cannot show; the spectrum panel can.
   */
  projectedGeometryNote() {
    const dim = this.model?.plane?.dim;
    const box = $('geometry');
    box.textContent = `Local geometry needs the full Hessian${dim ? ` (${dim.toLocaleString('en')} × ${dim.toLocaleString('en')})` : ''}, not the plane's 2 × 2: ` +
      'see the spectrum panel for its top eigenvalues and density at θ₀ or at the current θ.';
    box.dataset.note = 'projected';
  },

  clearError() {
    $('error').hidden = true;
    $('expr-error').hidden = true;
    $('expr').classList.remove('bad');
  },

  showExprError(msg, offset) {
    const box = $('expr-error'), src = this.state.objective.expr || '';
    box.hidden = false;
    box.textContent = '';
    $('expr').classList.add('bad');
    if (Number.isInteger(offset) && offset >= 0) {
      const code = document.createElement('pre');
      code.className = 'expr-src';
      const at = Math.min(offset, src.length);
      const bad = document.createElement('span');
      bad.className = 'bad-char';
      bad.textContent = src.slice(at, at + 1) || ' ';
      code.append(src.slice(0, at), bad, src.slice(at + 1), '\n' + ' '.repeat(at) + '^');
      box.append(code);
      const inp = $('expr');
      if (document.activeElement === inp) inp.setSelectionRange(at, Math.min(at + 1, src.length));
    }
    const p = document.createElement('p');
    p.textContent = msg;
    box.append(p);
  },

  showDivergence() {
    const box = $('divergence');
    const lines = [];
    this.status.forEach((st, r) => {
      if (!st || st.status !== 'diverged') return;
      const spec = this.state.runs[r];
      const t = this.tracks[r];
      const k = st.k ?? t?.lastK;
      const loss = t && t.n ? t.loss[t.n - 1] : NaN;
      const why = this.whyDiverged(r);
      lines.push({ r, text: divergenceText(this.runName(r), st, k, loss), why, spec });
    });
    box.hidden = !lines.length;
    box.textContent = '';
    for (const l of lines) {
      const p = document.createElement('p');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = runColour(l.r);
      p.append(sw, l.text + ' ', Object.assign(document.createElement('em'), { textContent: l.why }));
      box.append(p);
    }
  },

  whyDiverged(r) {
    const spec = this.state.runs[r], g = this.startGeometry;
    const lr = spec.hyper.lr ?? optInfo(spec.optimizer)?.hyper.find((h) => h.name === 'lr')?.default;
    if (!g) return 'The step overshot the local curvature.';
    const lmax = g.eigenvalues[1], lmin = g.eigenvalues[0];
    if (lr != null && lmax > 0) {
      const bound = 2 / lmax;
      if (lr > bound) return `Why: ε = ${fmt(lr)} is above 2/λmax = ${fmt(bound)} for the curvature at the start (λmax = ${fmt(lmax)}), so each step overshoots along the steepest eigen-direction and grows.`;
      return `Why: ε = ${fmt(lr)} is below 2/λmax = ${fmt(bound)} at the start, but the curvature along the path grew (a cliff or a steeper wall) until ε·λ passed 2.`;
    }
    if (lmin < 0) return `Why: the Hessian has a negative eigenvalue (λmin = ${fmt(lmin)}); a Newton-type step moves towards the saddle or maximum and can jump far.`;
    return 'Why: the step overshot the local curvature.';
  },

  runName(r) {
    const s = this.state.runs[r];
    if (!s) return `run ${r}`;
    if (s.label) return s.label;
    const info = optInfo(s.optimizer);
    const lr = s.hyper.lr != null ? ` ε=${fmt(s.hyper.lr)}` : '';
    const clip = s.clip.norm ? ` clip ‖g‖≤${fmt(s.clip.norm)}` : s.clip.value ? ` clip |gᵢ|≤${fmt(s.clip.value)}` : '';
    return `${info ? info.name : s.optimizer}${lr}${clip}`;
  },

  showGeometry() {
    const box = $('geometry');
    const g = this.geometry || this.startGeometry;
    if (!g) { box.textContent = ''; return; }
    const [l1, l2] = g.eigenvalues;
    const where = this.geometry && this.geometry !== this.startGeometry ? `at (${fmt(g.xy[0])}, ${fmt(g.xy[1])})` : 'at the start';
    // The server caps κ at 10¹⁶ and says so (singular): a curvature of 0 is not a κ of 1e16.
    const kappa = g.condition == null ? '∞ (λmin = 0)' : g.singular ? `${fmt(g.condition)} (capped at 10¹⁶: singular)` : fmt(g.condition);
    box.textContent = `Hessian ${where}: λ₁ = ${fmt(l1)}, λ₂ = ${fmt(l2)}, condition number κ = ${kappa}` +
      curvatureWords(l1, l2) +
      (l2 > 0 ? ` · 2/λmax = ${fmt(2 / l2)}` : '');
  },

  setupPhi() {
    const g = this.startGeometry;
    const phi = this.panels.find((p) => p.opts.phi);
    if (!g || !phi) return;
    const A = phiTransform(g.eigenvalues, g.eigenvectors);
    // The model's minimum θ* = θ0 − |H|⁻¹ g (|H| so a saddle still has one).
    // |H|⁻¹ = Q |Λ|⁻¹ Qᵀ = (AᵀA)⁻¹.
    const AtA = [A[0] * A[0] + A[2] * A[2], A[0] * A[1] + A[2] * A[3], A[0] * A[1] + A[2] * A[3], A[1] * A[1] + A[3] * A[3]];
    const Hinv = inv2(AtA);
    let origin = g.xy;
    if (Hinv) {
      const d = apply2(Hinv, g.grad[0], g.grad[1]);
      origin = [g.xy[0] - d[0], g.xy[1] - d[1]];
    }
    phi.setPhi(A, origin, g.xy);
  },

  buildPanels() {
    const host = $('panels');
    host.textContent = '';
    const s = this.state;
    host.dataset.mode = s.mode;
    const n = s.runs.length;
    s.pair = s.pair.map((v) => Math.min(v, Math.max(0, n - 1)));
    if (s.mode === 'side') {
      this.panels = s.pair.map((r) => new Panel(this, host, { runs: [r], title: this.runName(r) }));
    } else if (s.mode === 'phi') {
      this.panels = [new Panel(this, host, { title: 'θ-space' }), new Panel(this, host, { phi: true, title: 'φ = |Λ|^½ Qᵀ(θ − θ*), Fig 8.7' })];
      this.setupPhi();
    } else if (s.mode === '3d' && this.surface) {
      this.panels = [this.surface.create(this, host)];
    } else {
      this.panels = [new Panel(this, host, {})];
      if (s.mode === '3d') this.load3D();
    }
    for (const p of this.panels) if (!p.is3d) this.wirePanel(p);
    $('pair').hidden = s.mode !== 'side';
    this.model?.decoratePanels();
    for (const [i, id] of [[0, 'pair-a'], [1, 'pair-b']]) {
      const sel = $(id);
      sel.textContent = '';
      s.runs.forEach((_, r) => sel.append(new Option(`${r + 1}: ${this.runName(r)}`, r, false, s.pair[i] === r)));
    }
    this.dirty = true;
  },

  buildLegend() {
    const box = $('legend');
    box.textContent = '';
    this.state.runs.forEach((_, r) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'legend-item' + (r === this.state.sel ? ' selected' : '');
      b.dataset.testid = 'legend-item';
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = runColour(r);
      const end = endLabel(this.status[r]);
      b.append(sw, this.runName(r) + (end ? ` — ${end}` : ''));
      b.title = 'select this run';
      b.onclick = () => this.select(r);
      box.append(b);
    });
  },

  setupPlots() {
    const all = (field) => () => this.tracks.map((t, r) => ({ track: t, field, colour: runColour(r) }));
    const hover = (k) => { if (k !== this.hoverK) { this.hoverK = k; this.dirty = this.plotsDirty = true; } };
    this.plots = [
      new CurvePlot($('plot-loss'), { series: all('loss'), scale: () => this.lossScaleShown(lossScale(this.state.logLoss, this.tracks)), onHover: hover }),
      new CurvePlot($('plot-grad'), { series: all('gn'), scale: () => (this.tracks.every((t) => !t.n || t.minGn > 0) ? 'log' : 'lin'), onHover: hover }),
      new CurvePlot($('plot-gthg'), {
        series: () => {
          const t = this.tracks[this.state.sel];
          if (!t) return [];
          if (!t.gtg || t.gtg.length < t.cap || t.gtgN !== t.n) {
            if (!t.gtg || t.gtg.length < t.cap) {
              // The track grew: keep the values already squared.
              const g = new Float64Array(t.cap);
              if (t.gtg) g.set(t.gtg.subarray(0, t.gtgN || 0));
              t.gtg = g;
            }
            for (let i = t.gtgN || 0; i < t.n; i++) t.gtg[i] = t.gn[i] * t.gn[i];
            t.gtgN = t.n;
          }
          return [{ track: t, field: 'gtg', colour: runColour(this.state.sel) }, { track: t, field: 'gthg', colour: '#ff4081', dash: [4, 3] }];
        },
        scale: () => 'symlog', onHover: hover,
      }),
    ];
  },

  // lossScaleShown says beside the log box when it draws symlog (losses < 0).
  lossScaleShown(kind) {
    if (kind !== this.lossKind) {
      const box = $('log-loss').parentElement, note = box.lastChild;
      this.lossKind = box.dataset.scale = kind;
      if (note?.nodeType === 3) note.textContent = kind === 'symlog' ? ' log scale (symlog: J < 0)' : ' log scale';
      box.title = kind === 'symlog' ? 'some losses are negative: sign(J)·log₁₀(1 + |J|)' : '';
    }
    return kind;
  },

  frame() {
    requestAnimationFrame(() => this.frame());
    const k = this.currentK();
    if (k !== this.shownK) {
      this.shownK = k;
      $('k').textContent = String(k);
      const clips = this.tracks.reduce((a, t) => a + t.clips, 0);
      $('clips').textContent = clips ? `· ${clips} clipped` : '';
      this.saveK();
    }
    this.maybeGeometry(k);
    const done = finished(this.status, this.state.runs.length);
    this.script.update(k, done);
    if (done && this.playing) { this.playing = false; this.syncPlay(); } // every run ended: nothing left to play
    if (!this.dirty && !this.plotsDirty) return;
    const t0 = performance.now();
    // Reduced motion (a11y.mjs): while playing, the figure moves in steps
    // about twice a second instead of every display frame.
    const hold = this.reducedMotion && this.playing && t0 - (this.motionTime || 0) < 500;
    if (hold) return;
    this.redraw();
    const dt = performance.now() - t0;
    this.frameTimes.push(dt);
    if (this.frameTimes.length > 2000) this.frameTimes.splice(0, 1000);
  },

  /**
   * redraw draws what changed since the last display frame: the panels,
   * and the side plots and read-out (plots.mjs keeps this under a few ms
   * with 8 runs × 10 000 steps, so they follow every frame).
   */
  redraw() {
    if (this.dirty) { this.motionTime = performance.now(); for (const p of this.panels) p.draw(); }
    if (this.plotsDirty) {
      for (const pl of this.plots) pl.draw(this.hoverK);
      this.readout();
      this.plotsDirty = false;
    }
    this.dirty = false;
  },

  // The eigen overlay follows the selected run, at most ~4 times a second.
  maybeGeometry(k) {
    if (!(this.state.eigen || this.state.quad || this.state.overlays?.includes('inv_hessian')) || this.pendingGeometry.length || this.projected()) return;
    if (this.lastGeomK === k && this.lastGeomSel === this.state.sel) return;
    const now = performance.now();
    if (this.lastGeomTime && now - this.lastGeomTime < 250) return;
    const t = this.tracks[this.state.sel];
    if (!t || !t.n) return;
    this.lastGeomTime = now; this.lastGeomK = k; this.lastGeomSel = this.state.sel;
    this.requestGeometry({ run: this.state.sel, at: undefined }, 'run');
  },

  readout() {
    const box = $('readout'), r = this.state.sel, p = this.full[r], t = this.tracks[r];
    // A hover redraws the plots, not the read-out: rebuild it only when it changes.
    const key = [t, t?.n, p, this.status[r]?.status, this.runName(r)];
    if (this.readoutKey && key.every((v, i) => v === this.readoutKey[i])) return;
    this.readoutKey = key;
    box.textContent = '';
    if (!t || !t.n) return;
    const i = t.n - 1;
    const vec = (v) => (v ? `(${v.map((x) => fmt(x)).join(', ')})` : '–');
    const rows = [
      ['run', this.runName(r)],
      ['k', String(t.k[i])],
      // A projected model's point is drawn on the plane: say so, it is not θ.
      this.projected() ? ['(α, β) on the plane', vec([t.x[i], t.y[i]])] : ['θ', vec([t.x[i], t.y[i]])],
      ['J(θ)', fmt(t.loss[i])],
      // The heat map under a projected point is the plane's loss at (α, β),
      // not J(θ): θ has left the plane wherever the two differ.
      ...(this.projected() ? [['colour under the point', 'the plane’s loss at (α, β), not J(θ): they differ where θ is off the plane (“fidelity” compares them)']] : []),
      ['g', p && p.k === t.k[i] ? vec(p.grad) : '–'],
      ['‖g‖', fmt(t.gn[i])],
      ['update Δθ', p && p.k === t.k[i] ? vec(p.update) : '–'],
    ];
    if (p?.lr) rows.push(['ε (this step)', fmt(p.lr)]);
    if (p?.evals > 1) rows.push(['evaluations (this step)', String(p.evals)]); // SAM's two gradients, a line search's trials
    if (p?.clipped) rows.push(['clipped', `raw ‖g‖ = ${fmt(Math.hypot(...p.raw_grad))} → ${vec(p.used_grad)}`]);
    if (Number.isFinite(t.gthg[i])) rows.push(['gᵀHg', fmt(t.gthg[i])]);
    for (const [name, v] of Object.entries(p?.state || {})) rows.push([stateName(name), vec(v)]);
    const st = this.status[r];
    if (st && st.status !== 'running') rows.push(['status', statusText(st)]);
    const dl = document.createElement('dl');
    for (const [a, b] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = a;
      const dd = document.createElement('dd');
      dd.textContent = b;
      dl.append(dt, dd);
    }
    box.append(dl);
  },

  resize() {
    for (const p of this.panels) p.resize();
    for (const pl of this.plots) pl.resize();
    this.dirty = this.plotsDirty = true;
  },
};

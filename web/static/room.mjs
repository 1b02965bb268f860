// Classroom broadcast (docs/API.md, "Rooms"): the teacher's page opens a
// room and shows its code and QR code; a student's page follows the room
// (its session gets every message the teacher's does), can explore on its
// own (fork) and follow again. Loaded with import() when a room is first
// used: the classroom button, a ?room= link (/r/CODE), or a teacher's page
// coming back (sessionStorage holds the driver's code and token).

import { DATA, $ } from './page.mjs';
import { decodeState, encodeState } from './urlstate.mjs';
import { Track } from './track.mjs';

const KEY = 'saddle-room'; // sessionStorage: {code, token} of the room this tab drives

/** installRoom gives the app its room (app.room); the session's hooks call it. */
export function installRoom(app) {
  if (app.room) return app.room;
  if (!document.querySelector('link[data-room-css]')) {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = `${DATA.base}/static/room.css`;
    css.dataset.roomCss = '';
    document.head.append(css);
  }
  app.room = new Room(app);
  return app.room;
}

/** joinPath is the join link's path of a typed code (the server checks it). */
export function joinPath(typed) {
  return `${DATA.base}/r/${encodeURIComponent(typed.trim().toUpperCase().replace(/[\s_]+/g, '-'))}`;
}

/** withoutK is a page state's query without the step (the room says it). */
export function withoutK(q) {
  const p = new URLSearchParams(q);
  p.delete('k');
  return p.toString();
}

class Room {
  constructor(app) {
    this.app = app;
    this.driver = JSON.parse(sessionStorage.getItem(KEY) || 'null'); // {code, token}
    this.code = this.driver?.code || new URLSearchParams(location.search).get('room') || '';
    this.role = ''; // driver | follower | forked, once the server says so
    this.followers = 0;
    this.state = '';
    this.reason = '';
    this.sentQ = null;
    this.panel = document.createElement('aside');
    this.panel.id = 'room-panel';
    this.panel.dataset.testid = 'room-panel';
    this.panel.setAttribute('aria-live', 'polite');
    this.panel.hidden = true;
    document.body.append(this.panel);
  }

  /** following: the page shows the room's scene and drives nothing (also while it joins). */
  get following() { return this.role === 'follower' || (!this.role && !!this.code && !this.driver); }

  /** onOpen runs when the session opens; true: the page must not start a scene of its own. */
  onOpen() {
    if (this.driver) {
      // Take the room back; the page then starts its scene again (restart), which the room records.
      this.app.send({ type: 'room_open', code: this.driver.code, token: this.driver.token });
      this.sentQ = null;
      return false;
    }
    if (this.code && this.role !== 'forked') {
      this.role = '';
      this.app.send({ type: 'room_join', code: this.code });
      return true;
    }
    return false;
  }

  /** open makes this page the driver of a new room. */
  open() {
    if (this.driver || this.following) return;
    this.app.send({ type: 'room_open' });
  }

  close() { this.app.send({ type: 'room_close' }); }
  fork() { this.app.send({ type: 'fork' }); }
  follow() { this.app.send({ type: 'follow' }); }

  /** stateChanged sends the driver's page state when it changes (app.saveURL calls it). */
  stateChanged() {
    if (this.role !== 'driver') return;
    let q = withoutK(encodeState(this.app.state));
    if (DATA.lesson && !DATA.embed) q += (q ? '&' : '') + 'lesson=' + encodeURIComponent(DATA.lesson.id); // students open the lesson too
    if (q === this.sentQ) return;
    this.sentQ = q;
    this.app.send({ type: 'room_state', q });
  }

  onMessage(m) {
    const app = this.app;
    switch (m.type) {
      case 'room': this.onRoom(m); break;
      case 'room_state': if (this.role === 'follower') this.applyState(m.q); break;
      case 'frame':
        if (!this.role || this.role === 'driver') break;
        // A path starts afresh at k = 0 (the room's start or reset, a fork's replay, a follow's catch-up).
        for (const p of m.points) {
          if (p.k === 0 || !app.tracks[p.run]) { app.tracks[p.run] = new Track(); app.full[p.run] = undefined; app.status[p.run] = undefined; }
        }
        break;
      case 'error':
        if (this.role === 'follower' && m.field === 'type') {
          // A refused play or pause changed nothing: the button says what the room does.
          app.playing = app.session === 'running';
          app.syncPlay();
        }
        if (m.field === 'code' && this.driver && !this.role) { // the room to take back has ended
          sessionStorage.removeItem(KEY);
          this.driver = null;
          this.code = '';
        }
        break;
    }
  }

  onRoom(m) {
    const wasFollowing = this.role === 'follower';
    this.code = m.code;
    this.followers = m.followers;
    this.state = m.state;
    this.reason = m.reason || '';
    if (m.token) {
      this.driver = { code: m.code, token: m.token };
      sessionStorage.setItem(KEY, JSON.stringify(this.driver));
    }
    const fresh = m.role === 'driver' && this.role !== 'driver';
    this.role = m.state === 'closed' ? '' : m.role;
    if (m.state === 'closed') {
      if (this.driver) sessionStorage.removeItem(KEY);
      this.driver = null;
      this.code = '';
      this.ended = this.reason || 'the room has ended';
      const q = new URLSearchParams(location.search);
      if (q.has('room')) { q.delete('room'); history.replaceState(null, '', '?' + q); }
      // A student keeps the scene: it carries on in the page's own session.
      if (wasFollowing || m.role === 'follower') { this.app.replayTo = this.app.currentK(); this.app.restart(); }
    } else if (fresh) {
      // The room records from the scene's start: replay to where the page is.
      this.app.replayTo = this.app.currentK();
      this.app.restart();
      this.stateChanged();
    } else if (m.role === 'forked') {
      this.app.replayUntil = 0;
    }
    this.render();
  }

  /** applyState shows the driver's page state (its URL query) as this page's. */
  applyState(q) {
    const app = this.app;
    // A lesson's room: follow it on the lesson's page (its cues and text).
    const lesson = new URLSearchParams(q).get('lesson') || '';
    if (!DATA.embed && lesson !== (DATA.lesson?.id || '')) {
      location.assign(`${DATA.base}${lesson ? '/lessons/' + encodeURIComponent(lesson) : '/'}?room=${encodeURIComponent(this.code)}`);
      return;
    }
    const st = decodeState('?' + q);
    st.k = app.state.k;
    app.state = st;
    app.needModel();
    app.syncControls();
    app.tracks.length = Math.min(app.tracks.length, st.runs.length);
    for (let i = 0; i < st.runs.length; i++) app.tracks[i] ||= new Track();
    app.buildPanels();
    app.buildLegend();
    app.dirty = app.plotsDirty = true;
    app.saveURL();
  }

  render() {
    const p = this.panel;
    p.replaceChildren();
    p.hidden = false;
    p.dataset.role = this.role || (this.ended ? 'ended' : 'joining');
    const el = (tag, props = {}, ...kids) => { const e = Object.assign(document.createElement(tag), props); e.append(...kids); return e; };
    const button = (text, testid, onclick) => { const b = el('button', { type: 'button', textContent: text, onclick }); b.dataset.testid = testid; return b; };
    if (this.role === 'driver') {
      const url = `${location.host}${DATA.base}/r/${this.code}`;
      const qr = el('img', { src: `${DATA.base}/r/${this.code}/qr.png`, alt: `QR code of ${url}`, className: 'room-qr', width: 512, height: 512 });
      const code = el('div', { className: 'room-code', textContent: this.code });
      code.dataset.testid = 'room-code';
      const count = el('div', { className: 'room-count', textContent: `${this.followers} following` });
      count.dataset.testid = 'room-followers';
      const away = this.state === 'teacher_away' ? el('div', { textContent: this.reason }) : '';
      p.append(el('div', { className: 'room-head', textContent: 'Join at' }), el('div', { className: 'room-url', textContent: url }), code, qr, count, away,
        el('div', { className: 'room-actions' }, button(p.classList.contains('small') ? 'show code' : 'hide code', 'room-hide', () => { p.classList.toggle('small'); this.render(); }),
          button('end the room', 'room-end', () => this.close())));
    } else if (this.role === 'follower') {
      const st = this.state === 'teacher_away' ? ` — ${this.reason}` : '';
      p.append(el('span', { textContent: `Following room ${this.code}: the teacher drives${st}. ` }),
        button('explore on my own', 'room-fork', () => this.fork()));
    } else if (this.role === 'forked') {
      p.append(el('span', { textContent: `Exploring on your own (room ${this.code}). ` }),
        button('follow the teacher again', 'room-follow', () => this.follow()));
    } else if (this.ended) {
      p.append(el('span', { textContent: `${this.ended}. The scene is yours now.` }), button('close', 'room-dismiss', () => { p.hidden = true; }));
    } else {
      p.append(el('span', { textContent: `Joining room ${this.code}…` }));
    }
  }
}

/** classroomDialog is the header's classroom menu: broadcast this scene, or join a room by its code. */
export function classroomDialog(app) {
  let d = $('room-dialog');
  if (d) return d;
  d = document.createElement('dialog');
  d.id = 'room-dialog';
  const room = app.room;
  d.innerHTML = `<form method="dialog">
    <h2>Classroom</h2>
    <p><button type="button" data-testid="room-broadcast" id="room-broadcast">broadcast this scene</button>
      <span class="hint">students see what you do, live</span></p>
    <p><label>join a room <input id="room-code-input" data-testid="room-code-input" placeholder="K7F-2QD-XM4" autocomplete="off" spellcheck="false" size="12"></label>
      <button type="button" id="room-join" data-testid="room-join">join</button></p>
    <p><button value="cancel">close</button></p></form>`;
  document.body.append(d);
  d.querySelector('#room-broadcast').onclick = () => { room.open(); d.close(); };
  const join = () => { const v = d.querySelector('#room-code-input').value; if (v.trim()) location.assign(joinPath(v)); };
  d.querySelector('#room-join').onclick = join;
  d.querySelector('#room-code-input').onkeydown = (e) => { if (e.key === 'Enter') { e.preventDefault(); join(); } };
  return d;
}

/*
 * <hourglass-sql-editor>: a small SQL / PL/pgSQL editor for Hourglass, written without a build
 * step because the app runs on Vaadin's pre-built production bundle (no npm packages, no
 * @JsModule). The server side is dev.hourglass.ui.editor.SqlEditor.
 *
 * Technique: a transparent <textarea> (does the editing, caret, selection, undo, IME) lies exactly
 * over a <pre> that shows the same text highlighted. Both use the same font metrics and no
 * wrapping; the <pre> and the line-number gutter follow the textarea's scroll position. The whole
 * text is tokenized on every edit (a few ms for 2,000 lines), but only the lines in view, plus a
 * margin, become DOM: parsing and laying out 20,000 spans would cost far more than tokenizing.
 *
 * API: property `value`; attributes/properties `readonly`, `disabled`; attributes `error-line`,
 * `error-column` (1-based, in characters as PostgreSQL counts them) and `error-message`.
 * Events on the host: `value-changed` (detail.value) on every edit, `change` when an edited value
 * is committed (the textarea lost focus), like a native input.
 */
(() => {
  if (customElements.get('hourglass-sql-editor')) return;

  const KEYWORDS = new Set(`
    abort absolute access action add after aggregate all alter analyze and any array as asc assert
    atomic authorization before begin between by call called cascade case cast check close cluster
    collate column comment commit concurrently conflict constant constraint continue copy cost create
    cross current_date current_role current_time current_timestamp current_user cursor database
    deallocate debug declare default deferrable deferred definer delete desc diagnostics distinct do
    domain drop each else elseif elsif end enum escape except exception exclude execute exists exit
    explain extension false fetch filter first following for foreach foreign format found from full
    function get grant group having if ilike immutable in index info inherits inner inout insert
    instead intersect into invoker is join key language last lateral leakproof left like limit listen
    local lock log loop materialized merge move next no not nothing notice notify nowait null nulls
    of off offset on only open or order out outer over overriding owned owner parallel partition
    perform policy preceding primary prior procedure public query raise range recursive references
    refresh reindex relative release rename repeatable replace reset restrict return returning
    returns reverse revoke right role rollback routine row rows rule savepoint schema security select
    sequence session_user set setof share show similar skip some sql stable statement strict table
    tablespace temp temporary then ties to transaction trigger true truncate type unbounded union
    unique unlogged until update user using vacuum values variadic verbose view volatile warning when
    where while window with within without
    bigint bigserial bit boolean bool bytea char character date decimal double float int integer
    interval json jsonb numeric plpgsql precision real record regclass serial smallint text time
    timestamp timestamptz tsrange uuid varchar varying void zone`.split(/\s+/).filter(Boolean));

  // One alternative per token kind; the text between matches is operators, punctuation and space.
  // 1 line comment, 2 block comment start, 3 E'' string, 4 '' string, 5 "identifier",
  // 6 $tag$ dollar quote, 7 $1 parameter, 8 number, 9 word.
  const TOKEN = new RegExp(
    [
      /(--[^\n]*)/, /(\/\*)/, /([eE]'(?:\\[\s\S]|''|[^'\\])*'?)/, /('(?:''|[^'])*'?)/,
      /("(?:""|[^"])*"?)/, /(\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$)/, /(\$\d+)/,
      /((?:\d+(?:\.(?!\.)\d*)?|(?<!\.)\.\d+)(?:[eE][+-]?\d+)?)/, /([A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)/,
    ].map((r) => r.source).join('|'),
    'g'
  );
  const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
  // Most pieces need no escaping; indexOf is much cheaper than a replace per token.
  const esc = (s) =>
    s.indexOf('<') < 0 && s.indexOf('&') < 0 && s.indexOf('>') < 0 ? s : s.replace(/[&<>]/g, (c) => ESCAPES[c]);
  // A token that spans lines is closed and reopened at each newline, so the HTML splits into lines.
  const span = (cls, s) => {
    const open = '<span class="' + cls + '">';
    const html = esc(s);
    return open + (html.indexOf('\n') < 0 ? html : html.split('\n').join('</span>\n' + open)) + '</span>';
  };

  /** PostgreSQL block comments nest; returns the index after the matching close (or the end). */
  function blockCommentEnd(text, from) {
    let depth = 1;
    let i = from;
    while (depth > 0) {
      const close = text.indexOf('*/', i);
      if (close < 0) return text.length;
      const open = text.indexOf('/*', i);
      if (open >= 0 && open < close) { depth++; i = open + 2; } else { depth--; i = close + 2; }
    }
    return i;
  }

  /**
   * Highlighted HTML for `text`; its textContent is exactly `text`, and splitting it at '\n' gives
   * well-formed HTML per line (no element spans a newline). A dollar-quoted block right
   * after AS or DO is a routine body and is highlighted as code; any other is a string literal.
   */
  function highlight(text) {
    let html = '';
    let last = 0;
    let prev = '';
    let m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      const start = m.index;
      let end = TOKEN.lastIndex;
      if (start > last) {
        const gap = text.slice(last, start);
        html += esc(gap);
        if (prev && gap.trim()) prev = '';
      }
      if (m[1] !== undefined) {
        html += span('com', m[1]);
      } else if (m[2] !== undefined) {
        end = blockCommentEnd(text, end);
        html += span('com', text.slice(start, end));
      } else if (m[6] !== undefined) {
        const tag = m[6];
        const close = text.indexOf(tag, end);
        const bodyEnd = close < 0 ? text.length : close;
        if (prev === 'as' || prev === 'do') {
          html += span('str', tag) + highlight(text.slice(end, bodyEnd));
          if (close >= 0) html += span('str', tag);
        } else {
          html += span('str', text.slice(start, close < 0 ? text.length : close + tag.length));
        }
        end = close < 0 ? text.length : close + tag.length;
        prev = '';
      } else {
        const word = m[9];
        if (word !== undefined) {
          prev = word.toLowerCase();
          html += KEYWORDS.has(prev) ? '<span class="kw">' + word + '</span>' : word;
        } else {
          prev = '';
          if (m[5] !== undefined) html += span('id', m[5]);
          else if (m[7] !== undefined || m[8] !== undefined) html += '<span class="num">' + m[0] + '</span>';
          else html += span('str', m[0]);
        }
      }
      last = end;
      TOKEN.lastIndex = end; // also undoes what a nested highlight() did to the shared regex
    }
    return html + esc(text.slice(last));
  }

  const template = document.createElement('template');
  template.innerHTML = `<style>
  :host { display: flex; flex-direction: column; height: 18em; min-height: 5em; box-sizing: border-box;
    border: 1px solid var(--lumo-contrast-20pct, #d0d5dd); border-radius: var(--lumo-border-radius-m, 4px);
    background: var(--lumo-base-color, #fff); color: var(--lumo-body-text-color, #1f2937); overflow: hidden;
    font-size: var(--lumo-font-size-s, 14px); }
  :host([hidden]) { display: none !important; }
  :host(:focus-within) { border-color: var(--lumo-primary-color-50pct, #6a9be8); }
  :host([readonly]) { border-style: dashed; }
  :host([disabled]) { opacity: .6; }
  .editor { position: relative; flex: 1 1 auto; min-height: 0; display: flex; line-height: 1.5; tab-size: 2;
    font-family: var(--hourglass-sql-font, ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace);
    font-variant-ligatures: none; letter-spacing: 0; }
  .gutter { position: relative; flex: none; overflow: hidden; box-sizing: border-box; margin: 0;
    padding: .5em .6em 4em .8em; min-width: calc(var(--digits, 2) * 1ch + 1.4em); text-align: right; white-space: pre;
    font: inherit; color: var(--lumo-tertiary-text-color, #8a94a6); background: var(--lumo-contrast-5pct, #f3f5f7);
    user-select: none; }
  .code { position: relative; flex: 1 1 auto; min-width: 0; }
  pre, textarea { position: absolute; inset: 0; width: 100%; height: 100%; box-sizing: border-box; margin: 0; border: 0;
    padding: .5em .75em; font: inherit; line-height: inherit; letter-spacing: inherit; tab-size: inherit;
    white-space: pre; overflow-wrap: normal; word-break: normal; }
  pre { overflow: hidden; pointer-events: none; }
  .layer { position: relative; will-change: transform; }
  code { display: block; position: relative; top: calc(var(--first, 0) * 1.5em); font: inherit; }
  textarea { z-index: 1; resize: none; outline: none; overflow: auto; background: transparent; color: transparent;
    caret-color: var(--lumo-body-text-color, #1f2937); }
  textarea::selection { color: transparent; background: var(--lumo-primary-color-10pct, rgba(26, 115, 232, .15)); }
  :host([readonly]) textarea { caret-color: transparent; }
  .band { position: absolute; display: none; left: -1em; width: calc(100% + 8000px); height: 1.5em;
    top: calc(var(--error-line, 0) * 1.5em); background: var(--lumo-error-color-10pct, rgba(231, 24, 24, .1)); }
  .gutter .band { left: 0; width: 100%; top: calc(.5em + var(--error-line, 0) * 1.5em); }
  .mark { position: absolute; display: none; width: 1ch; height: 2px; top: calc(var(--error-line, 0) * 1.5em + 1.35em);
    left: calc(var(--error-column, 0) * 1ch); background: var(--lumo-error-color, #e5383b); }
  .has-error .band, .has-error .mark { display: block; }
  .gutter .line-no { position: relative; }
  .msg { flex: none; padding: .3em .75em; white-space: pre-wrap; font-family: var(--lumo-font-family, sans-serif);
    color: var(--lumo-error-text-color, #c2191c); background: var(--lumo-error-color-10pct, rgba(231, 24, 24, .1));
    border-top: 1px solid var(--lumo-contrast-10pct, #e5e7eb); }
  .msg[hidden] { display: none; }
  .kw { color: var(--lumo-primary-text-color, #1a5fb4); }
  .str { color: var(--lumo-success-text-color, #1b7f43); }
  .com { color: var(--lumo-secondary-text-color, #6b7280); }
  .num { color: var(--lumo-warning-text-color, #9a5b00); }
  .id { background: var(--lumo-contrast-5pct, #f3f5f7); }
  </style><div class="editor" part="editor"><div class="gutter" part="gutter" aria-hidden="true"><div class="band"></div><span class="line-no"></span></div><div class="code"><pre aria-hidden="true"><div class="layer"><div class="band"></div><div class="mark"></div><code></code></div></pre><textarea spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off"></textarea></div></div><div class="msg" part="message" role="alert" hidden></div>`;

  class HourglassSqlEditor extends HTMLElement {
    static get observedAttributes() {
      return ['readonly', 'disabled', 'error-line', 'error-column', 'error-message', 'aria-label'];
    }

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open', delegatesFocus: true });
      root.appendChild(template.content.cloneNode(true));
      this._editor = root.querySelector('.editor');
      this._gutter = root.querySelector('.gutter');
      this._lineNumbers = root.querySelector('.line-no');
      this._pre = root.querySelector('pre');
      this._layer = root.querySelector('.layer');
      this._code = root.querySelector('code');
      this._lines = [''];
      this._textarea = root.querySelector('textarea');
      this._message = root.querySelector('.msg');
      this._lineCount = 0;
      this._textarea.addEventListener('input', () => this._edited());
      this._textarea.addEventListener('scroll', () => this._paint());
      // Showing, attaching or resizing the editor changes which lines are in view.
      new ResizeObserver(() => this._paint(true)).observe(this._textarea);
      this._textarea.addEventListener('keydown', (e) => this._keydown(e));
      // A native change event does not leave the shadow root: re-fire it on the host.
      this._textarea.addEventListener('change', () => this.dispatchEvent(new Event('change', { bubbles: true })));
      // Properties set before this script was loaded (e.g. by Vaadin) shadow the accessors: replay them.
      for (const name of ['value', 'readonly', 'readOnly', 'disabled']) {
        if (Object.prototype.hasOwnProperty.call(this, name)) {
          const v = this[name];
          delete this[name];
          this[name] = v;
        }
      }
      this._render();
    }

    connectedCallback() {
      if (this.hasAttribute('error-line')) requestAnimationFrame(() => this._revealError());
    }

    get value() { return this._textarea.value; }
    set value(v) {
      const text = v == null ? '' : String(v);
      if (text === this._textarea.value) return;
      this._textarea.value = text;
      this._render();
    }

    get readonly() { return this.hasAttribute('readonly'); }
    set readonly(v) { this.toggleAttribute('readonly', !!v); }
    get readOnly() { return this.readonly; }
    set readOnly(v) { this.readonly = v; }
    get disabled() { return this.hasAttribute('disabled'); }
    set disabled(v) { this.toggleAttribute('disabled', !!v); }

    attributeChangedCallback(name, old, value) {
      if (name === 'readonly') this._textarea.readOnly = value !== null;
      else if (name === 'disabled') this._textarea.disabled = value !== null;
      else if (name === 'aria-label') this._textarea.setAttribute('aria-label', value || '');
      else {
        this._renderError();
        if (name === 'error-line' && value !== null && this.isConnected) this._revealError();
      }
    }

    _edited() {
      this._render();
      this.dispatchEvent(new CustomEvent('value-changed', { detail: { value: this.value } }));
    }

    /** Re-highlights the whole text; cheap enough per keystroke (see SqlEditorScriptIT). */
    _render() {
      const text = this._textarea.value;
      this._lines = highlight(text).split('\n');
      const lines = this._lines.length;
      if (lines !== this._lineCount) {
        this._lineCount = lines;
        let numbers = '1';
        for (let n = 2; n <= lines; n++) numbers += '\n' + n;
        this._lineNumbers.textContent = numbers;
        this._editor.style.setProperty('--digits', String(lines).length);
      }
      if (this.hasAttribute('error-line')) this._renderError(); // the column depends on the text
      this._paint(true);
    }

    /** Puts the lines in view (and a margin) into the <pre> and aligns them with the textarea. */
    _paint(changed) {
      const ta = this._textarea;
      const { scrollTop, scrollLeft } = ta;
      const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 20;
      const first = Math.max(0, Math.floor(scrollTop / lineHeight) - 20);
      const last = Math.min(this._lines.length, first + Math.ceil(ta.clientHeight / lineHeight) + 40);
      if (changed || first !== this._first || last !== this._last) {
        this._first = first;
        this._last = last;
        // A final newline is swallowed by <pre>; one more keeps an empty last line in place.
        this._code.innerHTML = this._lines.slice(first, last).join('\n') + '\n';
        this._layer.style.setProperty('--first', first);
      }
      this._layer.style.transform = `translate(${-scrollLeft}px, ${-scrollTop}px)`;
      this._gutter.scrollTop = scrollTop;
    }

    /** The error position as [line, column], 1-based, or null when no (valid) error-line is set. */
    _errorPosition() {
      const line = parseInt(this.getAttribute('error-line'), 10);
      if (!(line >= 1)) return null;
      const column = parseInt(this.getAttribute('error-column'), 10);
      return [line, column >= 1 ? column : 1];
    }

    _renderError() {
      const position = this._errorPosition();
      const message = this.getAttribute('error-message');
      this._editor.classList.toggle('has-error', position !== null);
      if (position) {
        const [line, column] = position;
        const text = this._lineText(line);
        // Columns count characters (code points), but a tab occupies two cells on screen.
        let cells = 0;
        for (const ch of [...text].slice(0, column - 1)) cells = ch === '\t' ? cells + 2 - (cells % 2) : cells + 1;
        this._editor.style.setProperty('--error-line', line - 1);
        this._editor.style.setProperty('--error-column', cells);
      }
      const where = position ? `Line ${position[0]}, column ${position[1]}` : '';
      const shown = [where, message || ''].filter(Boolean).join(': ');
      this._message.textContent = shown;
      this._message.hidden = !shown;
    }

    /** Index where 1-based `line` starts in the value, or -1 past the last line. */
    _lineStart(line) {
      const text = this._textarea.value;
      let start = 0;
      for (let n = 1; n < line && start >= 0; n++) start = text.indexOf('\n', start) + 1 || -1;
      return start;
    }

    _lineText(line) {
      const text = this._textarea.value;
      const start = this._lineStart(line);
      if (start < 0) return '';
      const end = text.indexOf('\n', start);
      return text.slice(start, end < 0 ? text.length : end);
    }

    /** Scrolls the error line (and column) into view and puts the caret there. */
    _revealError() {
      const position = this._errorPosition();
      if (!position) return;
      const ta = this._textarea;
      const mark = this._pre.querySelector('.mark');
      const y = mark.offsetTop;
      const x = mark.offsetLeft;
      const lineHeight = this._pre.querySelector('.band').offsetHeight || 20;
      if (y - lineHeight < ta.scrollTop || y + lineHeight > ta.scrollTop + ta.clientHeight) {
        ta.scrollTop = Math.max(0, y - ta.clientHeight / 3);
      }
      if (x < ta.scrollLeft || x + 20 > ta.scrollLeft + ta.clientWidth) ta.scrollLeft = Math.max(0, x - ta.clientWidth / 2);
      const [line, column] = position;
      const start = this._lineStart(line);
      const offset = start < 0 ? ta.value.length : start + [...this._lineText(line)].slice(0, column - 1).join('').length;
      ta.setSelectionRange(offset, offset);
      this._paint();
      this.scrollIntoView({ block: 'nearest' });
    }

    _keydown(e) {
      if (this.readonly || this.disabled || e.ctrlKey || e.altKey || e.metaKey || e.isComposing) return;
      if (e.key === 'Escape') {
        this._tabLeaves = true; // keyboard users: Escape, then Tab moves focus on
        return;
      }
      const leave = this._tabLeaves;
      this._tabLeaves = false;
      if (e.key === 'Tab' && !leave) {
        e.preventDefault();
        this._indent(e.shiftKey);
      } else if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        const ta = this._textarea;
        const lineStart = ta.value.lastIndexOf('\n', ta.selectionStart - 1) + 1;
        const indent = /^[ \t]*/.exec(ta.value.slice(lineStart, ta.selectionStart))[0];
        this._replace(ta.selectionStart, ta.selectionEnd, '\n' + indent);
      }
    }

    /** Tab inserts two spaces; with several lines selected, or with Shift, it (out)dents the lines. */
    _indent(out) {
      const ta = this._textarea;
      const { selectionStart: s, selectionEnd: e, value } = ta;
      const multiLine = value.slice(s, e).includes('\n');
      if (!out && !multiLine) {
        this._replace(s, e, '  ');
        return;
      }
      const from = value.lastIndexOf('\n', s - 1) + 1;
      const lines = value.slice(from, e).split('\n');
      const changed = lines.map((l) => (out ? l.replace(/^( {1,2}|\t)/, '') : '  ' + l)).join('\n');
      this._replace(from, e, changed);
      ta.setSelectionRange(from, from + changed.length);
    }

    /** Replaces a range as if typed, so the browser's undo history keeps working. */
    _replace(start, end, text) {
      const ta = this._textarea;
      ta.focus();
      ta.setSelectionRange(start, end);
      if (!document.execCommand('insertText', false, text)) {
        ta.setRangeText(text, start, end, 'end');
        ta.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }
    }
  }

  HourglassSqlEditor.highlight = highlight; // for tests and for measuring
  customElements.define('hourglass-sql-editor', HourglassSqlEditor);
})();

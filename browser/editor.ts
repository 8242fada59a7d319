// The service editor, enhanced: the plain textarea (which works without script and still carries the text when
// the form is sent) becomes a JSON editor with completion and hover from the card's schema, the desk's own
// Persian problems with line and column as the author types, and the citizen's card and form beside it.
import { autocompletion } from '@codemirror/autocomplete';
import { json, jsonLanguage } from '@codemirror/lang-json';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorSelection } from '@codemirror/state';
import { hoverTooltip, keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { basicSetup, EditorView } from 'codemirror';
import { jsonCompletion, jsonSchemaHover, stateExtensions } from 'codemirror-json-schema';
import schema from '../service-catalog/schema/service.schema.json';
import { enhanceConditionalForms } from './conditional-form';

interface Problem {
  line: number;
  column: number;
  /** the line and column in words, in the page's language and digits */
  position: string;
  message: string;
}

interface CheckAnswer {
  problems: Problem[];
  status: string;
  card?: string;
  form?: string;
}

const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector);

/** The document offset of a line and column the server gave (both from 1), kept inside the text. */
function offsetOf(view: EditorView, line: number, column: number): number {
  const doc = view.state.doc;
  const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(at.from + Math.max(column - 1, 0), at.to);
}

function goTo(view: EditorView, line: number, column: number): void {
  const pos = offsetOf(view, line, column);
  view.dispatch({ selection: EditorSelection.cursor(pos), effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
  view.focus();
}

function problemItem(view: EditorView, problem: Problem): HTMLLIElement {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = '#definition';
  link.textContent = problem.position;
  link.addEventListener('click', (event) => {
    event.preventDefault();
    goTo(view, problem.line, problem.column);
  });
  item.append(link, ` — ${problem.message}`);
  return item;
}

function enhance(textarea: HTMLTextAreaElement): void {
  const form = textarea.form!;
  const csrf = form.querySelector<HTMLInputElement>('input[name=_csrf]')?.value ?? '';
  const pane = $<HTMLElement>('#live-preview');
  const status = $<HTMLElement>('#live-status');
  const label = document.querySelector(`label[for=${textarea.id}]`)?.textContent ?? '';
  const words = (key: string) => pane?.getAttribute(`data-${key}`) ?? '';

  /** Asks the desk to check the text; shows the card and form when it is valid. */
  const check = async (view: EditorView): Promise<Diagnostic[]> => {
    if (!pane) return [];
    status!.textContent = words('checking');
    const body = new URLSearchParams({ _csrf: csrf, definition: view.state.doc.toString(), id: textarea.dataset.serviceId ?? '' });
    let answer: CheckAnswer;
    try {
      const response = await fetch(textarea.dataset.check!, { method: 'POST', body, headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      answer = (await response.json()) as CheckAnswer;
    } catch {
      status!.textContent = words('failed');
      return [];
    }
    const list = $<HTMLUListElement>('#live-problems')!;
    list.replaceChildren(...answer.problems.map((p) => problemItem(view, p)));
    if (answer.card !== undefined) {
      $('#live-card')!.innerHTML = answer.card;
      $('#live-form')!.innerHTML = answer.form ?? '';
      enhanceConditionalForms($('#live-form')!);
    }
    status!.textContent = answer.status;
    return answer.problems.map((p) => {
      const from = offsetOf(view, p.line, p.column);
      return { from, to: Math.min(view.state.doc.lineAt(from).to, from + 40), severity: 'error', message: p.message };
    });
  };

  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      // The editor writes its style sheet into the page: the page's CSP lets it in by this nonce.
      EditorView.cspNonce.of(textarea.dataset.styleNonce ?? ''),
      keymap.of([indentWithTab]),
      json(),
      EditorView.lineWrapping,
      lintGutter(),
      linter(check, { delay: 700 }),
      jsonLanguage.data.of({ autocomplete: jsonCompletion() }),
      autocompletion(),
      hoverTooltip(jsonSchemaHover()),
      stateExtensions(schema as never),
      EditorView.contentAttributes.of({ 'aria-label': label, 'aria-describedby': 'definition-hint', dir: 'ltr', tabindex: '0' }),
      // Code, left to right by nature, as the textarea it stands for.
      EditorView.editorAttributes.of({ 'data-code': '', 'data-latin': '', dir: 'ltr' }),
      // Line numbers dark enough to read (the default grey is too faint on its background).
      EditorView.theme({ '.cm-gutters': { color: '#505a5f', backgroundColor: '#f3f2f1' }, '.cm-activeLineGutter': { color: '#0b0c0c' } }),
      // The textarea stays the source of what is sent: it follows every change.
      EditorView.updateListener.of((update) => {
        if (update.docChanged) textarea.value = update.state.doc.toString();
      }),
    ],
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  if (pane) pane.hidden = false;
  // The problems the server listed after a refused publish take the author to their place.
  document.querySelectorAll<HTMLAnchorElement>('a[data-line]').forEach((link) =>
    link.addEventListener('click', (event) => {
      event.preventDefault();
      goTo(view, Number(link.dataset.line), Number(link.dataset.column));
    }),
  );
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll<HTMLTextAreaElement>('textarea[data-editor]').forEach(enhance);
  enhanceConditionalForms(document);
});

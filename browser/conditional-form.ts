// Shows and hides the fields of a form whose `showIf` holds or not, by the evaluator the server checks with.
import { visibleAnswers, type Condition } from '../workflows/conditions';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const controlOf = (wrapper: Element): Control | null => wrapper.querySelector<Control>('input[name], select[name], textarea[name]');

function answerOf(control: Control): string {
  if (control instanceof HTMLInputElement && control.type === 'checkbox') return control.checked ? 'yes' : '';
  return control.value;
}

function refresh(form: HTMLFormElement): void {
  const fields = Array.from(form.querySelectorAll<HTMLElement>('.field'))
    .filter((wrapper) => controlOf(wrapper))
    .map((wrapper) => {
      const showIf = wrapper.getAttribute('data-show-if');
      return { key: controlOf(wrapper)!.name, showIf: showIf ? (JSON.parse(showIf) as Condition) : undefined, wrapper };
    });
  const { hidden } = visibleAnswers(fields, Object.fromEntries(fields.map((f) => [f.key, answerOf(controlOf(f.wrapper)!)])));
  for (const field of fields) field.wrapper.hidden = hidden.has(field.key);
}

/** Every `form[data-conditional]` under the root follows its answers from now on. */
export function enhanceConditionalForms(root: ParentNode): void {
  root.querySelectorAll<HTMLFormElement>('form[data-conditional]').forEach((form) => {
    refresh(form);
    form.addEventListener('input', () => refresh(form));
    form.addEventListener('change', () => refresh(form));
  });
}

// The citizen's form, enhanced: a field with `showIf` shows and hides as the answers above it change,
// by the same evaluator the server checks with (workflows/conditions.ts). Without script every field shows.
import { visibleAnswers, type Condition } from '../workflows/conditions';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controlOf(wrapper: Element): Control | null {
  return wrapper.querySelector<Control>('input[name], select[name], textarea[name]');
}

function answerOf(control: Control): string {
  if (control instanceof HTMLInputElement && control.type === 'checkbox') return control.checked ? 'yes' : '';
  return control.value;
}

function refresh(form: HTMLFormElement): void {
  const wrappers = Array.from(form.querySelectorAll('.field')).filter((w) => controlOf(w));
  const fields = wrappers.map((w) => {
    const showIf = w.getAttribute('data-show-if');
    return { key: controlOf(w)!.name, showIf: showIf ? (JSON.parse(showIf) as Condition) : undefined, wrapper: w };
  });
  const answers = Object.fromEntries(fields.map((f) => [f.key, answerOf(controlOf(f.wrapper)!)]));
  const { hidden } = visibleAnswers(fields, answers);
  for (const field of fields) (field.wrapper as HTMLElement).hidden = hidden.has(field.key);
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll<HTMLFormElement>('form[data-conditional]').forEach((form) => {
    refresh(form);
    form.addEventListener('input', () => refresh(form));
    form.addEventListener('change', () => refresh(form));
  });
});

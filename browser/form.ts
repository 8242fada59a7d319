// The citizen's form, enhanced: a field with `showIf` shows and hides as the answers above it change.
// Without script every field shows, and the server drops the answers of the hidden ones.
import { enhanceConditionalForms } from './conditional-form';

document.addEventListener('DOMContentLoaded', () => enhanceConditionalForms(document));

import { changedHunks, diffLines } from '../../lib/line-diff';

test('a changed line shows as removed then added, the rest as kept', () => {
  const diff = diffLines('a\nb\nc', 'a\nB\nc');
  expect(diff).toEqual([
    { kind: 'same', text: 'a' },
    { kind: 'removed', text: 'b' },
    { kind: 'added', text: 'B' },
    { kind: 'same', text: 'c' },
  ]);
});

test('inserted and deleted lines are found in the middle of long texts', () => {
  const before = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
  const after = before.replace('line 20\n', '').replace('line 30', 'line 30\nnew line');
  const diff = diffLines(before, after);
  expect(diff.filter((d) => d.kind === 'removed').map((d) => d.text)).toEqual(['line 20']);
  expect(diff.filter((d) => d.kind === 'added').map((d) => d.text)).toEqual(['new line']);
  expect(diff.filter((d) => d.kind !== 'added').map((d) => d.text).join('\n')).toBe(before);
  expect(diff.filter((d) => d.kind !== 'removed').map((d) => d.text).join('\n')).toBe(after);
});

test('hunks keep two lines of context and fold the rest into gaps', () => {
  const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
  const hunks = changedHunks(diffLines(before, before.replace('l10', 'L10')));
  expect(hunks).toEqual([
    { kind: 'gap', text: '…' },
    { kind: 'same', text: 'l8' },
    { kind: 'same', text: 'l9' },
    { kind: 'removed', text: 'l10' },
    { kind: 'added', text: 'L10' },
    { kind: 'same', text: 'l11' },
    { kind: 'same', text: 'l12' },
    { kind: 'gap', text: '…' },
  ]);
});

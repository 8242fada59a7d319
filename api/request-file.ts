// The staff's reading of a request file: agencies' answers checked against the form, and the history with names.
import type { Db } from '../lib/db';
import { hasKey, translate, type Locale } from '../lib/i18n';
import { toLatinDigits } from '../lib/persian';
import { applicantOf } from '../workflows/service-facts';
import type { InquiryStep, ServiceDefinition } from '../workflows/types';
import { shownEvidence } from './personal-data';

export interface InquiryRow {
  step_id: string;
  agency: string;
  operation: string;
  outcome: string;
  response: unknown;
  error: string | null;
  created_at: Date;
  /** how the answer compared with the form, when the step asked (requests started before this was kept have none) */
  verdict?: 'match' | 'mismatch' | null;
  checks?: { key: string; got: string; match: boolean }[] | null;
}

export type Match = 'match' | 'mismatch' | null;

export interface InquiryFact {
  label: string;
  value: string;
  match: Match;
}

/** Digits, spaces, slashes and dashes differ between how people type and how agencies answer. */
const comparable = (value: string) => toLatinDigits(value).replace(/[\s\-/\u200C]/g, '').toLowerCase();

// What the applicant did, whatever the projection recorded as its actor.
const APPLICANT_EVENTS = new Set(['submitted', 'resubmitted', 'citizen_reply', 'paid']);

// Events whose note is a machine's message (an outside system's refusal, a provider's error): kept, in English, behind a disclosure.
const TECHNICAL_NOTES = new Set(['letter_refused', 'sms_failed', 'inquiry_failed']);

// Names come back in parts; the form asked for them whole.
const NAME_PARTS = new Set(['firstName', 'lastName']);

function plain(value: unknown, locale: Locale): string {
  if (typeof value === 'boolean') return translate(locale, value ? 'common.yes' : 'common.no');
  if (Array.isArray(value)) return value.map((v) => plain(v, locale)).join(translate(locale, 'documents.listSeparator'));
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}: ${plain(v, locale)}`).join(translate(locale, 'documents.listSeparator'));
  return String(value ?? '');
}

/** An agency's answer as rows of label, value and whether it agrees with what the applicant wrote. */
export function inquiryFacts(row: InquiryRow, step: InquiryStep | undefined, service: ServiceDefinition, answers: Record<string, string>, applicantName: string | null, full: boolean, locale: Locale): InquiryFact[] {
  let response = row.response;
  if (response && typeof response === 'object' && !Array.isArray(response) && Object.keys(response).length === 1 && 'result' in response) response = (response as { result: unknown }).result;
  if (!response || typeof response !== 'object' || Array.isArray(response)) return response === null || response === undefined ? [] : [{ label: translate(locale, 'staffRequest.evidence'), value: plain(response, locale), match: null }];
  const shown = shownEvidence(response, full) as Record<string, unknown>;
  const name = comparable(applicantOf(service, answers).name || applicantName || '');
  const label = (key: string, field?: { label: string }) => (hasKey(locale, `inquiryFields.${key}`) ? translate(locale, `inquiryFields.${key}`) : (field?.label ?? key));
  // The comparison the workflow made is the one shown; older requests get the page's own reading.
  const checks = new Map((row.checks ?? []).map((c) => [c.key, c]));
  const facts: InquiryFact[] = Object.entries(response as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => {
      const fieldKey = step?.input[key];
      const field = fieldKey ? service.fields.find((f) => f.key === fieldKey) : undefined;
      let match: Match = null;
      const check = checks.get(key);
      if (check) match = check.match ? 'match' : 'mismatch';
      else if (row.checks) match = null;
      else if (fieldKey && answers[fieldKey]) match = comparable(answers[fieldKey]) === comparable(String(value)) ? 'match' : 'mismatch';
      else if (NAME_PARTS.has(key) && name) match = name.includes(comparable(String(value))) ? 'match' : 'mismatch';
      return { label: label(key, field), value: plain(shown[key], locale), match };
    });
  // A compared item the agency gives in parts (the whole name) gets its own row.
  for (const check of checks.values()) {
    if (check.key in (response as Record<string, unknown>)) continue;
    const value = (shownEvidence({ [check.key]: check.got }, full) as Record<string, unknown>)[check.key];
    facts.push({ label: label(check.key), value: plain(value, locale), match: check.match ? 'match' : 'mismatch' });
  }
  return facts;
}

export interface HistoryEvent {
  kind: string;
  status: string | null;
  actor: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
  created_at: Date;
}

/** The request's history as staff read it: what happened in words, and who, by name. */
export async function staffHistory(db: Db, events: HistoryEvent[], locale: Locale) {
  const usernames = [...new Set(events.map((e) => e.actor).filter((a): a is string => Boolean(a) && a !== 'system' && a !== 'citizen'))];
  const names = new Map<string, string>(
    usernames.length ? (await db('staff').whereIn('username', usernames).select('username', 'display_name')).map((s: { username: string; display_name: string }) => [s.username, s.display_name]) : [],
  );
  return events.map((e) => {
    const actor = APPLICANT_EVENTS.has(e.kind) ? 'citizen' : (e.actor ?? 'system');
    const letterNumber = typeof e.data?.letterNumber === 'string' ? e.data.letterNumber : null;
    let what: string;
    if (e.kind === 'status' && e.status) what = translate(locale, `status.${e.status}`);
    else if (e.kind === 'letter_registered' && letterNumber) what = translate(locale, 'events.letterRegisteredNumber', { number: letterNumber });
    else what = hasKey(locale, `events.${e.kind}`) ? translate(locale, `events.${e.kind}`) : translate(locale, 'events.other');
    return {
      at: e.created_at,
      what,
      status: e.kind !== 'status' && e.kind !== 'submitted' && e.status ? translate(locale, `status.${e.status}`) : null,
      who: actor === 'system' || actor === 'citizen' ? translate(locale, `history.actors.${actor}`) : (names.get(actor) ?? actor),
      // Only actors the desk knows are words; an integration's client name is a code.
      whoIsCode: actor !== 'system' && actor !== 'citizen' && !names.has(actor),
      note: e.note?.replace(/^[\s:：—-]+/, '') || null,
      technical: TECHNICAL_NOTES.has(e.kind),
    };
  });
}

/** Who a username is, in words: a member of staff by name, the desk itself, or (an integration) the name it was given. */
export async function staffNameOf(db: Db, username: string | null, locale: Locale): Promise<string | null> {
  if (!username) return null;
  if (username === 'system' || username === 'citizen') return translate(locale, `history.actors.${username}`);
  const row = await db('staff').where({ username }).first('display_name');
  return (row?.display_name as string | undefined) ?? username;
}

// Who reads a citizen's national code and mobile in full: the secretariat (who registers and calls back)
// and admins. Reviewers and supervisors decide on the substance and see them masked; lists always mask.
import { maskMobile, maskNationalCode } from '../lib/persian';
import type { FieldType } from '../workflows/types';
import type { StaffUser } from './session';

export const seesPersonalData = (staff: Pick<StaffUser, 'role'>) => staff.role === 'secretariat' || staff.role === 'admin';

const MASKS: Partial<Record<FieldType, (value: string) => string>> = { 'national-code': maskNationalCode, mobile: maskMobile };

/** One answer of the form as this member of staff may read it. */
export function shownAnswer(type: FieldType, value: string, full: boolean): string {
  const mask = MASKS[type];
  return full || !value || !mask ? value : mask(value);
}

export const shownMobile = (mobile: string, full: boolean) => (full || !mobile ? mobile : maskMobile(mobile));

// Agencies answer in their own words; these keys carry the same identifiers.
const EVIDENCE_MASKS = new Map<string, (value: string) => string>([
  ['nationalCode', maskNationalCode],
  ['national_code', maskNationalCode],
  ['nationalId', maskNationalCode],
  ['mobile', maskMobile],
  ['phone', maskMobile],
]);

/** An agency's answer, identifiers masked at any depth. */
export function shownEvidence(value: unknown, full: boolean): unknown {
  if (full || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => shownEvidence(v, full));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => {
      const mask = EVIDENCE_MASKS.get(key);
      return [key, mask && typeof v === 'string' ? mask(v) : shownEvidence(v, full)];
    }),
  );
}

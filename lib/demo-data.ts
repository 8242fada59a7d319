// The sample organisation: its departments, and demo staff accounts for local use (never in production).
import argon2 from 'argon2';
import type { Db } from './db';

export const DEPARTMENTS = [
  { code: 'secretariat', name: 'دبیرخانه مرکزی', is_secretariat: true },
  { code: 'hr', name: 'اداره امور اداری و منابع انسانی', is_secretariat: false },
  { code: 'legal', name: 'اداره حقوقی و قراردادها', is_secretariat: false },
  { code: 'finance', name: 'اداره امور مالی', is_secretariat: false },
  { code: 'inspection', name: 'دفتر ارزیابی عملکرد و پاسخگویی به شکایات', is_secretariat: false },
];

export const DEMO_PASSWORD = 'pishkhan-demo';

export const DEMO_STAFF = [
  { username: 'admin', display_name: 'مدیر سامانه', role: 'admin', departments: [] as string[] },
  { username: 'dabir', display_name: 'زهرا محمدی (دبیرخانه)', role: 'secretariat', departments: ['secretariat'] },
  { username: 'hr', display_name: 'رضا حسینی (امور اداری)', role: 'reviewer', departments: ['hr'] },
  { username: 'legal', display_name: 'نرگس موسوی (حقوقی)', role: 'reviewer', departments: ['legal'] },
  { username: 'inspection', display_name: 'امیر جعفری (شکایات)', role: 'reviewer', departments: ['inspection'] },
  { username: 'counter', display_name: 'مینا کاظمی (میز خدمت حضوری)', role: 'counter', departments: [] as string[] },
  { username: 'supervisor', display_name: 'سرپرست شکایات', role: 'supervisor', departments: ['inspection'] },
];

export async function seedDepartments(db: Db): Promise<void> {
  await db('departments').insert(DEPARTMENTS).onConflict('code').ignore();
}

export async function seedDemoStaff(db: Db): Promise<void> {
  const hash = await argon2.hash(DEMO_PASSWORD, { type: argon2.argon2id });
  const departments = new Map<string, number>((await db('departments').select('id', 'code')).map((d) => [d.code, d.id]));
  for (const member of DEMO_STAFF) {
    const [row] = await db('staff')
      .insert({ username: member.username, display_name: member.display_name, role: member.role, password_hash: hash })
      .onConflict('username')
      .ignore()
      .returning('id');
    if (!row) continue;
    const links = member.departments.map((code) => ({ staff_id: row.id, department_id: departments.get(code)! }));
    if (links.length) await db('staff_departments').insert(links).onConflict(['staff_id', 'department_id']).ignore();
  }
}

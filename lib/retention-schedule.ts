// The retention sweep runs daily from a Temporal Schedule, made (or brought in line) by every worker at start.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const RETENTION_SCHEDULE_ID = 'retention-daily';

export type ScheduleChange = 'created' | 'updated' | 'unchanged' | 'removed' | 'absent';

export async function ensureRetentionSchedule(
  client: Client,
  options: { months: number; taskQueue: string; scheduleId?: string },
): Promise<ScheduleChange> {
  const scheduleId = options.scheduleId ?? RETENTION_SCHEDULE_ID;
  const handle = client.schedule.getHandle(scheduleId);
  if (options.months <= 0) {
    try {
      await handle.delete();
      return 'removed';
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'absent';
      throw error;
    }
  }
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionSweep',
    workflowId: `${scheduleId}-sweep`,
    taskQueue: options.taskQueue,
    args: [{ months: options.months }],
  };
  try {
    await client.schedule.create({
      scheduleId,
      // 23:00 UTC is 02:30 in Tehran (no daylight saving since 2022): the quietest hour of the desk.
      spec: { calendars: [{ hour: 23, minute: 0 }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const current = (await handle.describe()).action;
  if (current.type === 'startWorkflow' && current.taskQueue === action.taskQueue && JSON.stringify(current.args) === JSON.stringify(action.args)) {
    return 'unchanged';
  }
  await handle.update((previous) => ({ ...previous, action }));
  return 'updated';
}

// Workflow histories as plain JSON files and back, through the generated proto classes of @temporalio/proto
// (historyToJSON in @temporalio/common trips over a second protobufjs copy in node_modules).
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const HistoryMessage = temporal.api.history.v1.History;

export const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

export interface HistoryFile {
  workflowId: string;
  history: Record<string, unknown>;
}

export function historyToFile(workflowId: string, history: History): HistoryFile {
  const plain = HistoryMessage.toObject(HistoryMessage.fromObject(history), { longs: String, enums: String, bytes: String });
  return { workflowId, history: plain };
}

export function historyFromFile(file: HistoryFile): { workflowId: string; history: History } {
  return { workflowId: file.workflowId, history: HistoryMessage.fromObject(file.history) };
}

export function readHistoryFixtures(dir = HISTORIES_DIR): { name: string; workflowId: string; history: History }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...historyFromFile(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) }));
}

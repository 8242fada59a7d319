// One place that knows how to reach Temporal, for the web app and the worker alike.
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from './config';
import { encryptedDataConverter } from './payload-codec';

function tls(config: Config['temporal']) {
  if (!config.tls) return undefined;
  if (config.clientCertPath && config.clientKeyPath) {
    return { clientCertPair: { crt: fs.readFileSync(config.clientCertPath), key: fs.readFileSync(config.clientKeyPath) } };
  }
  return true;
}

export async function connectClient(config: Config['temporal']): Promise<Client> {
  const connection = await Connection.connect({ address: config.address, tls: tls(config) });
  return new Client({ connection, namespace: config.namespace, dataConverter: encryptedDataConverter(config.payloadKeys) });
}

export async function connectWorker(config: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address, tls: tls(config) });
}

export const workflowIdFor = (trackingCode: string) => `request-${trackingCode}`;

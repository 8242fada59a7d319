// The sandbox alone (demo deployments): SMS inbox, agencies and bank gateway on SANDBOX_PORT.
import http from 'node:http';
import { loadConfigOrExit } from '../lib/config';
import { createSandbox } from '../sandbox/server';
import { sayReady } from './supervise';

export async function startSandbox(port: number, host = '127.0.0.1') {
  const sandbox = createSandbox();
  const server = http.createServer(sandbox.app);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    sandbox,
    server,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

if (require.main === module) {
  const config = loadConfigOrExit();
  // The sandbox shows every login code and lets anyone pay: never part of a production desk.
  if (config.env === 'production') {
    console.error('configuration error: NODE_ENV must not be production for the sandbox (it stands in for SMS, agencies and the bank)');
    process.exit(1);
  }
  startSandbox(config.sandboxPort, '0.0.0.0').then(
    () => {
      console.log(`sandbox on :${config.sandboxPort}`);
      sayReady();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

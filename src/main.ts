import { argvOverrides, ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';
import { pinNextTickMaps } from './web/pin-tick-maps.ts';

/** Entry point: `tsx src/main.ts [--role=web|worker|all] [--port=3000]`. */
async function main(): Promise<void> {
  // Everything this process creates — the database and its WAL, secrets, blobs, temp files, directories — is the
  // owner's alone; no other account on the machine can read uploads, sessions or keys.
  process.umask(0o077);
  // Keeps process.nextTick compiled for one hidden class through idle garbage collections (web/pin-tick-maps.ts).
  pinNextTickMaps();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ ...process.env, ...argvOverrides(process.argv.slice(2)) });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const server = await startServer(config);
  let signals = 0;
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) process.exit(1);
    server.deps.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (err) => {
        server.deps.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

await main();

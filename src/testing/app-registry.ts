// Which dependencies an app under test runs on, so helpers given only the app (TestClient) can reach its database.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';

const apps = new WeakMap<FastifyInstance, Deps>();

/** Remembers the deps of an app built by createTestApp. */
export function rememberTestApp(app: FastifyInstance, deps: Deps): void {
  apps.set(app, deps);
}

/** The deps of an app built by createTestApp (undefined for any other app). */
export function depsOfTestApp(app: FastifyInstance): Deps | undefined {
  return apps.get(app);
}

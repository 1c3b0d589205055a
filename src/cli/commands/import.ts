import { parseArgs } from 'node:util';
import { jobHandlers } from '../../compose.ts';
import { expandPaths, importFiles } from '../../features/documents/import.ts';
import { startWorker } from '../../jobs/worker.ts';
import type { Command } from '../command.ts';

/** `wenyuan import`: files and folders through the upload pipeline, one JSON line per file and a summary. */
export const importCommand: Command = {
  usage:
    'import <files or folders…> --user <email|phone|id> [--category <id|slug>] [--price <n>] [--concurrency <n>]\n' +
    '    ingests through the same pipeline as an upload; prints {"file","status","reason","id","ms"} per file\n' +
    '    (status published | rejected | duplicate) and a summary line',
  async run(args, open) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        user: { type: 'string' },
        category: { type: 'string' },
        price: { type: 'string', default: '0' },
        concurrency: { type: 'string' },
      },
    });
    if (!values.user || positionals.length === 0) return 2;
    const price = Number(values.price);
    if (!Number.isSafeInteger(price) || price < 0) return 2;
    const { deps, close } = await open();
    const { db } = deps.database;
    try {
      const who = values.user;
      const user = await db
        .selectFrom('users')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('email', '=', who),
            eb('phone', '=', who),
            ...(/^\d+$/.test(who) && who.length < 10 ? [eb('id', '=', Number(who))] : []),
          ]),
        )
        .executeTakeFirst();
      if (!user) {
        console.error(`error: no user ${who}`);
        return 1;
      }
      const categories = await db.selectFrom('categories').select(['id', 'slug']).orderBy('id').execute();
      const wanted = values.category;
      const category = wanted ? categories.find((c) => String(c.id) === wanted || c.slug === wanted) : categories[0];
      if (!category) {
        console.error(`error: no category ${wanted ?? ''}`);
        return 1;
      }
      const files = await expandPaths(positionals);
      // Conversions run here, in this process's worker, at the configured concurrency.
      const concurrency = Number(values.concurrency ?? deps.config.jobs.concurrency) || 1;
      const worker = startWorker({
        queue: deps.queue,
        handlers: jobHandlers(deps),
        concurrency,
        pollMs: 20,
        leaseMs: deps.config.jobs.leaseMs,
        backoffMs: deps.config.jobs.backoffMs,
        log: deps.log,
      });
      const started = Date.now();
      const tally = { published: 0, rejected: 0, duplicate: 0 };
      try {
        await importFiles(
          deps,
          files,
          { userId: Number(user.id), categoryId: Number(category.id), price, concurrency: concurrency + 1 },
          (r) => {
            tally[r.status]++;
            console.log(JSON.stringify(r));
          },
        );
      } finally {
        await worker.stop(5000);
      }
      const secs = (Date.now() - started) / 1000;
      console.log(
        JSON.stringify({
          summary: true,
          files: files.length,
          ...tally,
          seconds: +secs.toFixed(2),
          docsPerSecond: +(files.length / Math.max(secs, 0.001)).toFixed(2),
        }),
      );
      return 0;
    } finally {
      await close();
    }
  },
};

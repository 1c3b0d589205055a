// What each party may read of a copyright filing: staff everything; the filer their filing, every named document,
// the counter-notices and the whole timeline; an uploader the notice as forwarded to them (holder, work, proof text,
// contact) with only their own documents, counter-notices and events. Proof files are listed with links for staff
// only. Anyone else gets 404, whatever the id.
import type { Deps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { canModerate } from '../moderation/policy.ts';
import { canWithdraw, type FilingRole, filingRole } from './policy.ts';
import * as repo from './repo.ts';

type Viewer = Pick<SessionUser, 'id' | 'role'>;
type Filing = NonNullable<Awaited<ReturnType<typeof repo.findFiling>>>;
type Named = Awaited<ReturnType<typeof repo.listNamedDocuments>>[number];
type Counter = Awaited<ReturnType<typeof repo.listCounterNotices>>[number];
type FileRow = Awaited<ReturnType<typeof repo.listFiles>>[number];
type EventRow = Awaited<ReturnType<typeof repo.listEvents>>[number];

/** One named document as the viewer sees it, with its counter-notice and what the viewer may do about it. */
export interface NamedView extends Named {
  readonly counter: Counter | undefined;
  /** The uploader may file a counter-notice now. */
  readonly mayCounter: boolean;
  /** Staff may restore or keep it down now. */
  readonly mayDecide: boolean;
}

/** A filing as one viewer may see it. */
export interface FilingView {
  readonly role: FilingRole;
  readonly filing: Filing;
  readonly documents: NamedView[];
  /** Files with their ids: every file for staff; the viewer's own uploads (names only) for the parties. */
  readonly files: FileRow[];
  /** Files the viewer cannot see (counted, so parties know evidence exists). */
  readonly hiddenFiles: number;
  readonly events: EventRow[];
  readonly may: {
    readonly takeDown: boolean;
    readonly reject: boolean;
    readonly approve: boolean;
    readonly withdraw: boolean;
  };
}

/**
 * Whether a named document's uploader has become a party: a notice once it was forwarded to them (their document
 * taken down), a claim once it was approved. Before that the filing is between the filer and the platform.
 */
export function isForwarded(filing: Pick<Filing, 'kind' | 'status'>, status: Named['status']): boolean {
  return filing.kind === 'claim' ? filing.status === 'approved' : FORWARDED.includes(status);
}
const FORWARDED: readonly Named['status'][] = ['taken_down', 'countered', 'restored', 'kept_down'];

/** A filing for this viewer, or 404 when they are not a party to it (so ids cannot be enumerated). */
export async function getFilingView(
  deps: Pick<Deps, 'database'>,
  viewer: Viewer | undefined,
  id: number,
): Promise<FilingView> {
  const { db } = deps.database;
  const filing = await repo.findFiling(db, id);
  if (!filing) throw notFound();
  const named = await repo.listNamedDocuments(db, id);
  const role = filingRole(
    viewer,
    filing,
    named.filter((n) => isForwarded(filing, n.status)).map((n) => Number(n.uploader_id)),
  );
  if (!role || !viewer) throw notFound();
  const [counters, files, events] = await Promise.all([
    repo.listCounterNotices(db, id),
    repo.listFiles(db, id),
    repo.listEvents(db, id),
  ]);
  const mine = (n: Named) => Number(n.uploader_id) === viewer.id && isForwarded(filing, n.status);
  const visible = role === 'uploader' ? named.filter(mine) : named;
  const visibleIds = new Set(visible.map((n) => Number(n.document_id)));
  const ownDocs = role === 'uploader' ? await repo.findDocuments(db, [...visibleIds]) : [];
  const ownerNow = new Map(ownDocs.map((d) => [Number(d.id), Number(d.owner_id)]));
  const documents: NamedView[] = visible.map((n) => ({
    ...n,
    counter: counters.find((c) => Number(c.document_id) === Number(n.document_id)),
    mayCounter:
      role === 'uploader' &&
      filing.kind === 'notice' &&
      n.status === 'taken_down' &&
      ownerNow.get(Number(n.document_id)) === viewer.id,
    mayDecide: role === 'staff' && n.status === 'countered',
  }));
  const ownCounterIds = new Set(counters.filter((c) => Number(c.user_id) === viewer.id).map((c) => Number(c.id)));
  const shownFiles =
    role === 'staff'
      ? files
      : files.filter((f) =>
          role === 'filer' ? f.counter_notice_id === null : ownCounterIds.has(Number(f.counter_notice_id)),
        );
  const shownEvents =
    role === 'uploader'
      ? events.filter((e) => e.document_id === null || visibleIds.has(Number(e.document_id)))
      : events;
  const staff = canModerate(viewer);
  const pendingNamed = named.some((n) => n.status === 'named');
  return {
    role,
    filing,
    documents,
    files: shownFiles,
    hiddenFiles: files.length - shownFiles.length,
    events: shownEvents,
    may: {
      takeDown:
        staff &&
        filing.kind === 'notice' &&
        (filing.status === 'submitted' || (filing.status === 'processed' && pendingNamed)),
      reject: staff && filing.status === 'submitted',
      approve: staff && filing.kind === 'claim' && filing.status === 'submitted',
      withdraw: canWithdraw(viewer, filing),
    },
  };
}

/** The viewer's filings and the filings naming documents they uploaded (the latest 100 of each). */
export async function listMyFilings(deps: Pick<Deps, 'database'>, user: Pick<SessionUser, 'id'>) {
  const { db } = deps.database;
  const [filed, concerning] = await Promise.all([
    repo.listFiledBy(db, user.id, 100),
    repo.listConcerning(db, user.id, 100),
  ]);
  return { filed, concerning };
}

const QUEUE_PAGE = 30;

/** The staff queue: `open` (waiting for a decision, oldest first) or `all` (newest first), 30 per page. */
export async function listFilingQueue(deps: Pick<Deps, 'database'>, filter: 'open' | 'all', page: number) {
  const rows = await repo.listQueue(deps.database.db, filter, QUEUE_PAGE + 1, (page - 1) * QUEUE_PAGE);
  return {
    rows: rows.slice(0, QUEUE_PAGE).map((r) => ({
      ...r,
      documents: Number(r.documents),
      countered: Number(r.countered),
      files: Number(r.files),
    })),
    hasMore: rows.length > QUEUE_PAGE,
  };
}

/** A proof or evidence file for staff (the route checks the role): its blob key, name and type. */
export async function getProofFile(deps: Pick<Deps, 'database'>, viewer: Viewer, fileId: number) {
  if (!canModerate(viewer)) throw notFound();
  const file = await repo.findFile(deps.database.db, fileId);
  if (!file) throw notFound();
  return file;
}

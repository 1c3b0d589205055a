// Who may see and do what with a copyright filing (one policy for the domain; services and views ask these).
import type { SessionUser } from '../accounts/service.ts';
import { canModerate } from '../moderation/policy.ts';

/** How a viewer stands to a filing: staff see everything, the filer their filing, an uploader what concerns them. */
export type FilingRole = 'staff' | 'filer' | 'uploader';

/**
 * The viewer's role on a filing, or undefined (then the filing does not exist for them: 404, so ids cannot be
 * probed). Uploaders are the uploaders of the documents named, as recorded when the filing was made.
 */
export function filingRole(
  viewer: Pick<SessionUser, 'id' | 'role'> | undefined,
  filing: { filer_id: number },
  uploaderIds: readonly number[],
): FilingRole | undefined {
  if (!viewer) return undefined;
  if (canModerate(viewer)) return 'staff';
  if (Number(filing.filer_id) === viewer.id) return 'filer';
  if (uploaderIds.includes(viewer.id)) return 'uploader';
  return undefined;
}

/** Only staff decide on filings and counter-notices and read the proof files. */
export function canDecideFilings(viewer: Pick<SessionUser, 'role'> | undefined): boolean {
  return canModerate(viewer);
}

/** The filer may withdraw a filing while nobody has decided on it yet. */
export function canWithdraw(viewer: Pick<SessionUser, 'id'> | undefined, filing: { filer_id: number; status: string }) {
  return !!viewer && Number(filing.filer_id) === viewer.id && filing.status === 'submitted';
}

import { t } from '../../i18n/t.ts';
import type { PageContext } from '../context.ts';

/** The staff console's sections; `admin` ones are for administrators only, the rest for moderators too. */
const SECTIONS: readonly { href: string; label: Parameters<typeof t>[0]; admin: boolean }[] = [
  { href: '/admin/reports', label: 'staff.nav.reports', admin: false },
  { href: '/admin/support', label: 'staff.nav.support', admin: false },
  { href: '/admin/notices', label: 'staff.nav.notices', admin: false },
  { href: '/admin/review', label: 'staff.nav.review', admin: false },
  { href: '/admin/privacy', label: 'staff.nav.privacy', admin: false },
  { href: '/admin/verifications', label: 'staff.nav.verifications', admin: false },
  { href: '/admin/users', label: 'staff.nav.users', admin: false },
  { href: '/admin/documents', label: 'staff.nav.documents', admin: false },
  { href: '/admin/dashboard', label: 'staff.nav.dashboard', admin: true },
  { href: '/admin/audit', label: 'staff.nav.audit', admin: true },
  { href: '/admin/finance', label: 'staff.nav.finance', admin: true },
  { href: '/admin/trace', label: 'staff.nav.trace', admin: true },
  { href: '/admin', label: 'staff.nav.settings', admin: true },
];

/** The navigation across the staff console, by role; `current` marks the page shown, a count what waits there. */
export function StaffNav({ ctx, current }: { ctx: PageContext; current: string }) {
  const role = ctx.user?.role;
  if (role !== 'admin' && role !== 'moderator') return null;
  return (
    <nav class="staff-nav card" aria-label={t('staff.nav.label')}>
      {SECTIONS.filter((s) => role === 'admin' || !s.admin).map((s) => {
        const n = ctx.staffBadges?.[s.href] ?? 0;
        return (
          <a key={s.href} href={s.href} aria-current={s.href === current ? 'page' : undefined}>
            {t(s.label)}
            {n > 0 && <span class="staff-nav__count">{t('staff.nav.unread', { n })}</span>}
          </a>
        );
      })}
    </nav>
  );
}

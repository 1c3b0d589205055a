import { t } from '../i18n/t.ts';

/** Human-readable size: 5.6 KB, 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A wait in words for a 429 page: 45 秒, 3 分钟, 2 小时 (rounded up, so the user never comes back too early). */
export function formatWait(seconds: number): string {
  if (seconds < 60) return t('wait.seconds', { n: Math.max(1, Math.ceil(seconds)) });
  if (seconds < 3600) return t('wait.minutes', { n: Math.ceil(seconds / 60) });
  return t('wait.hours', { n: Math.ceil(seconds / 3600) });
}

const dateFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** A date as 2026-11-27 in China time. */
export function formatDate(ms: number): string {
  const parts = Object.fromEntries(dateFmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const dateTimeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A moment as 2026-11-27 14:05 in China time. */
export function formatDateTime(ms: number): string {
  const parts = Object.fromEntries(dateTimeFmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** ISO 8601 for machine-readable dates. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

import { type MessageKey, zhCN } from './messages.ts';

export type { MessageKey };

/** Looks up a zh-CN message and fills its `{name}` placeholders. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template: string = zhCN[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** True when a string names a catalog entry (for codes coming from other layers). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

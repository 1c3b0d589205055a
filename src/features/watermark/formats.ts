/** Formats whose files carry a per-buyer mark as they are (decision 0019). */
export const MARKABLE_FORMATS: ReadonlySet<string> = new Set(['docx', 'pdf']);

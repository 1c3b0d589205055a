// Documents: categories, documents and their text, bands, PII matches, downloads and the search tables. Part of the database schema (src/db/schema.ts joins the parts).
import type { Generated } from 'kysely';
import type { DocFormat } from '../../convert/types.ts';
import type { Millis } from './millis.ts';

export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  sort_order: number;
  created_at: Millis;
}

export type DocumentStatus = 'uploaded' | 'converting' | 'review' | 'published' | 'rejected' | 'taken_down' | 'deleted';
export type PreviewMode = 'pages' | 'percent';

export interface DocumentsTable {
  id: Generated<number>;
  owner_id: number;
  category_id: number;
  title: string;
  /** 1 when the uploader left the title blank: conversion may replace it with the title stated in the file. */
  title_auto: number;
  description: string;
  format: DocFormat;
  original_name: string;
  blob_key: string;
  size_bytes: number;
  price: number;
  status: DocumentStatus;
  /** Catalog key of the rejection reason, plus JSON params; shown to the uploader in zh-CN. */
  reject_code: string | null;
  reject_params: string | null;
  page_count: number | null;
  char_count: number | null;
  /** Per-document preview override; null falls back to the site setting. */
  preview_mode: PreviewMode | null;
  preview_value: number | null;
  download_count: number;
  /** Average rating (0 until rated) and how many ratings it averages; read by the 评分最高 sort. */
  rating_avg: Generated<number>;
  rating_count: Generated<number>;
  /** Sum of the stars (the average is exactly sum / count) and the Bayesian score the 评分最高 sort orders by. */
  rating_sum: Generated<number>;
  rating_score: Generated<number>;
  /** How many readers keep it in a favorites folder. */
  favorite_count: Generated<number>;
  rev: number;
  created_at: Millis;
  updated_at: Millis;
  /** One timestamp per pipeline stage, so "redo stage X where missing" is one query. */
  extracted_at: Millis | null;
  published_at: Millis | null;
  deleted_at: Millis | null;
  /** Images of the free pages, JSON [{n, w, h, key}] (blob keys in 'page/'); null before the stage ran. */
  page_images: string | null;
  /** When page images were last rendered (also set when there was nothing to render). */
  pages_rendered_at: Millis | null;
  /** The PDF LibreOffice made of an office-format original ('pdf/…'), reused by later stages. */
  pdf_key: string | null;
  /** What the text-quality gate repaired, JSON {"repairs":[…],"ocr"?:true}; null when published as extracted. */
  text_quality: string | null;
  /** What the reader should know about the source, JSON array of flags ("signed": an OFD with 电子签章); or null. */
  source_flags: string | null;
  /** Per-buyer mark: 'ok', or why the file cannot carry one (tooLarge, encrypted, unreadable); null: not checked */
  mark_state: string | null;
  /** MinHash signature of the text (JSON array of 60 numbers), for near-duplicate checks. */
  minhash: string | null;
  /** Held for review as a near duplicate of this earlier document, with this similarity in percent. */
  dup_of: number | null;
  dup_score: number | null;
  /** The operator who approved or rejected a document held for review, and when. */
  reviewed_by: number | null;
  reviewed_at: Millis | null;
  /** The takedown (see features/documents/takedown.ts): when, why (a TakedownCode), what caused it, the note. */
  taken_down_at: Millis | null;
  takedown_code: string | null;
  /** What caused it: `report:<id>`, `notice:<id>`, `user:<id>` (a banned uploader), or null (a moderator). */
  takedown_ref: string | null;
  takedown_note: string | null;
  /** The status it was taken down from (`published` or `review`): where a restore sends it back. */
  takedown_from: DocumentStatus | null;
  /** Who earns from sales from now on, after an approved 认领 (copyright claim); null = the uploader. */
  earnings_user_id: number | null;
  /**
   * The PII screen (decision 0012): null when nothing was found; `held` until a moderator decides; `cleared`
   * (published as is), `masked` (published with the numbers masked; original withheld) or `rejected`.
   */
  pii_state: PiiState | null;
}

/** Where a document stands with the PII screen (see DocumentsTable.pii_state). */
export type PiiState = 'held' | 'cleared' | 'masked' | 'rejected';

/** One number the PII screen found in a document: kind, field, UTF-16 offsets and the masked form (never the number). */
export interface DocumentPiiTable {
  document_id: number;
  seq: number;
  kind: 'idNumber' | 'mobile' | 'bankCard';
  field: 'body' | 'title' | 'description';
  start_offset: number;
  end_offset: number;
  masked: string;
}

/** LSH bands of documents' MinHash signatures: (band, hash) → documents sharing it. */
export interface DocumentBandsTable {
  band: number;
  hash: number;
  document_id: number;
}

export interface DocumentTextsTable {
  document_id: number;
  body: string;
  /** JSON array of UTF-16 offsets where each page starts. */
  page_starts: string;
  /** JSON array of {offset, level, text}. */
  headings: string;
}

export interface DownloadsTable {
  id: Generated<number>;
  user_id: number;
  document_id: number;
  ip: string;
  created_at: Millis;
}

/** The free part of a published document, as indexed: the only text a search snippet may quote. */
export interface SearchExcerptsTable {
  document_id: number;
  excerpt: string;
}

/** Queries that found documents by title or summary, counted, for suggestions and 相关搜索. */
export interface SearchQueriesTable {
  query: string;
  hits: number;
  last_at: Millis;
}

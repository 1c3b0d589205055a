import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A deterministic generator of 公文-like documents from the Chinese text corpus (`shared/corpus/text-zh/`):
 * the same (seed, index) always yields the same document, so any N is reproducible and streams without memory.
 */
export interface GeneratedDocument {
  index: number;
  title: string;
  description: string;
  categoryIndex: number;
  format: 'docx' | 'pdf' | 'txt';
  price: number;
  body: string;
  /** The body as built: its first line, then corpus paragraphs by index (joined with '\n'). */
  parts: { head: string; paragraphs: number[] };
  downloads: number;
}

export const TOPICS = [
  '乡村振兴',
  '营商环境',
  '文明城市创建',
  '安全生产',
  '主题教育',
  '两学一做',
  '放管服改革',
  '党风廉政建设',
  '高质量发展',
  '新质生产力',
  '生态文明建设',
  '基层治理',
  '疫情防控',
  '科技创新',
  '数字政府',
  '民生保障',
  '作风建设',
  '意识形态工作',
  '招商引资',
  '城市更新',
  '教育强国',
  '医疗卫生',
  '食品安全',
  '河长制',
  '共同富裕',
  '对外开放',
  '人才工作',
  '法治政府建设',
  '巡察整改',
  '统一战线',
  '老龄工作',
  '双减',
] as const;
export const GENRES = [
  '工作总结',
  '实施方案',
  '讲话稿',
  '心得体会',
  '调研报告',
  '工作计划',
  '通知',
  '会议纪要',
  '述职报告',
  '应急预案',
] as const;
const REGIONS = [
  '北京市',
  '上海市',
  '广东省',
  '浙江省',
  '四川省',
  '湖北省',
  '山东省',
  '某县',
  '某区',
  '某街道',
  '某局',
  '某公司',
];

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Paragraphs of substance from the corpus, in a fixed order. */
export function loadParagraphs(corpusDir: string): string[] {
  const paras: string[] = [];
  for (const file of listFiles(corpusDir)) {
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const p = line.replace(/^[#>\s*"-]+/, '').trim();
      if (p.length >= 30 && /[\u4e00-\u9fff]{10}/.test(p)) paras.push(p.slice(0, 600));
    }
  }
  return paras;
}

/** Document `index` of the stream, with bodies of about `avgChars` characters. */
export function generateDocument(paras: string[], index: number, avgChars: number, seed = 42): GeneratedDocument {
  const rnd = mulberry32(seed * 1_000_003 + index);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const topic = pick(TOPICS);
  const genre = pick(GENRES);
  const region = pick(REGIONS);
  const year = 2015 + Math.floor(rnd() * 12);
  const title = `${region}${year}年${topic}${genre}`;
  const target = Math.floor(avgChars * (0.5 + rnd()));
  const parts = [`关于${topic}的${genre}`];
  const paragraphs: number[] = [];
  let len = parts[0]!.length;
  while (len < target) {
    const at = Math.floor(rnd() * paras.length);
    const p = paras[at]!;
    paragraphs.push(at);
    parts.push(p);
    len += p.length + 1;
  }
  const body = parts.join('\n');
  // Downloads follow a heavy tail: most documents few, some many.
  const downloads = Math.floor(1 / (rnd() + 0.002)) - 1;
  return {
    index,
    title,
    description: `${region}${topic}${genre}范文，${(parts[1] ?? '').slice(0, 40)}`,
    categoryIndex: GENRES.indexOf(genre),
    format: pick(['docx', 'docx', 'pdf', 'txt'] as const),
    price: rnd() < 0.6 ? 0 : 1 + Math.floor(rnd() * 20),
    body,
    parts: { head: parts[0]!, paragraphs },
    downloads,
  };
}

/** 200 realistic queries, 50 per class: 2-character words, 4-character phrases, multi-word, rare terms. */
export function benchQueries(paras: string[], seed = 7): Array<{ q: string; cls: string }> {
  const rnd = mulberry32(seed);
  const two = [
    '讲话',
    '总结',
    '人民',
    '工作',
    '发展',
    '改革',
    '安全',
    '教育',
    '经济',
    '建设',
    '管理',
    '服务',
    '企业',
    '农村',
    '医疗',
    '法律',
    '监督',
    '文化',
    '科技',
    '环境',
    '就业',
    '住房',
    '交通',
    '金融',
    '社会',
    '政府',
    '群众',
    '干部',
    '党员',
    '基层',
    '创新',
    '生态',
    '治理',
    '市场',
    '财政',
    '税收',
    '扶贫',
    '养老',
    '卫生',
    '公安',
    '法院',
    '合同',
    '土地',
    '水利',
    '能源',
    '旅游',
    '体育',
    '青年',
    '妇女',
    '儿童',
  ];
  const four = [
    '乡村振兴',
    '营商环境',
    '文明城市',
    '安全生产',
    '主题教育',
    '两学一做',
    '党风廉政',
    '高质量发展',
    '新质生产力',
    '生态文明',
    '基层治理',
    '疫情防控',
    '科技创新',
    '数字政府',
    '民生保障',
    '作风建设',
    '意识形态',
    '招商引资',
    '城市更新',
    '医疗卫生',
    '食品安全',
    '共同富裕',
    '对外开放',
    '人才工作',
    '法治政府',
    '巡察整改',
    '统一战线',
    '老龄工作',
    '工作总结',
    '实施方案',
    '心得体会',
    '调研报告',
    '工作计划',
    '会议纪要',
    '述职报告',
    '应急预案',
    '文明城市创建',
    '放管服改革',
    '人民代表大会',
    '政府工作报告',
    '行政处罚',
    '劳动合同',
    '知识产权',
    '生态环境保护',
    '社会保险',
    '义务教育',
    '最低工资',
    '公共卫生',
    '国有资产',
    '城乡融合',
  ];
  const multi: string[] = [];
  for (let i = 0; i < 50; i++) {
    const a = four[i % 28]!;
    const b = ['工作总结', '实施方案', '讲话稿', '心得体会', '2024年', '2025年', '调研报告', '工作计划'][
      (i + Math.floor(i / 28)) % 8
    ]!;
    multi.push(i % 5 === 4 ? `${b} ${a} 意见` : `${a} ${b}`);
  }
  // Rare terms: 4-character runs taken from random corpus paragraphs (often a handful of documents).
  const rare: string[] = [];
  while (rare.length < 50) {
    const p = paras[Math.floor(rnd() * paras.length)]!;
    const m = p.slice(Math.floor(rnd() * Math.max(1, p.length - 8))).match(/[\u4e00-\u9fff]{6}/);
    if (m && !rare.includes(m[0])) rare.push(m[0]);
  }
  return [
    ...two.map((q) => ({ q, cls: '2-char' })),
    ...four.map((q) => ({ q, cls: '4-char' })),
    ...multi.map((q) => ({ q, cls: 'multi' })),
    ...rare.map((q) => ({ q, cls: 'rare' })),
  ];
}

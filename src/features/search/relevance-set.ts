/**
 * The relevance test set (issue 4): documents made from the shared corpus (docx-zh, text-zh, the seed speech),
 * titled and filed as an uploader would, and queries with the documents a reader expects, written down by hand.
 * Paths are relative to shared/ (read in place, never copied).
 */
export interface RelevanceDoc {
  key: string;
  path: string;
  format: 'docx' | 'txt';
  title: string;
  category: 'speech' | 'summary' | 'plan' | 'reflection' | 'research' | 'debrief' | 'scheme' | 'notice' | 'other';
  description?: string;
}

const GOV = ['北京市', '上海市', '浙江省', '广东省', '四川省', '湖北省', '山东省', '江苏省', '河南省', '西藏自治区'];
const gov = (p: string): RelevanceDoc => ({
  key: `gov-${p}`,
  path: `corpus/text-zh/gov-reports-2026/2026_${p}_政府工作报告.csv`,
  format: 'txt',
  title: `2026年${p}政府工作报告`,
  category: 'summary',
  description: `${p}人民政府2026年政府工作报告全文，回顾2025年工作，部署2026年重点任务`,
});
const law = (key: string, path: string, title: string): RelevanceDoc => ({
  key,
  path: `corpus/text-zh/laws/${path}`,
  format: 'txt',
  title,
  category: 'other',
});
const DOCX = 'corpus/docx-zh/';
const docx = (key: string, file: string, title: string, category: RelevanceDoc['category']): RelevanceDoc => ({
  key,
  path: `${DOCX}${file}`,
  format: 'docx',
  title,
  category,
});
const DD = 'odd__demo__offline__';

export const RELEVANCE_DOCS: RelevanceDoc[] = [
  {
    key: 'seed',
    path: 'seed/seed-speech.txt',
    format: 'txt',
    title: '在高新区创建全国文明城市工作领导小组(扩大)会议上的讲话',
    category: 'speech',
  },
  docx('contest', 'gfsgongwen__测试文案.docx', '人工智能学院校规校纪知识竞赛新闻稿', 'other'),
  docx(
    'guide',
    'agengcc__tests__fixtures__docx__public_service_guide_single_paragraph.docx',
    '公共服务事项办理指引',
    'notice',
  ),
  docx('meeting', 'odf__测试文本__测试文本4.docx', '关于进一步规范会议管理的通知', 'notice'),
  docx(
    'dd-brief',
    `${DD}briefing-简报__20260404-“我的刀盾”网络动态简报-v01.docx`,
    '“我的刀盾”网络动态简报',
    'research',
  ),
  docx(
    'dd-minutes',
    `${DD}minutes-纪要__20260404-关于研究“我的刀盾”网络传播情况的专题会议纪要-v01.docx`,
    '关于研究“我的刀盾”网络传播情况的专题会议纪要',
    'notice',
  ),
  docx(
    'dd-notice',
    `${DD}notice-通知__20260404-关于开展“我的刀盾”传播素材整理工作的通知-v01.docx`,
    '关于开展“我的刀盾”传播素材整理工作的通知',
    'notice',
  ),
  docx(
    'dd-present',
    `${DD}presentation-汇报材料__20260404-关于“我的刀盾”网络传播情况的汇报材料-v01.docx`,
    '关于“我的刀盾”网络传播情况的汇报材料',
    'research',
  ),
  docx(
    'dd-report',
    `${DD}report-报告__20260404-关于“我的刀盾”网络传播情况的报告-v01.docx`,
    '关于“我的刀盾”网络传播情况的报告',
    'research',
  ),
  docx(
    'dd-special',
    `${DD}special-report-情况专报__20260404-关于“我的刀盾”网络传播情况的专报-v01.docx`,
    '关于“我的刀盾”网络传播情况的专报',
    'research',
  ),
  docx(
    'dd-plan',
    `${DD}work-plan-工作方案__20260404-“我的刀盾”传播素材整理工作方案-v01.docx`,
    '“我的刀盾”传播素材整理工作方案',
    'scheme',
  ),
  docx('tpl-gg', 'gongwenassistant__gg_1.docx', '人民政府公告模板', 'notice'),
  docx('tpl-han', 'gongwenassistant__han_1.docx', '人民政府函模板', 'notice'),
  docx('tpl-hyjy', 'gongwenassistant__hyjy_1.docx', '会议纪要模板', 'notice'),
  docx('tpl-ml', 'gongwenassistant__ml_1.docx', '人民政府令模板', 'notice'),
  docx('tpl-tg', 'gongwenassistant__tg_1.docx', '人民政府通告模板', 'notice'),
  docx('tpl-tz', 'gongwenassistant__tz_1.docx', '通知模板', 'notice'),
  docx('tpl-zm', 'gongwenassistant__zm_1.docx', '证明模板', 'notice'),
  ...GOV.map(gov),
  law('law-criminal', '刑法/刑法.md', '中华人民共和国刑法'),
  law('law-contract', '民法典/合同编.md', '中华人民共和国民法典·合同编'),
  law('law-constitution', '宪法/宪法.md', '中华人民共和国宪法'),
  law('law-labour', '社会法/劳动法(2018-12-29).md', '中华人民共和国劳动法（2018年修正）'),
  law('law-safety', '社会法/安全生产法(2021-06-10).md', '中华人民共和国安全生产法（2021年修正）'),
  law('law-employment', '社会法/就业促进法(2015-04-24).md', '中华人民共和国就业促进法'),
  law('law-elderly', '社会法/老年人权益保障法(2018-12-29).md', '中华人民共和国老年人权益保障法'),
  law('law-patriotic', '社会法/爱国主义教育法(2023-10-24).md', '中华人民共和国爱国主义教育法'),
  law('law-antitrust', '经济法/反垄断法(2022-06-24).md', '中华人民共和国反垄断法（2022年修正）'),
  law('law-ads', '经济法/广告法(2021-04-29).md', '中华人民共和国广告法'),
  law('law-audit', '经济法/审计法(2021-10-23).md', '中华人民共和国审计法'),
  law('law-vat', '经济法/增值税法(2024-12-25).md', '中华人民共和国增值税法'),
  law('law-tourism', '经济法/旅游法(2018-10-26).md', '中华人民共和国旅游法'),
  docx('course-logic', 'libpku__通选课__C__逻辑导论__逻辑导论.docx', '北大通选课《逻辑导论》讲义', 'other'),
  docx('course-art', 'libpku__通选课__D__西方美术史__西方美术史课程大纲.docx', '西方美术史课程大纲', 'other'),
  docx(
    'course-sunzi',
    'libpku__通选课__B__孙子兵法导读__孙子兵法导读复习资料整理.docx',
    '孙子兵法导读复习资料',
    'other',
  ),
  docx(
    'course-history',
    'libpku__通选课__D__中国通史__中国通史（古代部分）考题整理.docx',
    '中国通史（古代部分）考题整理',
    'other',
  ),
  docx(
    'course-ds',
    'libpku__专业课__数据结构与算法__数据结构与算法2016final-ans.docx',
    '数据结构与算法2016期末考试（含答案）',
    'other',
  ),
  docx(
    'course-diaoyu',
    'libpku__通选课__E__中日文化交流史__钓鱼岛是中国固有领土_白皮书.docx',
    '《钓鱼岛是中国的固有领土》白皮书',
    'other',
  ),
  docx('course-crime', 'libpku__通选课__B__犯罪通论__犯罪通论讲义整理.docx', '犯罪通论讲义整理', 'other'),
];

const GOV_KEYS = GOV.map((p) => `gov-${p}`);
const DD_KEYS = ['dd-brief', 'dd-minutes', 'dd-notice', 'dd-present', 'dd-report', 'dd-special', 'dd-plan'];

/** A query and the documents a reader expects for it (any order). `kind` groups the report. */
export interface RelevanceQuery {
  q: string;
  relevant: string[];
  kind: '2-char' | 'phrase' | 'multi' | 'mixed' | 'punctuation';
}

export const RELEVANCE_QUERIES: RelevanceQuery[] = [
  // Two-character words.
  { q: '讲话', relevant: ['seed'], kind: '2-char' },
  { q: '总结', relevant: GOV_KEYS, kind: '2-char' },
  { q: '刀盾', relevant: DD_KEYS, kind: '2-char' },
  { q: '刑法', relevant: ['law-criminal', 'course-crime'], kind: '2-char' },
  { q: '宪法', relevant: ['law-constitution'], kind: '2-char' },
  { q: '审计', relevant: ['law-audit'], kind: '2-char' },
  { q: '旅游', relevant: ['law-tourism'], kind: '2-char' },
  { q: '模板', relevant: ['tpl-gg', 'tpl-han', 'tpl-hyjy', 'tpl-ml', 'tpl-tg', 'tpl-tz', 'tpl-zm'], kind: '2-char' },
  { q: '通知', relevant: ['meeting', 'dd-notice', 'tpl-tz'], kind: '2-char' },
  { q: '逻辑', relevant: ['course-logic'], kind: '2-char' },
  // Phrases of four characters or more.
  { q: '文明城市创建', relevant: ['seed'], kind: 'phrase' },
  { q: '创建全国文明城市', relevant: ['seed'], kind: 'phrase' },
  { q: '会议纪要', relevant: ['tpl-hyjy', 'dd-minutes'], kind: 'phrase' },
  { q: '规范会议管理', relevant: ['meeting'], kind: 'phrase' },
  { q: '政府工作报告', relevant: GOV_KEYS, kind: 'phrase' },
  { q: '新质生产力', relevant: GOV_KEYS, kind: 'phrase' },
  { q: '校规校纪', relevant: ['contest'], kind: 'phrase' },
  { q: '知识竞赛', relevant: ['contest'], kind: 'phrase' },
  { q: '公共服务事项', relevant: ['guide'], kind: 'phrase' },
  { q: '安全生产', relevant: ['law-safety'], kind: 'phrase' },
  { q: '反垄断', relevant: ['law-antitrust'], kind: 'phrase' },
  { q: '老年人权益保障', relevant: ['law-elderly'], kind: 'phrase' },
  { q: '爱国主义教育', relevant: ['law-patriotic'], kind: 'phrase' },
  { q: '孙子兵法', relevant: ['course-sunzi'], kind: 'phrase' },
  { q: '西方美术史', relevant: ['course-art'], kind: 'phrase' },
  { q: '数据结构与算法', relevant: ['course-ds'], kind: 'phrase' },
  { q: '钓鱼岛', relevant: ['course-diaoyu'], kind: 'phrase' },
  { q: '增值税', relevant: ['law-vat'], kind: 'phrase' },
  { q: '就业促进', relevant: ['law-employment'], kind: 'phrase' },
  // Several words.
  { q: '我的刀盾 工作方案', relevant: ['dd-plan'], kind: 'multi' },
  { q: '刀盾 会议纪要', relevant: ['dd-minutes'], kind: 'multi' },
  { q: '网络传播情况 报告', relevant: ['dd-report', 'dd-special', 'dd-present', 'dd-minutes'], kind: 'multi' },
  { q: '浙江省 政府工作报告', relevant: ['gov-浙江省'], kind: 'multi' },
  { q: '民法典 合同', relevant: ['law-contract'], kind: 'multi' },
  { q: '劳动法 工作时间', relevant: ['law-labour'], kind: 'multi' },
  { q: '中国通史 考题', relevant: ['course-history'], kind: 'multi' },
  // Chinese with English and numbers.
  { q: '2026年北京市政府工作报告', relevant: ['gov-北京市'], kind: 'mixed' },
  { q: '2026 广东', relevant: ['gov-广东省'], kind: 'mixed' },
  {
    q: '5G 基站',
    relevant: ['gov-四川省', 'gov-湖北省', 'gov-山东省', 'gov-江苏省', 'gov-河南省', 'gov-西藏自治区'],
    kind: 'mixed',
  },
  { q: 'AI 人工智能', relevant: ['gov-山东省', 'gov-江苏省'], kind: 'mixed' },
  { q: '数据结构 2016', relevant: ['course-ds'], kind: 'mixed' },
  { q: '安全生产法 2021', relevant: ['law-safety'], kind: 'mixed' },
  // Full-width / half-width punctuation and digits typed the other way.
  { q: '文明城市，创建', relevant: ['seed'], kind: 'punctuation' },
  { q: '我的刀盾,工作方案', relevant: ['dd-plan'], kind: 'punctuation' },
  { q: '《刑法》', relevant: ['law-criminal'], kind: 'punctuation' },
  { q: '安全生产法(2021年修正)', relevant: ['law-safety'], kind: 'punctuation' },
  { q: '２０２６年北京市政府工作报告', relevant: ['gov-北京市'], kind: 'punctuation' },
  { q: '会议纪要。', relevant: ['tpl-hyjy', 'dd-minutes'], kind: 'punctuation' },
  { q: '“我的刀盾”网络动态简报', relevant: ['dd-brief'], kind: 'punctuation' },
];

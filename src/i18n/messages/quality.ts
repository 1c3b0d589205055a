/** The text-quality gate (issue 17): why a text is refused, and the operator's minimum length. */
export const qualityMessages = {
  'convert.unreadable': '文字无法识别（字体缺少编码信息，或内容不是文字），请上传可复制文字的版本',
  'convert.tooShort': '内容过少：仅 {chars} 个字，本站要求至少 {min} 个字',
  'convert.virusSignature': '文件含有病毒检测特征码（EICAR 测试文件），已拒绝',
  'admin.minChars': '文档最少字数',
  'admin.minCharsHint': '提取出的可读文字少于此数的文档不予发布（提示“内容过少”）',
  'admin.minCharsInvalid': '文档最少字数需为 1–100000 之间的整数',
} as const;

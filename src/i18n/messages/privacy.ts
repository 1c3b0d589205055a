/** zh-CN messages — The PII screen before publishing (隐私审核): the uploader's status, the staff queue, outcomes. */
export const privacyMessages = {
  'privacy.held': '文档中发现 {count} 处疑似个人信息（{masked}），正在等待隐私审核，审核通过前不会公开',
  'privacy.rejected': '文档含有个人信息（身份证号、手机号或银行卡号），经隐私审核未通过',
  'privacy.reconvertDecided': '隐私审核的结论不会因重新转换而改变；如需发布，请删除其中的个人信息后重新上传',
  'privacy.notPending': '该文档已不在隐私待审状态（可能已由其他审核员处理、已被删除或下架），请刷新页面后重试',
  'privacy.reasonTooLong': '驳回理由不能超过 {max} 个字符',
  'privacy.decisionInvalid': '请选择处理方式',
  'privacy.downloadWithheld': '为保护个人信息，该文档仅提供遮盖号码后的在线阅读，原文件不提供下载',
  'privacy.maskedNotice':
    '为保护个人信息，文中的身份证号、手机号、银行卡号已遮盖；本文档仅提供在线阅读，原文件不提供下载。',

  'privacy.title': '隐私待审',
  'privacy.intro':
    '以下文档的文字中发现了疑似身份证号、手机号或银行卡号，已暂停发布。号码仅在本页完整显示，请勿外传。请逐条核对后处理：确属误报的按原样发布；含有他人个人信息的遮盖号码后发布或驳回。',
  'privacy.empty': '暂无隐私待审的文档',
  'privacy.count': '共 {n} 篇待审，按上传时间排列（最早的在前）',
  'privacy.adminLink': '隐私待审的文档（{n}）',
  'privacy.uploader': '上传者：',
  'privacy.uploadedOn': '上传于 {date}',
  'privacy.summary': '共发现 {total} 处：身份证号 {idNumber}，手机号 {mobile}，银行卡号 {bankCard}',
  'privacy.moreMatches': '另有 {n} 处未列出（处理时全部号码一并遮盖）',
  'privacy.alsoDuplicate': '该文档同时与已有文档相似，隐私审核通过后还将进入',
  'privacy.duplicateQueue': '相似文档审核',
  'privacy.maskedAs': '遮盖后：',
  'privacy.field.body': '正文',
  'privacy.field.title': '标题',
  'privacy.field.description': '简介',
  'privacy.kind.idNumber': '身份证号',
  'privacy.kind.mobile': '手机号',
  'privacy.kind.bankCard': '银行卡号',
  'privacy.publish': '按原样发布（误报）',
  'privacy.mask': '遮盖号码后发布',
  'privacy.reject': '驳回',
  'privacy.reason': '驳回理由（选填，上传者可见）',
  'privacy.backToAdmin': '返回管理后台',

  'notify.privacy.published': '你的文档《{title}》已通过隐私审核并发布',
  'notify.privacy.masked':
    '你的文档《{title}》含有个人信息，已遮盖相关号码后发布；为保护个人信息，原文件不提供下载，文档改为免费在线阅读',
  'notify.privacy.rejected': '你的文档《{title}》含有个人信息，未通过隐私审核，原因：{reason}',
  'notify.privacy.clearedAwaitingReview': '你的文档《{title}》已通过隐私审核，还需通过相似内容审核后才会发布',
  'notify.privacy.maskedAwaitingReview':
    '你的文档《{title}》含有个人信息，已遮盖相关号码（原文件将不提供下载），还需通过相似内容审核后才会发布',

  'audit.action.privacy.publish': '隐私待审：按原样发布',
  'audit.action.privacy.mask': '隐私待审：遮盖号码后发布',
  'audit.action.privacy.reject': '隐私待审：驳回',

  'staff.nav.privacy': '隐私待审',
} as const;

/** zh-CN messages — Reports and takedowns: the reporter's reasons, /admin/reports, /admin/documents, the notices. */
export const reportsMessages = {
  'takedown.code.copyright': '侵犯著作权/抄袭',
  'takedown.code.privacy': '含个人隐私',
  'takedown.code.secret': '涉密/敏感信息',
  'takedown.code.spam': '广告/垃圾',
  'takedown.code.porn': '色情低俗',
  'takedown.code.mismatch': '内容与标题/预览不符',
  'takedown.code.illegal': '违法违规内容',
  'takedown.code.other': '其他',
  'takedown.code.ban': '上传者已被封禁',
  'takedown.alreadyTakenDown': '该文档已被下架，无需重复操作',
  'takedown.deleted': '该文档已被删除，无法下架',
  'takedown.notPublic': '该文档尚未公开（转换中或未通过），无需下架',
  'takedown.notTakenDown': '该文档未处于下架状态，无法恢复',

  'notify.takedown': '你的文档《{title}》已被下架，原因：{reason}。如有异议，可提交反通知申请恢复。',
  'notify.takedown.withNote': '你的文档《{title}》已被下架，原因：{reason}（{note}）。如有异议，可提交反通知申请恢复。',
  'notify.takedown.restored': '你的文档《{title}》已恢复上架。{note}',
  'notify.takedown.restoredToReview': '你的文档《{title}》已撤销下架，回到重复内容审核队列。{note}',
  'notify.takedown.earningsHeld':
    '文档《{title}》下架期间，其销售收益 {amount} 文币已暂扣；文档恢复后将退回你的收益账户。',

  'audit.action.document.takedown': '下架文档',
  'audit.action.document.restore': '恢复文档',
} as const;

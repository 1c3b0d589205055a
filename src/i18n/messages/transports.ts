/** zh-CN messages — Mail and SMS transports: what a user reads when a message could not be sent. */
export const transportsMessages = {
  'mail.sendFailed': '邮件发送失败，请稍后再试。如果一直失败，请联系站点管理员。',
  'sms.sendFailed': '短信发送失败，请稍后再试。如果一直失败，请联系站点管理员。',
} as const;

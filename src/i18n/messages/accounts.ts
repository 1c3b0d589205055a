/** zh-CN messages — Accounts: contact verification, 忘记密码, 修改密码, 账号安全, and the mails they send. */
export const accountsMessages = {
  // The gate on selling and withdrawing.
  'account.contactUnverified':
    '请先验证你的邮箱或手机号：未验证的账号可以阅读和购买，但不能出售文档、申请实名认证或提现。验证入口：账号安全 › 验证邮箱/手机（/settings/verify）',
  'account.banner.unverified': '你的邮箱或手机号尚未验证：可以阅读和购买，但验证前不能出售文档或提现。',
  'account.banner.verifyNow': '立即验证',
  'account.channel.email': '邮箱',
  'account.channel.phone': '手机号',

  // Tokens and codes.
  'account.link.invalid': '链接无效，请确认打开的是邮件中的完整链接，或重新申请。',
  'account.link.used': '该链接已经使用过，每个链接只能使用一次。如需继续，请重新申请。',
  'account.link.expired': '该链接已过期（有效期 30 分钟），请重新申请。',
  'account.code.invalid': '请输入 6 位数字验证码',
  'account.code.missing': '请先获取验证码',
  'account.code.wrong': '验证码错误，还可以再试 {left} 次',
  'account.code.expired': '验证码已过期（有效期 30 分钟），请重新获取',
  'account.code.used': '该验证码已经使用过，请重新获取',
  'account.code.exhausted': '该验证码输错次数过多，已失效，请重新获取',
  'account.code.tooManyAttempts': '验证码输错次数过多，为保护账号安全，请在 {wait}后再试',
  'account.send.tooSoon': '发送过于频繁，请在 {wait}后再试',
  'account.send.tooMany': '发送次数过多，请在 {wait}后再试',
  'account.send.failed': '发送失败，请稍后再试。如果一直失败，请联系站点管理员。',
  'account.transport.email': '邮件发送',
  'account.transport.sms': '短信发送',
  'account.smsConsole':
    '本站短信为控制台模式：验证码不会发到手机，而是写入服务器日志，请联系站点管理员获取。管理员设置 SMS_PROVIDER=aliyun 后即发送真实短信。',
  'account.unavailable':
    '本站尚未配置{transport}，暂时无法通过{channel}接收验证码或链接，因此{channel}验证和找回密码不可用。请联系站点管理员：设置 {env} 即可开启（见 README 的配置表）；管理员也可以用 npx wenyuan verify-contact 手动验证账号。',

  'account.operator.notFound': '没有使用该邮箱或手机号的账号',

  // Contact verification (验证邮箱/手机).
  'account.verify.title': '验证邮箱/手机',
  'account.verify.introEmail': '我们会向 {to} 发送一封含验证链接的邮件。链接 30 分钟内有效，只能使用一次。',
  'account.verify.introPhone': '我们会向 {to} 发送 6 位数字验证码，30 分钟内有效。',
  'account.verify.sendEmail': '发送验证邮件',
  'account.verify.sendSms': '发送验证码',
  'account.verify.resend': '重新发送',
  'account.verify.sentEmail': '验证邮件已发送至 {to}，请在 30 分钟内打开邮件中的链接。',
  'account.verify.sentSms': '验证码已发送至 {to}，30 分钟内有效。',
  'account.verify.code': '验证码',
  'account.verify.submitCode': '验证',
  'account.verify.done': '验证成功：你的{channel}已验证。',
  'account.verify.already': '你的{channel} {to} 已经验证过了。',
  'account.verify.why': '验证后可以出售文档、申请实名认证和提现，也能在忘记密码时找回账号。',
  'account.verify.confirmTitle': '确认验证邮箱',
  'account.verify.confirmText': '点击下面的按钮，确认 {to} 是你的邮箱。',
  'account.verify.confirmButton': '确认验证',

  // Registration with a transport: the account exists once the code or link is confirmed.
  'account.register.sentEmail':
    '验证邮件已发送至 {to}。请在 30 分钟内打开邮件中的链接完成注册（没收到请检查垃圾邮件箱）。',
  'account.register.sentSms': '验证码已发送至 {to}。请在 30 分钟内输入验证码完成注册。',
  'account.register.sentTitle': '请完成验证',
  'account.register.confirmTitle': '完成注册',
  'account.register.confirmText': '点击下面的按钮，用 {to} 完成注册。',
  'account.register.confirmButton': '完成注册',
  'account.register.retry': '没有收到？重新填写注册信息',
  'account.register.noVerification':
    '提示：本站尚未配置{transport}，用{channel}注册后无法验证，也无法找回密码；未验证的账号可以阅读和购买，但不能出售文档或提现。管理员设置 {env} 后即可开启。',

  // 忘记密码.
  'password.forgotLink': '忘记密码？',
  'password.forgot.title': '找回密码',
  'password.forgot.intro': '输入注册时使用的邮箱或手机号：邮箱会收到重置链接，手机会收到 6 位验证码，30 分钟内有效。',
  'password.forgot.submit': '发送',
  'password.forgot.sentEmail': '如果该账号存在，我们已向 {to} 发送了重置密码的链接，30 分钟内有效，只能使用一次。',
  'password.forgot.sentSms':
    '如果该账号存在，我们已向 {to} 发送了 6 位验证码，30 分钟内有效。请在下面输入验证码并设置新密码。',
  'password.forgot.sentTitle': '请查收',
  'password.forgot.again': '没有收到？重新发送',
  'password.reset.title': '设置新密码',
  'password.reset.new': '新密码',
  'password.reset.confirm': '确认新密码',
  'password.reset.submit': '重置密码',
  'password.reset.done': '密码已重置，所有设备上的登录都已退出，请用新密码登录。',
  'password.rules': '至少 8 位，不能是常见密码，也不要与账号相同。',

  // 修改密码.
  'password.change.title': '修改密码',
  'password.change.old': '当前密码',
  'password.change.submit': '修改密码',
  'password.change.done': '密码已修改，其他设备上的登录已退出。',
  'password.change.wrongOld': '当前密码不正确',
  'password.change.sameAsOld': '新密码不能与当前密码相同',

  // 账号安全.
  'security.title': '账号安全',
  'security.login': '登录账号：{identifier}',
  'security.contactVerified': '{channel}已验证（{date}）',
  'security.contactUnverified': '{channel}未验证',
  'security.changePassword': '修改密码',
  'security.verifyContact': '验证邮箱/手机',
  'security.realName': '实名认证',
  'security.profile': '个人资料',

  // 站内信.
  'notify.account.passwordChanged':
    '你的密码已于 {time} 修改，其他设备上的登录已退出。如果不是你本人操作，请立即通过“忘记密码”重置密码并联系客服。',
  'notify.account.passwordReset':
    '你的密码已于 {time} 通过“忘记密码”重置，所有设备上的登录都已退出。如果不是你本人操作，请立即联系客服。',
  'notify.account.contactVerified': '你的{channel}已验证，现在可以出售文档和申请提现了。',

  // Mails (plain text; the subject starts with the site name).
  'mail.verify.subject': '【{site}】验证你的邮箱',
  'mail.verify.text':
    '你好，{name}：\n\n请在 30 分钟内打开下面的链接，验证你在{site}的邮箱（链接只能使用一次）：\n{link}\n\n如果不是你本人操作，请忽略本邮件。',
  'mail.register.subject': '【{site}】完成注册',
  'mail.register.text':
    '你好：\n\n请在 30 分钟内打开下面的链接，完成{site}的注册（链接只能使用一次）：\n{link}\n\n如果不是你本人操作，请忽略本邮件，不会创建任何账号。',
  'mail.registered.subject': '【{site}】该邮箱已注册',
  'mail.registered.text':
    '你好：\n\n有人（可能是你）尝试用此邮箱在{site}注册，但该邮箱已经有账号了，所以没有创建新账号。\n如果你忘记了密码，可以在这里重置：\n{link}\n\n如果不是你本人操作，请忽略本邮件，你的账号不受影响。',
  'mail.reset.subject': '【{site}】重置密码',
  'mail.reset.text':
    '你好，{name}：\n\n我们收到了重置你在{site}的密码的请求。请在 30 分钟内打开下面的链接设置新密码（链接只能使用一次）：\n{link}\n\n如果不是你本人操作，请忽略本邮件，你的密码不会改变。',
  'mail.passwordChanged.subject': '【{site}】你的密码已修改',
  'mail.passwordChanged.text':
    '你好，{name}：\n\n你在{site}的密码已于 {time}（北京时间）修改，其他设备上的登录已退出。\n如果不是你本人操作，请立即重置密码：\n{link}',
} as const;

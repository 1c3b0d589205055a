/** zh-CN messages — The password policy (features/accounts/password-policy.ts): why a new password is refused. */
export const passwordsMessages = {
  'password.tooShort': '密码至少 8 位',
  'password.tooLong': '密码不能超过 128 位',
  'password.common': '这个密码太常见，容易被猜中，请换一个',
  'password.sameAsIdentifier': '密码不能与邮箱或手机号相同',
  'password.sameAsName': '密码不能与昵称相同',
} as const;

/** zh-CN messages — Uploaded images (avatars, screenshots): what is refused and why. */
export const imagesMessages = {
  'image.notImage': '文件内容不是图片：只接受 PNG、JPEG、WebP 或 GIF 格式的图片（按文件内容识别，与扩展名无关）。',
  'image.tooManyPixels':
    '图片尺寸过大（{width}×{height}，约 {megapixels} 百万像素），最多 {max} 百万像素。请缩小图片后再上传。',
  'image.corrupt': '图片已损坏或无法读取，请换一张图片再试。',
  'image.tooLarge': '图片文件过大，最大 {max}。',
  'image.missing': '请选择要上传的图片。',
} as const;

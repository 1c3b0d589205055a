/** zh-CN messages — per-buyer download marks and 溯源 (issue #15). */
export const watermarkMessages = {
  'watermark.line': '{site} · 仅供 {buyer} 个人使用 · 购于 {date}',
  'watermark.notice.marked':
    '下载的文件带有购买者标记（可见的页脚及不可见的签名标记），仅供购买者个人使用，外传可追溯。',
  'watermark.notice.pending': '此文件能否附加购买者标记：待检测。',
  'watermark.notice.asIs': '此格式无法附加购买者标记，下载的是原文件。',
  'watermark.notice.pdfOnly': '本站要求付费文档带有购买者标记：此格式以转换后的 PDF 提供（带标记），不提供原格式文件。',
  'watermark.notice.scanPdf':
    '图片上传的文档以扫描件 PDF 提供下载（带购买者标记），不含原图片的拍摄时间、地点等元数据。',
  'watermark.notice.unmarkable': '此文件无法加水印（{reason}），下载的是原文件，不带购买者标记。',
  'watermark.notice.notForSale':
    '本站要求付费文档带有购买者标记，而此文件无法加水印，也没有可加标记的转换版本：暂停出售（已购买的用户仍可下载原文件）。',
  'watermark.notForSale': '本站要求付费文档带有购买者标记，此文件无法加水印，暂停出售。',
  'watermark.reason.tooLarge': '文件过大',
  'watermark.reason.encrypted': '文件已加密',
  'watermark.reason.unreadable': '文件结构无法改写',
  'staff.nav.trace': '下载溯源',
  'watermark.title': '下载溯源',
  'watermark.intro':
    '上传一份外流的文件（docx、PDF，或从中复制出的文本 .txt），查找其中的购买者标记。只有签名正确的标记才会指向购买记录。',
  'watermark.file': '文件',
  'watermark.submit': '查找标记',
  'watermark.settingsTitle': '标记设置',
  'watermark.visible': '在下载的文件中加入可见页脚（站名、“仅供某某个人使用”、购买日期）',
  'watermark.required': '付费文档必须带标记（无法标记的格式只以转换后的 PDF 出售）',
  'watermark.save': '保存',
  'watermark.saved': '已保存。',
  'watermark.result.unmarked': '未发现购买者标记。',
  'watermark.result.forged': '发现标记，但签名不符（文件可能被篡改），不能据此认定购买者。声称的购买编号：{ids}',
  'watermark.result.marked': '发现 {n} 个有效标记：',
  'watermark.result.purchase':
    '购买 #{id}：买家 {buyer}（用户 #{buyerId}），文档 #{documentId}《{title}》，购于 {date}{refunded}。标记位置：{carriers}',
  'watermark.result.unknown': '购买 #{id}：签名有效，但本站没有这笔购买记录。',
  'watermark.result.refunded': '（已退款）',
  'watermark.result.alsoForged': '另有签名不符的标记已忽略，声称的购买编号：{ids}',
  'watermark.carrier.metadata': '文件属性',
  'watermark.carrier.xmp': 'XMP 元数据',
  'watermark.carrier.text': '正文不可见字符',
  'watermark.carrier.hidden': '隐藏文字',
  'watermark.unreadable': '无法读取此文件：{reason}',
} as const;

## 对人说的话：表单错误、拒绝原因、已记录的内容。纯文本（用于提示消息、文件和邮件），不含标记。

## 密码和账户
password-too-short = 请至少使用 { $min } 个字符；几个词连在一起就很好记。
password-too-long = 最多 { $max } 个字符。
passwords-differ = 两次输入的密码不一致，请输入相同的密码。
new-passwords-differ = 两次输入的新密码不一致，请输入相同的密码。
enter-your-name = 请填写您的姓名。
enter-company-name = 请填写公司名称。
too-long-200 = 最多 200 个字符。
language-unknown = 请从列表中选择一种语言。

## SFTP 登录账号
sftp-bad-network = “{ $value }”不是有效的地址或网段，格式应类似 203.0.113.0/24。
sftp-bad-username = 请使用 3 到 32 个字母、数字、点、短横线或下划线。
sftp-username-taken = 该用户名已被占用，请换一个。
sftp-bad-key = 请粘贴一个由 ssh-keygen 生成的公钥：ssh-ed25519 AAAA…（一行）。
sftp-key-exists = 此登录账号已有这个密钥。

## API 令牌
token-bad-name = 请填写使用此令牌的系统名称（最多 80 个字符）。
token-no-scope = 请选择令牌的权限：read、download、acknowledge，可多选。
token-bad-expiry = 请从给出的有效期中选择一个。

## Webhook 端点
webhook-long-description = 说明请少于 200 个字符。
webhook-no-events = 请至少选择一个事件。
webhook-long-url = 地址请少于 500 个字符。
webhook-not-url = 不是有效的网址（{ $reason }）：请填写类似 https://erp.example.com/podgate/webhooks 的地址。
webhook-credentials-in-url = 地址中不要包含用户名和密码：每次推送都带有签名。
webhook-fragment = 地址中不要包含 #片段。
webhook-not-https = { $scheme }：地址必须以 https:// 开头。
webhook-http-public = 公网地址请使用 https://（普通 http 只能用于您自己的内网）。
webhook-unresolved = 无法解析 { $host }：{ $reason }。
webhook-private = { $host } 是内网或本机地址（{ $ip }）；除非卖家允许此供应商使用内网地址，否则只能使用公网地址。
current-password-throttled = 当前密码输错次数过多：请 { $minutes } 分钟后再试。
current-password-wrong = 当前密码不正确。
email-invalid = 请填写有效的邮箱地址，例如 name@example.com。

## 门户中的答复
acks-refused = { $reasons }。未做任何更改。
ack-choose-answer = 请选择答复：已接单（accepted）、已拒绝（rejected）、缺货待补（backordered）或已发货（shipped）。
ack-bad-date = 预计日期的格式应类似 2026-12-01。
ack-select-packages = 请先选择要答复的包裹，再选择答复。
ack-recorded-many = 已记录：{ $count } 个包裹为“{ $status }”{ $same ->
    [0] {""}
   *[other] （其中 { $same } 个原本就是这个答复）
}。
ack-recorded = 已记录：{ $status }。
ack-nothing-changed = 已经记录过，没有变化。
accept-none-waiting = 没有待答复的包裹。
accept-done = 已接下 { $count } 个包裹。
token-revoked = 令牌已吊销：使用它的系统从现在起会被拒绝。
company-language-saved = 发给联系人的邮件和 SFTP 结果文件现在使用{ $language }。

## 被拒绝的答复行（API、结果文件、门户）
ackfile-unknown-format = 只读取 .csv、.tsv、.txt、.xlsx 和 .json 格式的答复文件；请另存为其中一种格式
ack-unknown-package = 包裹 { $package } 不在您已发布的任何批次中
ack-unknown-order = 订单 { $order } 不在您已发布的任何批次中
ack-unknown-tracking = 运单号 { $tracking } 不在您已发布批次的任何面单上
ack-unknown-row = 此包裹不在您已发布的任何批次中
ack-no-pull-request = { $status } 只能用来答复拦截要求，而包裹 { $package } 没有拦截要求
ack-pull-requested = 订单 { $order } 的包裹 { $package } 有拦截要求（订单已取消）：请勿生产或发货；请回复 pulled，如已发出则回复 already_shipped
ack-order-cancelled = 订单 { $order } 已取消：请勿生产或发出包裹 { $package }
ack-reject-needs-reason = 包裹 { $package }：拒绝时必须填写原因（原因栏，或文件中的 reason 列）
ack-backorder-needs-date = 包裹 { $package }：backordered 需要填写预计日期（预计日期栏，或文件中的 expected_date 列，格式为 YYYY-MM-DD）
accept-count-changed = 现在可以接单的包裹是 { $now } 个，而不是 { $confirmed } 个：批次有变化（来了拦截要求或新的答复）。请重新查看后再确认。

## 读取答复文件
line-no-target = 请填写 package_id、tracking_number 或 order_id
line-no-status = 缺少状态：请填写答复（accepted、rejected、backordered、shipped、pulled、already_shipped，或进度 received、in_production、printed、packed），或删除这一行
line-bad-status = 状态“{ $status }”不是 accepted、rejected、backordered、shipped、pulled、already_shipped 之一
line-bad-date = expected_date“{ $date }”不是类似 2026-12-01 的日期
line-long-reason = 原因超过 500 个字符
line-bad-json = { $reason }
file-too-large = 文件大于 { $mib } MiB，请拆分
file-no-status-yet = 还没有任何一行填写状态：请填写 status 列后重新上传
file-no-lines = 文件中没有答复行
file-bad-json = JSON 格式不符合要求（应为答复列表，或 {"{"}"acks": [...]{"}"}）：{ $reason }
sheet-bad-header = 无法读取表头：{ $reason }
sheet-bad-line = 无法读取此行：{ $reason }
sheet-rounded-number = { $column }：{ $value } 是被表格四舍五入的数字（编号比数字单元格能保存的位数更长）：请把该列设为“文本”格式后重新粘贴编号
sheet-cell-error = { $column }：单元格显示错误（{ $error }）
sheet-not-xlsx = 不是 podgate 能读取的 .xlsx 工作簿（{ $reason }）；请另存为 Excel 工作簿（.xlsx）或 CSV
sheet-no-sheet = 工作簿中没有工作表
sheet-unreadable = 无法读取第一个工作表：{ $reason }
sheet-empty = 工作表是空的
sheet-unknown-column = 未知的列“{ $column }”；可用的列为 { $columns }
sheet-header-needs = 表头必须包含 status，以及 package_id、tracking_number 或 order_id 之一

## 结果文件（message 列；其他列是关键词）
result-already-recorded = 已经记录过，没有变化
result-no-status = 没有状态：保持原样
result-not-applied = 由于有被拒绝的行，{ $count } 个正确的行也未应用：此文件中的内容都没有应用；请修正后重新上传整个文件
result-line = 第 { $line } 行：{ $message }
result-try-again = podgate 暂时无法应用此文件，请重新上传

## 门户中上传的答复表
sheet-choose-file = 请先选择要上传的答复文件。
sheet-applied = 已应用 { $name } 中的 { $lines } 行：记录了 { $recorded } 个答复，{ $same } 个原本已记录。
sheet-unanswered = { $count } 行没有填写状态，保持未答复（第 { $rows } 行）。
sheet-row = 第 { $row } 行：{ $message }
sheet-refused = { $name } 中的内容都没有应用（{ $held } 个正确的行被搁置）。请修正以下问题后重新上传：{ $reasons }

## 门户中的 SFTP 账号和 Webhook
sftp-key-added = 已添加密钥（{ $fingerprint }）。
sftp-key-removed = 已移除密钥。
sftp-login-disabled = 登录账号已停用：新的连接会被拒绝。
sftp-login-enabled = 登录账号已启用。
webhook-added = 已添加端点。请把下面的签名密钥复制到您的系统中，用来验证每次推送。
webhook-queued-again = 已用相同的 webhook-id 重新排队：几秒内发出。
webhook-test-queued = 已发出一个 webhook.test 事件，几秒内会显示在下方。
webhook-removed = 端点已删除：不会再收到任何推送。

## 登录、密码和账户页面
welcome = 欢迎，{ $name }。
reset-link-sent = 如果有账户使用这个地址，设置新密码的链接已经发出（30 分钟内有效）。
reset-done = 密码已修改，请用新密码登录。
reset-link-dead = 此重置链接已使用或已过期：请重新申请。
sign-in-throttled = 登录失败次数过多。为了您的安全，登录已暂停；请 { $minutes } 分钟后再试。
sign-in-supplier-archived = 卖家已将您的供应商账户归档，因此无法再使用 podgate。请联系卖家恢复。
sign-in-wrong = 邮箱和密码不匹配。请检查后重试。
signed-out = 您已退出登录。
password-changed = 密码已修改。您在其他地方的登录已全部退出。
language-saved = 本门户和您的邮件现在使用{ $language }。
language-follows-browser = 本门户和您的邮件现在跟随浏览器的语言。

## 答复表的说明（下拉提示：标题最多 32 个字符，内容最多 255 个；说明工作表名最多 31 个）
sheet-input-title = 答复
sheet-input-message = 请选择一个关键词：accepted（接单）、进度（received … packed）、shipped（已发货）、rejected（拒绝，须填原因）、backordered（缺货待补，须填预计日期），或答复拦截要求的 pulled / already_shipped。关键词在任何语言下都相同。
sheet-help-name = 说明
sheet-help-intro = 请在第一个工作表的 status 列中按原样填写下列关键词之一（任何语言下都相同）。尚未答复的包裹，status 留空即可。
sheet-help-meaning = 含义
sheet-help-accepted = 您将生产并发出该包裹。
sheet-help-received = 已接单，订单已进入您的生产系统。
sheet-help-in_production = 已接单，正在生产。
sheet-help-printed = 已印刷，尚未打包。
sheet-help-packed = 已打包，等待承运商揽收。
sheet-help-shipped = 已交给承运商。
sheet-help-rejected = 无法生产；请在 reason 列填写原因。
sheet-help-backordered = 延迟（缺少空白衣或材料）；请在 expected_date 列填写预计日期，格式为 YYYY-MM-DD。
sheet-help-pulled = 答复拦截要求：包裹已拦下，不会发出。
sheet-help-already_shipped = 答复拦截要求：收到要求时包裹已经发出。

## 扫码核对
verify-scan-something = 请先扫码。
verify-now-label = 已找到生产单：请扫它的面单。
verify-packed = 面单正确：包裹 { $package } 已记为已打包。
verify-packed-again = 面单正确，重复扫描：包裹 { $package } 之前已打包。
verify-ticket-other-batch = { $code } 是第 { $batch } 批的包裹，不属于本批：请放回那一批。
verify-label-first = { $code } 是面单：请先扫生产单，再扫面单。
verify-unknown = { $code } 不是您的包裹：请确认扫的是本批的生产单。
verify-wrong-label = 面单错误：这张面单属于包裹 { $label_package }（第 { $batch } 批），不是 { $ticket }。请勿装在一起。
verify-label-unknown = 面单错误：{ $code } 不在您的任何面单上，而包裹 { $ticket } 的面单是另一个号码。请勿装在一起。

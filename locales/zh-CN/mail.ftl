## 发给供应商人员和联系人的邮件（纯文本）。工厂在文件中填写的关键词（pulled、already_shipped）保持英文。

mail-hello = { $supplier }，您好：

## 新批次
mail-batch-subject = { $seller }：{ $supplier } 的第 { $batch } 批，{ $count } 张面单
mail-batch-sent = { $seller } 给您发来了第 { $batch } 批（{ $zip }）：共 { $count } 个包裹，每个都附有运单面单和印刷文件。
mail-batch-link = 请在这里下载，并逐个答复每个包裹：
mail-batch-due = 请在 { $when } 之前答复。
mail-batch-ship-by = 第一个包裹最晚须在 { $when } 发货（TikTok 的时限）。
mail-batch-zip = 压缩包内含 labels/（每个包裹一个 PDF）、labels.pdf（全部面单，可直接用 4x6 英寸面单纸打印）、tickets.pdf（每张面单对应一张生产单，顺序相同）、manifest.csv 和 manifest.json，以及 SHA256SUMS。

## 拦截包裹
mail-pull-subject = { $seller }：请拦截包裹 { $package }（订单 { $order }，第 { $batch } 批），订单已取消
mail-pull-why = { $seller } 的买家在面单随第 { $batch } 批发给您之后，取消了订单 { $order }。
mail-pull-what = 请不要发出包裹 { $package }。请把它从生产中撤下，然后在 podgate 门户的批次页面回复“已拦截”（如果已经发出，回复“拦截前已发出”），或在答复文件中填写状态 pulled 或 already_shipped。

## 承运商尚未扫描的面单
mail-due-subject = { $seller }：{ $supplier } 手上的 { $count } 张面单须尽快由承运商扫描
mail-due-intro = { $seller } 交给 { $supplier } 的 { $count } 张面单还没有被承运商扫描，而 TikTok 的揽收时限快到了。承运商在时限前没有扫描，TikTok 就会把订单算作迟发：请把这些包裹交给承运商，或在 podgate 中说明延误原因。
mail-due-line = - 订单 { $order }，包裹 { $package }，运单号 { $tracking }：揽收 { $how }
mail-due-late = 已逾期，自 { $when } 起
mail-due-by = 须在 { $when } 之前（还剩 { $hours } 小时 { $minutes } 分钟）

## 邀请和重置密码
mail-invite-portal = { $supplier } 的供应商门户
mail-invite-workspace = { $seller }
mail-invite-subject = 邀请您加入 podgate 上的 { $place }
mail-invite-intro = 您受邀加入 podgate 上的 { $place }。
mail-invite-link = 请在这里设置密码（链接 { $hours } 小时内有效）：
mail-reset-subject = 重置您的 podgate 密码
mail-reset-intro = 有人（希望是您本人）申请重置您的 podgate 密码。
mail-reset-link = 请在这里设置新密码（链接 { $minutes } 分钟内有效，只能使用一次）：
mail-reset-not-you = 如果不是您本人申请，请忽略此邮件：您的密码不会改变。

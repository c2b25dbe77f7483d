## Email gửi người của nhà cung cấp và người liên hệ (văn bản thuần). Từ khóa xưởng ghi vào tệp
## (pulled, already_shipped) giữ nguyên tiếng Anh.

mail-hello = Chào { $supplier },

## Lô mới
mail-batch-subject = { $seller }: lô { $batch } mới cho { $supplier }, { $count } nhãn
mail-batch-sent = { $seller } đã gửi cho bạn lô { $batch } ({ $zip }): { $count } kiện hàng, mỗi kiện có nhãn vận chuyển và tệp in.
mail-batch-link = Tải về và trả lời từng kiện tại đây:
mail-batch-due = Vui lòng trả lời trước { $when }.
mail-batch-ship-by = Kiện đầu tiên phải gửi đi trước { $when } (hạn của TikTok).
mail-batch-zip = Tệp zip gồm labels/ (mỗi kiện một PDF), labels.pdf (tất cả nhãn, sẵn sàng in trên giấy 4x6), tickets.pdf (mỗi nhãn một phiếu sản xuất, cùng thứ tự), manifest.csv và manifest.json, và SHA256SUMS.

## Rút lại một kiện
mail-pull-subject = { $seller }: rút lại kiện { $package } (đơn { $order }, lô { $batch }), đơn đã bị hủy
mail-pull-why = Người mua của { $seller } đã hủy đơn { $order } sau khi nhãn của nó được gửi cho bạn trong lô { $batch }.
mail-pull-what = Vui lòng không gửi kiện { $package }. Hãy rút nó khỏi sản xuất, rồi trả lời “đã rút lại” (hoặc “đã gửi đi rồi” nếu đã gửi) trên trang của lô trong cổng podgate, hoặc trong tệp trả lời (trạng thái pulled hoặc already_shipped).

## Nhãn mà hãng vận chuyển chưa quét
mail-due-subject = { $seller }: { $count } nhãn ở { $supplier } cần được hãng vận chuyển quét sớm
mail-due-intro = { $count } nhãn của { $seller } ở { $supplier } chưa được hãng vận chuyển quét, và sắp đến hạn vận chuyển của TikTok. TikTok tính đơn là giao trễ nếu hãng vận chuyển không quét trước hạn đó: hãy giao các kiện này cho hãng vận chuyển, hoặc ghi rõ trong podgate vì sao chúng bị giữ lại.
mail-due-line = - đơn { $order }, kiện { $package }, mã vận đơn { $tracking }: vận chuyển { $how }
mail-due-late = TRỄ từ { $when }
mail-due-by = trước { $when } (còn { $hours } giờ { $minutes } phút)

## Lời mời và đặt lại mật khẩu
mail-invite-portal = cổng nhà cung cấp của { $supplier }
mail-invite-workspace = { $seller }
mail-invite-subject = Bạn được mời tham gia { $place } trên podgate
mail-invite-intro = Bạn được mời tham gia { $place } trên podgate.
mail-invite-link = Chọn mật khẩu của bạn tại đây (đường dẫn có hiệu lực trong { $hours } giờ):
mail-reset-subject = Đặt lại mật khẩu podgate
mail-reset-intro = Có người (mong là bạn) đã yêu cầu đặt lại mật khẩu podgate của bạn.
mail-reset-link = Chọn mật khẩu mới tại đây (đường dẫn có hiệu lực trong { $minutes } phút, dùng một lần):
mail-reset-not-you = Nếu không phải bạn, hãy bỏ qua email này: mật khẩu của bạn vẫn giữ nguyên.

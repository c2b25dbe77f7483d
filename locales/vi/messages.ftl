## Lời nhắn cho người dùng: lỗi biểu mẫu, lý do từ chối, những gì đã ghi nhận. Văn bản thuần
## (dùng trong thông báo, tệp và email), không có thẻ.

## Mật khẩu và tài khoản
password-too-short = Hãy dùng ít nhất { $min } ký tự; ghép vài từ lại với nhau là dễ nhớ.
password-too-long = Tối đa { $max } ký tự.
passwords-differ = Hai mật khẩu không khớp; hãy nhập cùng một mật khẩu hai lần.
new-passwords-differ = Hai mật khẩu mới không khớp; hãy nhập cùng một mật khẩu hai lần.
enter-your-name = Hãy nhập tên của bạn.
enter-company-name = Hãy nhập tên công ty.
too-long-200 = Tối đa 200 ký tự.
language-unknown = Hãy chọn một ngôn ngữ trong danh sách.

## Tài khoản SFTP
sftp-bad-network = “{ $value }” không phải địa chỉ hay dải địa chỉ dạng 203.0.113.0/24.
sftp-bad-username = Dùng từ 3 đến 32 chữ cái, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.
sftp-username-taken = Tên đăng nhập này đã có người dùng; hãy chọn tên khác.
sftp-bad-key = Dán một khóa công khai đúng như ssh-keygen tạo ra: ssh-ed25519 AAAA… (một dòng).
sftp-key-exists = Tài khoản này đã có khóa này rồi.

## Token API
token-bad-name = Hãy ghi tên hệ thống sẽ dùng token (tối đa 80 ký tự).
token-no-scope = Hãy chọn quyền của token: read, download, acknowledge, hoặc nhiều quyền.
token-bad-expiry = Hãy chọn một thời hạn trong danh sách.

## Địa chỉ nhận webhook
webhook-long-description = Mô tả không quá 200 ký tự.
webhook-no-events = Hãy chọn ít nhất một sự kiện.
webhook-long-url = Địa chỉ không quá 500 ký tự.
webhook-not-url = Không phải địa chỉ web ({ $reason }): hãy nhập địa chỉ như https://erp.example.com/podgate/webhooks.
webhook-credentials-in-url = Đừng đưa tên đăng nhập và mật khẩu vào địa chỉ: mỗi lần gửi đã có chữ ký.
webhook-fragment = Đừng đưa phần #fragment vào địa chỉ.
webhook-not-https = { $scheme }: địa chỉ phải bắt đầu bằng https://.
webhook-http-public = Hãy dùng https:// cho địa chỉ trên internet (http thường chỉ dùng trong mạng nội bộ của bạn).
webhook-unresolved = Không phân giải được { $host }: { $reason }.
webhook-private = { $host } là địa chỉ nội bộ hoặc loopback ({ $ip }); chỉ được dùng địa chỉ công khai, trừ khi người bán cho phép nhà cung cấp này dùng địa chỉ nội bộ.
current-password-throttled = Nhập sai mật khẩu hiện tại quá nhiều lần: hãy thử lại sau { $minutes } phút.
current-password-wrong = Đó không phải mật khẩu hiện tại của bạn.
email-invalid = Hãy nhập địa chỉ email dạng name@example.com.

## Trả lời từ cổng
acks-refused = { $reasons }. Không có gì bị thay đổi.
ack-choose-answer = Hãy chọn câu trả lời: đã nhận (accepted), từ chối (rejected), tạm hết hàng (backordered) hoặc đã gửi hàng (shipped).
ack-bad-date = Ngày dự kiến phải có dạng 2026-12-01.
ack-select-packages = Hãy chọn các kiện cần trả lời, rồi chọn câu trả lời.
ack-recorded-many = Đã ghi nhận: { $status } cho { $count } kiện hàng{ $same ->
    [0] {""}
   *[other] {" "}({ $same } kiện đã có sẵn câu trả lời này)
}.
ack-recorded = Đã ghi nhận: { $status }.
ack-nothing-changed = Đã ghi nhận từ trước; không có gì thay đổi.
accept-none-waiting = Không có kiện nào đang chờ trả lời.
accept-done = Đã nhận { $count } kiện hàng.
token-revoked = Đã thu hồi token: hệ thống nào dùng nó sẽ bị từ chối từ bây giờ.
company-language-saved = Email gửi người liên hệ và tệp kết quả SFTP của bạn giờ được viết bằng { $language }.

## Dòng trả lời bị từ chối (API, tệp kết quả, cổng)
ackfile-unknown-format = chỉ đọc tệp trả lời .csv, .tsv, .txt, .xlsx và .json; hãy lưu tệp theo một trong các định dạng đó
ack-unknown-package = kiện { $package } không nằm trong lô nào đã phát hành cho bạn
ack-unknown-order = đơn { $order } không nằm trong lô nào đã phát hành cho bạn
ack-unknown-tracking = mã vận đơn { $tracking } không có trên nhãn nào trong các lô đã phát hành cho bạn
ack-unknown-row = kiện này không nằm trong lô nào đã phát hành cho bạn
ack-no-pull-request = { $status } chỉ dùng để trả lời yêu cầu rút lại, mà kiện { $package } không có yêu cầu nào
ack-pull-requested = kiện { $package } của đơn { $order } có yêu cầu rút lại (đơn đã bị hủy): đừng sản xuất hay gửi đi; hãy trả lời pulled, hoặc already_shipped nếu đã gửi
ack-order-cancelled = đơn { $order } đã bị hủy: đừng sản xuất hay gửi kiện { $package }
ack-reject-needs-reason = kiện { $package }: từ chối thì phải có lý do (ô lý do, hoặc cột reason trong tệp)
ack-backorder-needs-date = kiện { $package }: backordered cần ngày dự kiến (ô ngày dự kiến, hoặc cột expected_date trong tệp, dạng YYYY-MM-DD)
accept-count-changed = Giờ có thể nhận { $now } kiện, không phải { $confirmed }: lô đã thay đổi (có yêu cầu rút lại hoặc câu trả lời mới). Hãy xem lại rồi xác nhận.

## Đọc tệp trả lời
line-no-target = hãy ghi package_id, tracking_number hoặc order_id
line-no-status = thiếu trạng thái: hãy ghi câu trả lời (accepted, rejected, backordered, shipped, pulled, already_shipped, hoặc một bước: received, in_production, printed, packed) hoặc xóa dòng này
line-bad-status = trạng thái “{ $status }” không phải một trong accepted, rejected, backordered, shipped, pulled, already_shipped
line-bad-date = expected_date “{ $date }” không phải ngày dạng 2026-12-01
line-long-reason = lý do dài quá 500 ký tự
line-bad-json = { $reason }
file-too-large = tệp lớn hơn { $mib } MiB; hãy chia nhỏ
file-no-status-yet = chưa dòng nào có trạng thái: hãy điền cột status rồi tải lên lại
file-no-lines = tệp không có dòng trả lời nào
file-bad-json = JSON không đúng dạng (một danh sách trả lời, hoặc {"{"}"acks": [...]{"}"}): { $reason }
sheet-bad-header = không đọc được dòng tiêu đề: { $reason }
sheet-bad-line = không đọc được dòng: { $reason }
sheet-rounded-number = { $column }: { $value } là số đã bị bảng tính làm tròn (mã dài hơn số chữ số một ô số giữ được): hãy định dạng cột là Văn bản (Text) rồi dán lại các mã
sheet-cell-error = { $column }: ô đang báo lỗi ({ $error })
sheet-not-xlsx = không phải sổ làm việc .xlsx mà podgate đọc được ({ $reason }); hãy lưu dưới dạng Excel Workbook (.xlsx) hoặc CSV
sheet-no-sheet = sổ làm việc không có trang tính nào
sheet-unreadable = không đọc được trang tính đầu tiên: { $reason }
sheet-empty = trang tính trống
sheet-unknown-column = cột không xác định “{ $column }”; các cột hợp lệ là { $columns }
sheet-header-needs = dòng tiêu đề cần có status và package_id, tracking_number hoặc order_id

## Tệp kết quả (cột message; các cột khác là từ khóa)
result-already-recorded = đã ghi nhận từ trước; không có gì thay đổi
result-no-status = không có trạng thái: giữ nguyên
result-not-applied = { $count } dòng đúng không được áp dụng vì có dòng bị từ chối: không có gì trong tệp này được áp dụng; hãy sửa các dòng đó rồi tải lại cả tệp
result-line = dòng { $line }: { $message }
result-try-again = podgate chưa áp dụng được tệp lúc này; hãy tải lên lại

## Bảng trả lời tải lên ở cổng
sheet-choose-file = Hãy chọn tệp trả lời để tải lên trước.
sheet-applied = Đã áp dụng { $lines } dòng của { $name }: ghi nhận { $recorded } câu trả lời, { $same } câu đã có từ trước.
sheet-unanswered = { $count } dòng chưa có trạng thái nên để nguyên (dòng { $rows }).
sheet-row = dòng { $row }: { $message }
sheet-refused = Không áp dụng gì từ { $name } ({ $held } dòng đúng bị giữ lại). Hãy sửa các lỗi sau rồi tải lên lại: { $reasons }

## Tài khoản SFTP và webhook ở cổng
sftp-key-added = Đã thêm khóa ({ $fingerprint }).
sftp-key-removed = Đã xóa khóa.
sftp-login-disabled = Đã tắt tài khoản: các phiên mới sẽ bị từ chối.
sftp-login-enabled = Đã bật tài khoản.
webhook-added = Đã thêm địa chỉ nhận. Hãy chép khóa ký bên dưới vào hệ thống của bạn để xác minh mỗi lần gửi.
webhook-queued-again = Đã xếp hàng lại với cùng webhook-id: sẽ gửi đi trong vài giây.
webhook-test-queued = Một sự kiện webhook.test đang được gửi; nó sẽ hiện bên dưới trong vài giây.
webhook-removed = Đã xóa địa chỉ nhận: nó sẽ không nhận gì nữa.

## Đăng nhập, mật khẩu, trang tài khoản
welcome = Chào mừng, { $name }.
reset-link-sent = Nếu có tài khoản dùng địa chỉ đó, đường dẫn đặt mật khẩu mới đang được gửi tới (có hiệu lực trong 30 phút).
reset-done = Đã đổi mật khẩu. Hãy đăng nhập bằng mật khẩu mới.
reset-link-dead = Đường dẫn đặt lại này đã được dùng hoặc đã hết hạn: hãy xin đường dẫn mới.
sign-in-throttled = Đăng nhập thất bại quá nhiều lần. Để bảo vệ bạn, việc đăng nhập tạm dừng; hãy thử lại sau { $minutes } phút.
sign-in-supplier-archived = Người bán đã lưu trữ tài khoản nhà cung cấp của bạn, nên podgate đã đóng với tài khoản này. Hãy nhờ người bán khôi phục lại.
sign-in-wrong = Email và mật khẩu không khớp. Hãy kiểm tra cả hai rồi thử lại.
signed-out = Bạn đã đăng xuất.
password-changed = Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã bị đăng xuất.
language-saved = Cổng này và email của bạn giờ dùng { $language }.
language-follows-browser = Cổng này và email của bạn giờ theo ngôn ngữ của trình duyệt.

## Phần hướng dẫn của bảng trả lời (lời nhắc của danh sách chọn: tiêu đề tối đa 32 ký tự, nội
## dung tối đa 255; tên trang hướng dẫn tối đa 31)
sheet-input-title = Trả lời
sheet-input-message = Chọn một từ khóa: accepted, một bước (received … packed), shipped, rejected (ghi lý do), backordered (ghi ngày dự kiến), hoặc khi có yêu cầu rút lại: pulled / already_shipped. Từ khóa giống nhau ở mọi ngôn ngữ.
sheet-help-name = Hướng dẫn
sheet-help-intro = Ghi một trong các từ khóa này vào cột status của trang đầu tiên, đúng như bên dưới (giống nhau ở mọi ngôn ngữ). Kiện nào chưa trả lời thì để trống status.
sheet-help-meaning = ý nghĩa
sheet-help-accepted = Bạn sẽ sản xuất và gửi kiện hàng này.
sheet-help-received = Đã nhận, và đơn đã vào hệ thống sản xuất của bạn.
sheet-help-in_production = Đã nhận và đang sản xuất.
sheet-help-printed = Đã in, chưa đóng gói.
sheet-help-packed = Đã đóng gói, chờ hãng vận chuyển.
sheet-help-shipped = Đã giao cho hãng vận chuyển.
sheet-help-rejected = Bạn không thể làm; ghi lý do vào cột reason.
sheet-help-backordered = Bị chậm (thiếu phôi hoặc vật liệu); ghi ngày dự kiến vào expected_date theo dạng YYYY-MM-DD.
sheet-help-pulled = Trả lời yêu cầu rút lại: kiện hàng đã được chặn và sẽ không gửi đi.
sheet-help-already_shipped = Trả lời yêu cầu rút lại: kiện hàng đã đi trước khi có yêu cầu.

## Quét đối chiếu
verify-scan-something = Hãy quét một mã trước.
verify-now-label = Đã thấy phiếu: giờ hãy quét nhãn của nó.
verify-packed = Đúng nhãn: kiện { $package } được ghi là đã đóng gói.
verify-packed-again = Đúng nhãn, quét lần nữa: kiện { $package } đã đóng gói từ trước.
verify-ticket-other-batch = { $code } là kiện của lô { $batch }, không phải lô này: hãy để nó vào lô đó.
verify-label-first = { $code } là nhãn: hãy quét phiếu sản xuất trước, rồi mới quét nhãn.
verify-unknown = { $code } không phải kiện hàng của bạn: hãy kiểm tra bạn đã quét phiếu của lô này.
verify-wrong-label = SAI NHÃN: nhãn này của kiện { $label_package } (lô { $batch }), không phải của { $ticket }. Đừng đóng chung.
verify-label-unknown = SAI NHÃN: { $code } không có trên nhãn nào của bạn, còn nhãn của kiện { $ticket } mang số khác. Đừng đóng chung.

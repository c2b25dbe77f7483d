## Messages put into words for a person: form errors, refusals, what was recorded. Plain text
## (shown in flash messages, files and mail), never markup.

## Passwords and accounts
password-too-short = Use at least { $min } characters; a few words together work well.
password-too-long = Use at most { $max } characters.
passwords-differ = The two passwords differ; type the same one twice.
new-passwords-differ = The two new passwords differ; type the same one twice.
enter-your-name = Enter your name.
enter-company-name = Enter your company's name.
too-long-200 = Use at most 200 characters.
language-unknown = Choose one of the languages listed.

## SFTP logins
sftp-bad-network = "{ $value }" is not an address or range like 203.0.113.0/24.
sftp-bad-username = Use 3 to 32 letters, digits, dots, dashes or underscores.
sftp-username-taken = That user name is taken; choose another.
sftp-bad-key = Paste one public key as ssh-keygen writes it: ssh-ed25519 AAAA… (one line).
sftp-key-exists = This key is already on this login.

## API tokens
token-bad-name = Name the system that will use the token (at most 80 characters).
token-no-scope = Choose what the token may do: read, download, acknowledge, or several.
token-bad-expiry = Choose one of the expiry periods offered.

## Webhook endpoints
webhook-long-description = Keep the description under 200 characters.
webhook-no-events = Choose at least one of the events listed.
webhook-long-url = Keep the address under 500 characters.
webhook-not-url = Not a web address ({ $reason }): enter one like https://erp.example.com/podgate/webhooks.
webhook-credentials-in-url = Leave the user name and password out of the address: each delivery is signed instead.
webhook-fragment = Leave the #fragment out of the address.
webhook-not-https = { $scheme }: addresses must start with https://.
webhook-http-public = Use https:// for an address on the internet (plain http only reaches your own network).
webhook-unresolved = { $host } does not resolve: { $reason }.
webhook-private = { $host } is a private or loopback address ({ $ip }); only public addresses are allowed unless the seller allows private ones for this supplier.
current-password-throttled = { $minutes ->
    [one] Too many wrong current passwords: try again in { $minutes } minute.
   *[other] Too many wrong current passwords: try again in { $minutes } minutes.
}
current-password-wrong = That is not your current password.
email-invalid = Enter an email address like name@example.com.

## Answers from the portal
acks-refused = { $reasons }. Nothing was changed.
ack-choose-answer = Choose an answer: accepted, rejected, backordered or shipped.
ack-bad-date = The expected date must look like 2026-12-01.
ack-select-packages = Select the packages to answer, then choose the answer.
ack-recorded-many = Recorded: { $status } for { $count ->
    [one] { $count } package
   *[other] { $count } packages
}{ $same ->
    [0] {""}
   *[other] {" "}({ $same } already had that answer)
}.
ack-recorded = Recorded: { $status }.
ack-nothing-changed = Already recorded; nothing changed.
accept-none-waiting = No package is waiting for an answer.
accept-done = { $count ->
    [one] Accepted { $count } package.
   *[other] Accepted { $count } packages.
}
token-revoked = Token revoked: systems using it are refused from now on.
company-language-saved = Mail to your contacts and your SFTP result files are now in { $language }.

## Acknowledgement lines refused (the API, result files, the portal)
ackfile-unknown-format = only .csv, .tsv, .txt, .xlsx and .json acknowledgement files are read; save it as one of those
ack-unknown-package = package { $package } is in none of your published batches
ack-unknown-order = order { $order } is in none of your published batches
ack-unknown-tracking = tracking number { $tracking } is on no label of your published batches
ack-unknown-row = this package is in none of your published batches
ack-no-pull-request = { $status } is only an answer to a pull request, and none was made for package { $package }
ack-pull-requested = package { $package } of order { $order } has a pull request (the order was cancelled): do not make or ship it; answer pulled, or already_shipped if it left
ack-order-cancelled = order { $order } was cancelled: do not make or ship package { $package }
ack-reject-needs-reason = package { $package }: a rejection needs a reason (the reason field, or the reason column of a file)
ack-backorder-needs-date = package { $package }: backordered needs the expected date (the expected date field, or the expected_date column of a file, as YYYY-MM-DD)
accept-count-changed = { $now } package(s) can be accepted now, not { $confirmed }: the batch changed (a pull request or an answer came in). Look at it again and confirm.

## Reading acknowledgement files
line-no-target = give package_id, tracking_number or order_id
line-no-status = no status: give the answer (accepted, rejected, backordered, shipped, pulled, already_shipped, or a step: received, in_production, printed, packed) or delete the row
line-bad-status = status "{ $status }" is not one of accepted, rejected, backordered, shipped, pulled, already_shipped
line-bad-date = expected_date "{ $date }" is not a date like 2026-12-01
line-long-reason = reason is longer than 500 characters
line-bad-json = { $reason }
file-too-large = the file is larger than { $mib } MiB; split it
file-no-status-yet = no row has a status yet: fill in the status column, then upload it again
file-no-lines = the file has no acknowledgement lines
file-bad-json = not JSON of the expected shape (a list of acknowledgements, or {"{"}"acks": [...]{"}"}): { $reason }
sheet-bad-header = unreadable header: { $reason }
sheet-bad-line = unreadable line: { $reason }
sheet-rounded-number = { $column }: { $value } is a number the spreadsheet rounded (ids are longer than a number cell keeps): format the column as Text and paste the ids again
sheet-cell-error = { $column }: the cell shows an error ({ $error })
sheet-not-xlsx = not an .xlsx workbook podgate can read ({ $reason }); save it as Excel Workbook (.xlsx) or CSV
sheet-no-sheet = the workbook has no sheet
sheet-unreadable = the first sheet cannot be read: { $reason }
sheet-empty = the sheet is empty
sheet-unknown-column = unknown column "{ $column }"; the columns are { $columns }
sheet-header-needs = the header needs status and package_id, tracking_number or order_id

## Result files (the message column; the other columns are keywords)
result-already-recorded = already recorded; nothing changed
result-no-status = no status: left as it was
result-not-applied = { $count } good line(s) not applied because of the refused lines: nothing in this file was applied; fix them and upload the whole file again
result-line = line { $line }: { $message }
result-try-again = podgate could not apply the file just now; upload it again

## Answer sheets uploaded in the portal
sheet-choose-file = Choose the answers file to upload first.
sheet-applied = Applied { $lines } line(s) of { $name }: { $recorded } answer(s) recorded, { $same } already recorded.
sheet-unanswered = { $count } row(s) without a status left unanswered (rows { $rows }).
sheet-row = row { $row }: { $message }
sheet-refused = Nothing was applied from { $name } ({ $held } good line(s) held back). Fix these and upload it again: { $reasons }

## SFTP logins and webhooks in the portal
sftp-key-added = Key added ({ $fingerprint }).
sftp-key-removed = Key removed.
sftp-login-disabled = Login disabled: new sessions are refused.
sftp-login-enabled = Login enabled.
webhook-added = Endpoint added. Copy its signing secret below into your system to verify each delivery.
webhook-queued-again = Queued again with the same webhook-id: it goes out within seconds.
webhook-test-queued = A webhook.test event is on its way; it appears below within seconds.
webhook-removed = Endpoint removed: it receives nothing more.

## Signing in, passwords, the account page
welcome = Welcome, { $name }.
reset-link-sent = If an account uses that address, a link to choose a new password is on its way (it works for 30 minutes).
reset-done = Your password is changed. Sign in with it.
reset-link-dead = This reset link was used already or has expired: ask for a new one.
sign-in-throttled = { $minutes ->
    [one] Too many failed sign-in attempts. For your security, sign-in is paused; try again in { $minutes } minute.
   *[other] Too many failed sign-in attempts. For your security, sign-in is paused; try again in { $minutes } minutes.
}
sign-in-supplier-archived = The seller archived your supplier account, so podgate is closed to it. Ask the seller to restore it.
sign-in-wrong = That email and password do not match. Check both and try again.
signed-out = You are signed out.
password-changed = Password changed. Your other sessions were signed out.
language-saved = This portal and your mail are now in { $language }.
language-follows-browser = This portal and your mail now follow your browser's language.

## The answer sheet's help (the drop-down's prompt: title at most 32 characters, message at
## most 255; the help sheet's name at most 31)
sheet-input-title = Answer
sheet-input-message = Choose a keyword: accepted, a step (received … packed), shipped, rejected (give a reason), backordered (give the expected date), or for a pull request pulled / already_shipped. The keywords are the same in every language.
sheet-help-name = help
sheet-help-intro = Write one of these keywords in the status column of the first sheet, exactly as shown (the same in every language). Leave the status empty for packages you have not answered yet.
sheet-help-meaning = meaning
sheet-help-accepted = You will make and ship the package.
sheet-help-received = Accepted, and the order is in your production system.
sheet-help-in_production = Accepted and being made.
sheet-help-printed = Printed, not packed yet.
sheet-help-packed = Packed, waiting for the carrier.
sheet-help-shipped = Handed to the carrier.
sheet-help-rejected = You cannot make it; give the reason in the reason column.
sheet-help-backordered = Delayed (a blank or material is missing); give the expected date in expected_date as YYYY-MM-DD.
sheet-help-pulled = Answer to a pull request: the package was stopped and will not ship.
sheet-help-already_shipped = Answer to a pull request: it had already left when the request came.

## Scan to verify
verify-scan-something = Scan a code first.
verify-now-label = Ticket found: now scan its label.
verify-packed = Right label: package { $package } is recorded as packed.
verify-packed-again = Right label, scanned again: package { $package } was already packed.
verify-ticket-other-batch = { $code } is a package of batch { $batch }, not this one: put it with that batch.
verify-label-first = { $code } is a label: scan the production ticket first, then the label.
verify-unknown = { $code } is no package of yours: check that you scanned a ticket of this batch.
verify-wrong-label = WRONG LABEL: this label is package { $label_package }'s (batch { $batch }), not { $ticket }'s. Do not pack them together.
verify-label-unknown = WRONG LABEL: { $code } is on none of your labels, and package { $ticket }'s label has another number. Do not pack them together.

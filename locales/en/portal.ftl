## The supplier portal's pages. These are HTML: a message may carry markup (<strong>, <code>,
## links); arguments are escaped before they are put in.

## Shared words
yes = yes
no = no
save = Save
cancel = Cancel
never = never
overdue = overdue
hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
batch-name = Batch { $seq }
back-to-batches = ← Your batches

pager-label = Pages
pager-rows = Rows { $first }–{ $last } of { $total }
pager-prev = Previous page
pager-next = Next page
## Layout
layout-skip = Skip to content
layout-nav-label = Main
nav-batches = Batches
nav-tokens = API tokens
nav-webhooks = Webhooks
nav-sftp = SFTP
nav-scorecard = Scorecard
nav-account = Account
layout-supplier-for = { $supplier } for <strong>{ $seller }</strong>
layout-sign-out = Sign out
layout-footer = podgate · supplier handoff for TikTok Shop sellers

## Portal home
portal-title = { $supplier } portal
portal-late = <strong>{ $count ->
    [one] { $count } package is past TikTok's in-transit deadline
   *[other] { $count } packages are past TikTok's in-transit deadline
}</strong> and not scanned by the carrier yet: hand them to the carrier now.
portal-due-soon = <strong>{ $count ->
    [one] { $count } package must be scanned by the carrier within 24 hours
   *[other] { $count } packages must be scanned by the carrier within 24 hours
}</strong> (TikTok's in-transit deadline).
portal-pulls = <strong>{ $count ->
    [one] { $count } package to pull:
   *[other] { $count } packages to pull:
}</strong> their orders were cancelled after the labels were sent. Open the batch marked below and answer "pulled" or "already shipped".
portal-batches = Handoff batches
portal-col-batch = Batch
portal-col-published = Published
portal-col-labels = Labels
portal-col-downloaded = Downloaded
portal-col-answers = Your answers
portal-col-due = Due
portal-new = new
portal-pull-count = pull { $count }
portal-waiting = { $count } waiting
portal-all-answered = all answered
portal-rejected = { $count } rejected
portal-no-batch = No batch yet. When your seller publishes one, it appears here and your contacts get an email.
portal-on-file = What the seller has on file for you
portal-contacts = Contacts
portal-ship-from = Ship from
portal-carriers = Carriers
portal-any-carrier = any
portal-cutoffs = Cut-off times
portal-ack-within = Acknowledge within
portal-print-layout = How batches print
print-layout-separate = two files in the same order: labels.pdf and tickets.pdf (a production ticket per label)
print-layout-pairs = one file, print.pdf: each production ticket followed by its label
portal-print-sort = Print order
print-sort-ship_by = most urgent first (TikTok's ship-by)
print-sort-sku = by SKU, a separator page before each SKU's run
print-sort-product = in runs of one product and placement, a separator page before each run
portal-page-size = Ticket page size
page-size-4x6 = 4x6 in
page-size-a6 = A6 (105x148 mm)
page-size-half_letter = half letter (5.5x8.5 in)
portal-zpl = ZPL for thermal printers
zpl-none = none (PDF only)
zpl-dpi = { $dpi } dpi, beside the PDFs
portal-label-names = Label file names in the zip
portal-api-hint = Systems can fetch batches and send acknowledgements with an <a href="/supplier/tokens">API token</a>.
portal-company-language = Language of your mail and files
portal-company-language-hint = Mail to your contacts who have no podgate account, and the result files in your SFTP <code>/results</code> folder, are written in this language. Each person chooses their own on the Account page. The status words in acknowledgement files stay the same English keywords in every language.

## Status words (the keywords of acknowledgement files stay English; these are their names)
status-pending = pending
status-accepted = accepted
status-received = received
status-in_production = in production
status-printed = printed
status-packed = packed
status-rejected = rejected
status-backordered = backordered
status-shipped = shipped
status-pulled = pulled
status-already_shipped = already shipped
channel-web = web
channel-api = api
channel-sftp = sftp
channel-cli = cli
channel-system = system
units = { $count ->
    [one] { $count } unit
   *[other] { $count } units
}

## A batch's page
batch-heading = { $supplier } · batch { $seq }
batch-pulls = <strong>{ $count ->
    [one] Pull { $count } package:
   *[other] Pull { $count } packages:
}</strong> their orders were cancelled. Do not ship them; answer "pulled" (or "already shipped") below.
batch-ack-by = Acknowledge by
batch-packages = Packages
batch-zip-sha = Zip SHA-256
batch-download = Download { $file }
batch-labels-only = Labels only (one PDF, 4x6)
batch-accept-all = Accept all { $count } waiting…
batch-accept-all-leaves-pulls = (packages with a pull request are left out)
batch-sheet = Answer in a spreadsheet
batch-sheet-hint = <a href="{ $xlsx }">Answer sheet (Excel)</a> · <a href="{ $csv }">as CSV</a>: every package of this batch, with a column for its answer. Fill in the status (and a reason or expected date where needed), then upload it here or drop it into SFTP <code>/inbox</code>.
batch-sheet-file = Answers file (.xlsx, .csv, .txt or .json)
batch-sheet-upload = Upload answers
batch-find = Find a package
batch-find-hint = Scan its label, or type the order id, package id or tracking number, then Enter.
batch-find-button = Find
batch-all-packages = All packages
batch-found = { $count ->
    [one] { $count } package matches <code>{ $find }</code>.
   *[other] { $count } packages match <code>{ $find }</code>.
}
batch-not-found = No package of this batch has the order id, package id or tracking number <code>{ $find }</code>. Check the batch number on the label.
batch-answer-selected-label = Answer the selected packages
batch-choose-answer = Choose an answer
batch-reason = Reason (for a rejection)
batch-expected = Expected date (backordered)
batch-answer-selected = Answer selected
batch-col-select = Select
batch-col-order = Order
batch-col-package = Package and label
batch-col-make = What to make
batch-col-ship-by = Ship by
batch-col-answer = Answer
batch-col-acknowledge = Acknowledge
batch-select-package = Select package { $package }
batch-print-again = Print this label again
batch-label-alt = Label of package { $package } (PDF)
batch-ticket = Production ticket
batch-no-artwork = No artwork in the seller's catalog for this SKU.
batch-expected-on = (expected { $date })
batch-answered-by = { $who } via { $channel }, { $when }
batch-pull-requested = Pull requested
batch-no-longer = no longer in this batch
batch-answer = Answer
batch-change-answer = Change the answer
batch-downloads = Downloads
batch-who-via = { $who } via { $channel }
batch-download-complete = complete
batch-download-partial = partial (bytes { $first }+{ $bytes })
batch-not-downloaded = Not downloaded yet.
batch-history = Answer history
batch-no-answers = No answers yet.

## Accepting every waiting package of a batch
accept-title = Accept batch { $seq }
accept-heading = { $count ->
    [one] Accept { $count } package of batch { $seq }?
   *[other] Accept { $count } packages of batch { $seq }?
}
accept-records = { $count ->
    [one] This records <strong>accepted</strong> for the package still waiting for an answer: you will make and ship it.
   *[other] This records <strong>accepted</strong> for the { $count } packages still waiting for an answer: you will make and ship them.
}
accept-pulls-left-out = <strong>{ $count ->
    [one] { $count } package with a pull request is left out:
   *[other] { $count } packages with a pull request are left out:
}</strong> their orders were cancelled. Do not make them; answer "pulled" (or "already shipped") on the batch page.
accept-others-keep = { $count ->
    [one] { $count } package already answered keeps its answer.
   *[other] { $count } packages already answered keep their answers.
}
accept-button = { $count ->
    [one] Accept { $count } package
   *[other] Accept { $count } packages
}

## Forms
form-has-errors = Some fields need attention; see below.
created-by = { $when } by { $who }

## API tokens
tokens-copy-now = Copy this token now; it is not shown again:
tokens-new = New token
tokens-name = Which system uses it
tokens-name-hint = For example Factory ERP.
tokens-scopes = What it may do
scope-read = list batches and their packages
scope-download = download batch files
scope-acknowledge = send answers and production steps
tokens-expires = Expires
tokens-in-days = in { $count } days
tokens-create = Create token
tokens-how = Send it as <code>Authorization: Bearer &lt;token&gt;</code>. <code>GET /api/v1/batches</code> lists your batches (scope <code>read</code>), <code>GET /api/v1/batches/&lt;n&gt;/&lt;zip&gt;</code> downloads one (<code>download</code>; Range supported), <code>POST /api/v1/acks</code> sends acknowledgements as JSON (<code>acknowledge</code>; also <code>received</code>, <code>in_production</code>, <code>printed</code>, <code>packed</code> as the package moves on the floor). A route the token has no scope for answers 403 <code>insufficient_scope</code>; an expired token 401 <code>token_expired</code>. The whole contract, every answer and error: <a href="/api/docs">API reference</a>. An acknowledgement looks like this:
tokens-list = Tokens
tokens-col-name = Name
tokens-col-may = May
tokens-col-created = Created
tokens-col-last-used = Last used
tokens-revoked = revoked { $when }
tokens-revoke = Revoke
tokens-none = No tokens yet.

## The SFTP drop
none = None.
none-yet = None yet.
lines = { $count ->
    [one] { $count } line
   *[other] { $count } lines
}
sftp-title = SFTP drop
sftp-password-once = Password for { $login } — copy it now; it is not shown again:
sftp-where = Where to connect
sftp-off = The SFTP drop is turned off on this podgate.
sftp-folders = Folders: <code>/outbox</code> (batches as <code>&lt;seller&gt;-&lt;supplier&gt;-&lt;number&gt;-&lt;day&gt;.zip</code>, e.g. <code>acme-prints-shirt-co-0007-2026-12-04.zip</code>, each with its <code>.sha256</code>, read-only), <code>/inbox</code> (drop acknowledgement files: CSV with <code>package_id</code>, <code>tracking_number</code> or <code>order_id</code>, <code>status</code>, <code>reason</code>, <code>expected_date</code>, or the same as JSON; upload under a temporary name like <code>*.filepart</code> and rename, or upload directly), <code>/results</code> (one result file per processed upload), <code>/archive</code> (older batches, and each processed upload as <code>&lt;number&gt;-&lt;its name&gt;</code>: the inbox keeps only what is still to come). File names may hold spaces and accents; they are kept as sent.
sftp-fingerprints = Host key fingerprints (check them on first connection):
sftp-logins = Logins
sftp-disabled = (disabled)
sftp-keys-only = Keys only
sftp-password-and-keys = Password and keys
sftp-from = from { $networks }
sftp-last-login = last login
sftp-remove = Remove
sftp-add-key-label = Add a public key
sftp-add-key = Add key
sftp-enable = Enable
sftp-disable = Disable
sftp-no-logins = No logins yet.
sftp-new-login = New login
sftp-username = User name
sftp-also-password = Also allow a password (generated, shown once)
sftp-allowed = Allowed addresses (optional)
sftp-create-login = Create login
sftp-failures = Failed sign-ins, last 7 days
sftp-failures-hint = Someone tried your SFTP logins or your people's portal accounts with a wrong password or key. Addresses that keep failing are banned for a while; your own logins keep working from other addresses.
sftp-col-when = When
sftp-col-account = Account
sftp-col-from = From
sftp-col-why = Why
sftp-portal-account = portal
sftp-unknown-address = unknown
failure-wrong-password = wrong password
failure-unknown-user = unknown user
failure-unknown-key = unknown key
failure-login-disabled = login disabled
failure-wrong-email-or-password = wrong email or password
sftp-uploads = Recent uploads
sftp-applied = applied
sftp-refused = refused
sftp-nothing-applied = nothing applied
sftp-result = result
sftp-file = file

## Webhooks
webhooks-intro = podgate tells your own systems the moment something happens: a new batch, a package to pull, answers recorded. Each delivery is a signed JSON <code>POST</code> (the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> format, so its libraries verify it in any language), retried for over a day until your endpoint answers 2xx.
webhooks-new = New endpoint
webhooks-url = Address (https://…)
webhooks-url-hint = Where your system listens, e.g. https://erp.example.com/podgate/webhooks. Addresses on a private network need the seller's permission.
webhooks-description = Description
webhooks-events = Events
event-batch-published = a new batch of labels is ready to download
event-package-pull_requested = stop a package: the seller asks you to pull it (answer pulled or already shipped)
event-package-cancelled = TikTok cancelled the order of a package you were handed
event-package-voided = the seller voided a package's label
event-package-rerouted = a package you rejected moved to another supplier
event-acknowledgement-applied = answers were recorded (from the portal, SFTP or the API)
event-webhook-test = a test event
webhooks-add = Add endpoint
webhooks-endpoints = Endpoints
webhooks-col-address = Address
webhooks-col-latest = Latest deliveries
webhooks-col-added = Added
webhooks-none = No endpoints yet.
delivery-pending = pending
delivery-delivered = delivered
delivery-failed = failed
webhook-title = Webhook endpoint
webhook-send-test = Send a test event
webhook-remove = Remove endpoint
webhook-verifying = Verifying a delivery
webhook-secret = Signing secret
webhook-verify-how = Each request carries <code>webhook-id</code> (the same on every retry: skip one you have seen), <code>webhook-timestamp</code> (Unix seconds) and <code>webhook-signature</code> (<code>v1,</code> and the base64 HMAC-SHA256, keyed with the base64 after <code>whsec_</code>, of <code>id.timestamp.body</code>). Any Standard Webhooks library checks it, e.g. in Python <code>standardwebhooks.Webhook(secret).verify(body, headers)</code>. Deliveries go out several at a time, so they may arrive out of order: each body has its <code>timestamp</code>. Answer 2xx within 10 seconds; anything else is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.
webhook-deliveries = Deliveries
webhook-col-event = Event
webhook-col-status = Status
webhook-col-attempts = Attempts
webhook-col-last-answer = Last answer
webhook-col-queued = Queued
webhook-next-try = next try { $when }
webhook-nothing-sent = Nothing sent yet. "Send a test event" to try your endpoint.
delivery-title = Webhook delivery
delivery-endpoint = Endpoint
delivery-send-again = Send again
delivery-send-again-hint = with the same webhook-id, so a receiver that already has it can skip it
delivery-col-time = Time
delivery-col-came-back = What came back
delivery-empty-body = an empty body
delivery-not-attempted = Not attempted yet.
delivery-body = Body

## Error pages
error-start-page = Go to the start page
error-request-id = Request id: <code>{ $id }</code> (status { $status })
error-400-title = That request did not make sense
error-400-next = Go back and try again.
error-401-title = Please sign in
error-401-next = Sign in to continue.
error-403-title = Not allowed
error-403-next = You do not have access to this. If you just submitted a form, reload the page and try again.
error-404-title = Page not found
error-404-next = Check the address, or go back to the start page.
error-409-title = That conflicts with something
error-409-next = Reload the page to see the current state.
error-413-title = That was too large
error-413-next = Send a smaller file or form.
error-422-title = Some of that input is not right
error-422-next = Go back, correct the form and send it again.
error-429-title = Too many attempts
error-429-next = Wait a few minutes, then try again.
error-503-title = podgate is busy
error-503-next = Try again in a moment.
error-other-title = Something went wrong
error-other-next = Try again. If it keeps happening, tell your administrator the request id below.

## Signing in and the account page
login-title = Sign in
login-email = Email
login-password = Password
password-hint = At least 10 characters.
forgot-title = Forgot your password?
forgot-intro = Enter your email address; we mail you a link to choose a new password.
forgot-send = Mail me a link
forgot-back = Back to sign in
invite-title = Join { $workspace }
invite-intro = You were invited as <strong>{ $email }</strong>. Choose your name and a password.
invite-name = Your name
invite-password-again = Password again
invite-join = Join
reset-title = Choose a new password
reset-same-again = The same password again
reset-set = Set password
reset-dead-link = This link was used already or has expired. <a href="/password/forgot">Ask for a new one</a>.
account-title = Your account
account-signed-in-as = Signed in as <strong>{ $email }</strong> ({ $role }). Active sessions: { $sessions }.
account-language = Language
account-language-hint = The language of this portal and of the mail podgate sends you. Times are shown in your supplier's time zone.
account-language-label = Your language
account-language-browser = As my browser says
account-language-save = Save language
account-change-password = Change password
account-password-signs-out = Changing your password signs out every other browser.
account-current-password = Current password
account-new-password = New password
account-new-password-again = New password again
role-owner = owner
role-staff = staff
role-supplier = supplier

## The scorecard
score-own-title = Your scorecard
score-intro = Labels bought in the last { $days } days, per supplier: how fast each answers, how long from label to the carrier's first scan, and how many missed TikTok's in-transit deadline (late dispatches, as TikTok counts them: scanned after the deadline, or not scanned by it).
score-window = Window
score-days = { $count } days
score-chart-title = Late dispatch rate per day of purchase
score-chart-hint = Every supplier together (dashed) and the { $count } with the highest late rate; the table lists each one. Days are UTC days.
score-nothing-decided = No label of these { $days } days has reached its in-transit deadline or a carrier scan yet: the chart starts with the first one.
score-figures = Your figures
score-col-supplier = Supplier
score-col-answer-time = Answer time (median / 90%)
score-col-to-scan = Label to first scan (median / 90%)
score-col-late = Late dispatches
score-col-stalled = Where late ones stalled
score-col-rejections = Rejections
score-late-of = ({ $late } of { $decided })
score-tiktok-limit = TikTok limits a shop whose late dispatch rate is above 10%.
score-no-labels = No label was bought in the last { $days } days.
score-chart-svg-title = Late dispatch rate per day of purchase (UTC), { $first } to { $last }
score-chart-all = All suppliers
step-bought = bought
step-published = published
step-downloaded = downloaded
step-acknowledged = acknowledged
step-received = received
step-in_production = in production
step-printed = printed
step-packed = packed
step-scanned = scanned
step-delivered = delivered
duration-min = { $m } min
duration-h-min = { $h } h { $m } min
duration-day-h = 1 day { $h } h
duration-days-h = { $d } days { $h } h

## Scan to verify at the packing bench
verify-link = Scan to verify (packing bench)
verify-title = Scan to verify · batch { $seq }
verify-intro = Scan a production ticket, then the shipping label you put on that package. When they belong together the package is recorded as packed. A USB scanner or a phone keyboard works: each scan ends with Enter.
verify-waiting = Ticket of package <strong>{ $package }</strong> (order { $order }): now scan its label.
verify-scan-ticket = Scan a ticket
verify-scan-label = Scan its label
verify-check = Check
verify-start-over = Start over with another ticket

## Mail to a supplier's people and contacts (plain text). Keywords a factory types into files
## (pulled, already_shipped) stay English.

mail-hello = Hello { $supplier },

## A new batch
mail-batch-subject = { $seller }: new batch { $batch } for { $supplier }, { $count } label(s)
mail-batch-sent = { $seller } sent you batch { $batch } ({ $zip }): { $count } package(s), each with its shipping label and print files.
mail-batch-link = Download it and acknowledge each package here:
mail-batch-due = Please acknowledge by { $when }.
mail-batch-ship-by = The first package must ship by { $when } (TikTok's deadline).
mail-batch-zip = The zip holds labels/ (one PDF per package), labels.pdf (all labels, ready to print on 4x6 stock), tickets.pdf (a production ticket per label, in the same order), manifest.csv and manifest.json, and SHA256SUMS.

## Pull a package
mail-pull-subject = { $seller }: pull package { $package } (order { $order }, batch { $batch }), the order was cancelled
mail-pull-why = { $seller }'s buyer cancelled order { $order } after its label was sent to you in batch { $batch }.
mail-pull-what = Please do not ship package { $package }. Take it out of production, then answer "pulled" (or "already shipped" if it left already) on the batch's page in your podgate portal, or in an acknowledgement file (status pulled or already_shipped).

## Labels the carrier has not scanned yet
mail-due-subject = { $seller }: { $count } label(s) with { $supplier } must be scanned by the carrier soon
mail-due-intro = { $count } label(s) of { $seller } with { $supplier } are not scanned by the carrier yet, and TikTok's in-transit deadline is near. TikTok counts an order late unless the carrier scans it by then: hand these packages to the carrier, or say in podgate why they are held.
mail-due-line = - order { $order }, package { $package }, tracking { $tracking }: in transit { $how }
mail-due-late = LATE since { $when }
mail-due-by = by { $when } ({ $hours } h { $minutes } min left)

## Invitations and password resets
mail-invite-portal = { $supplier }'s supplier portal
mail-invite-workspace = { $seller }
mail-invite-subject = You are invited to { $place } on podgate
mail-invite-intro = You have been invited to { $place } on podgate.
mail-invite-link = Choose your password here (the link works for { $hours } hours):
mail-reset-subject = Reset your podgate password
mail-reset-intro = Someone (we hope you) asked to reset your podgate password.
mail-reset-link = Choose a new one here (the link works for { $minutes } minutes, once):
mail-reset-not-you = If it was not you, ignore this message: your password stays as it is.

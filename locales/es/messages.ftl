## Mensajes para una persona: errores de formulario, rechazos, lo que se registró. Texto plano
## (en avisos, archivos y correos), sin marcas.

## Contraseñas y cuentas
password-too-short = Usa al menos { $min } caracteres; unas cuantas palabras juntas funcionan bien.
password-too-long = Usa como máximo { $max } caracteres.
passwords-differ = Las dos contraseñas no coinciden; escribe la misma dos veces.
new-passwords-differ = Las dos contraseñas nuevas no coinciden; escribe la misma dos veces.
enter-your-name = Escribe tu nombre.
enter-company-name = Escribe el nombre de tu empresa.
too-long-200 = Usa como máximo 200 caracteres.
language-unknown = Elige uno de los idiomas de la lista.

## Usuarios SFTP
sftp-bad-network = «{ $value }» no es una dirección ni un rango como 203.0.113.0/24.
sftp-bad-username = Usa de 3 a 32 letras, números, puntos, guiones o guiones bajos.
sftp-username-taken = Ese nombre de usuario ya existe; elige otro.
sftp-bad-key = Pega una clave pública tal como la escribe ssh-keygen: ssh-ed25519 AAAA… (una línea).
sftp-key-exists = Este usuario ya tiene esa clave.

## Tokens de API
token-bad-name = Escribe el nombre del sistema que usará el token (máximo 80 caracteres).
token-no-scope = Elige qué puede hacer el token: read, download, acknowledge, o varios.
token-bad-expiry = Elige uno de los plazos de vencimiento ofrecidos.

## Endpoints de webhook
webhook-long-description = La descripción debe tener menos de 200 caracteres.
webhook-no-events = Elige al menos uno de los eventos de la lista.
webhook-long-url = La dirección debe tener menos de 500 caracteres.
webhook-not-url = No es una dirección web ({ $reason }): escribe una como https://erp.example.com/podgate/webhooks.
webhook-credentials-in-url = No pongas usuario ni contraseña en la dirección: cada envío va firmado.
webhook-fragment = Quita el #fragmento de la dirección.
webhook-not-https = { $scheme }: las direcciones deben empezar con https://.
webhook-http-public = Usa https:// para una dirección en internet (http sin cifrar solo llega a tu propia red).
webhook-unresolved = { $host } no se puede resolver: { $reason }.
webhook-private = { $host } es una dirección privada o local ({ $ip }); solo se permiten direcciones públicas, salvo que el vendedor permita las privadas para este proveedor.
current-password-throttled = { $minutes ->
    [one] Demasiados intentos con la contraseña actual equivocada: inténtalo de nuevo en { $minutes } minuto.
   *[other] Demasiados intentos con la contraseña actual equivocada: inténtalo de nuevo en { $minutes } minutos.
}
current-password-wrong = Esa no es tu contraseña actual.
email-invalid = Escribe un correo electrónico como nombre@ejemplo.com.

## Respuestas desde el portal
acks-refused = { $reasons }. No se cambió nada.
ack-choose-answer = Elige una respuesta: aceptado (accepted), rechazado (rejected), en espera de stock (backordered) o enviado (shipped).
ack-bad-date = La fecha prevista debe tener el formato 2026-12-01.
ack-select-packages = Selecciona los paquetes que quieres responder y luego elige la respuesta.
ack-recorded-many = Registrado: { $status } para { $count ->
    [one] { $count } paquete
   *[other] { $count } paquetes
}{ $same ->
    [0] {""}
   *[other] {" "}({ $same } ya tenían esa respuesta)
}.
ack-recorded = Registrado: { $status }.
ack-nothing-changed = Ya estaba registrado; no cambió nada.
accept-none-waiting = Ningún paquete espera respuesta.
accept-done = { $count ->
    [one] Se aceptó { $count } paquete.
   *[other] Se aceptaron { $count } paquetes.
}
token-revoked = Token revocado: los sistemas que lo usen serán rechazados a partir de ahora.
company-language-saved = Los correos a tus contactos y tus archivos de resultado SFTP ahora están en { $language }.

## Líneas de respuesta rechazadas (la API, los archivos de resultado, el portal)
ackfile-unknown-format = solo se leen archivos de respuesta .csv, .tsv, .txt, .xlsx y .json; guárdalo en uno de esos formatos
ack-unknown-package = el paquete { $package } no está en ninguno de tus lotes publicados
ack-unknown-order = el pedido { $order } no está en ninguno de tus lotes publicados
ack-unknown-tracking = el número de rastreo { $tracking } no aparece en ninguna guía de tus lotes publicados
ack-unknown-row = este paquete no está en ninguno de tus lotes publicados
ack-no-pull-request = { $status } solo responde a una solicitud de retiro, y no se hizo ninguna para el paquete { $package }
ack-pull-requested = el paquete { $package } del pedido { $order } tiene una solicitud de retiro (el pedido se canceló): no lo produzcas ni lo envíes; responde pulled, o already_shipped si ya salió
ack-order-cancelled = el pedido { $order } se canceló: no produzcas ni envíes el paquete { $package }
ack-reject-needs-reason = paquete { $package }: un rechazo necesita un motivo (el campo de motivo, o la columna reason de un archivo)
ack-backorder-needs-date = paquete { $package }: backordered necesita la fecha prevista (el campo de fecha prevista, o la columna expected_date de un archivo, como AAAA-MM-DD)
accept-count-changed = Ahora se pueden aceptar { $now } paquetes, no { $confirmed }: el lote cambió (llegó una solicitud de retiro o una respuesta). Revísalo otra vez y confirma.

## Lectura de los archivos de respuesta
line-no-target = indica package_id, tracking_number u order_id
line-no-status = sin estado: escribe la respuesta (accepted, rejected, backordered, shipped, pulled, already_shipped, o un paso: received, in_production, printed, packed) o borra la fila
line-bad-status = el estado «{ $status }» no es ninguno de accepted, rejected, backordered, shipped, pulled, already_shipped
line-bad-date = expected_date «{ $date }» no es una fecha como 2026-12-01
line-long-reason = el motivo tiene más de 500 caracteres
line-bad-json = { $reason }
file-too-large = el archivo pesa más de { $mib } MiB; divídelo
file-no-status-yet = ninguna fila tiene estado todavía: llena la columna status y vuelve a subirlo
file-no-lines = el archivo no tiene líneas de respuesta
file-bad-json = no es un JSON con la forma esperada (una lista de respuestas, o {"{"}"acks": [...]{"}"}): { $reason }
sheet-bad-header = no se puede leer el encabezado: { $reason }
sheet-bad-line = no se puede leer la línea: { $reason }
sheet-rounded-number = { $column }: { $value } es un número que la hoja de cálculo redondeó (los ids son más largos de lo que guarda una celda numérica): da a la columna formato de Texto y vuelve a pegar los ids
sheet-cell-error = { $column }: la celda muestra un error ({ $error })
sheet-not-xlsx = no es un libro .xlsx que podgate pueda leer ({ $reason }); guárdalo como Libro de Excel (.xlsx) o CSV
sheet-no-sheet = el libro no tiene hojas
sheet-unreadable = no se puede leer la primera hoja: { $reason }
sheet-empty = la hoja está vacía
sheet-unknown-column = columna desconocida «{ $column }»; las columnas son { $columns }
sheet-header-needs = el encabezado necesita status y package_id, tracking_number u order_id

## Archivos de resultado (la columna message; las demás columnas son palabras clave)
result-already-recorded = ya estaba registrado; no cambió nada
result-no-status = sin estado: se dejó como estaba
result-not-applied = { $count ->
    [one] { $count } línea correcta no se aplicó por las líneas rechazadas: no se aplicó nada de este archivo; corrígelas y vuelve a subir el archivo completo
   *[other] { $count } líneas correctas no se aplicaron por las líneas rechazadas: no se aplicó nada de este archivo; corrígelas y vuelve a subir el archivo completo
}
result-line = línea { $line }: { $message }
result-try-again = podgate no pudo aplicar el archivo en este momento; vuelve a subirlo

## Hojas de respuestas subidas en el portal
sheet-choose-file = Primero elige el archivo de respuestas que vas a subir.
sheet-applied = Se aplicaron { $lines } líneas de { $name }: { $recorded } respuestas registradas, { $same } ya estaban registradas.
sheet-unanswered = { $count } filas sin estado quedaron sin responder (filas { $rows }).
sheet-row = fila { $row }: { $message }
sheet-refused = No se aplicó nada de { $name } ({ $held } líneas correctas en espera). Corrige esto y vuelve a subirlo: { $reasons }

## Usuarios SFTP y webhooks en el portal
sftp-key-added = Clave agregada ({ $fingerprint }).
sftp-key-removed = Clave quitada.
sftp-login-disabled = Usuario desactivado: se rechazan las nuevas sesiones.
sftp-login-enabled = Usuario activado.
webhook-added = Endpoint agregado. Copia abajo su secreto de firma en tu sistema para verificar cada envío.
webhook-queued-again = En cola otra vez con el mismo webhook-id: sale en unos segundos.
webhook-test-queued = Va en camino un evento webhook.test; aparecerá abajo en unos segundos.
webhook-removed = Endpoint eliminado: ya no recibirá nada.

## Inicio de sesión, contraseñas, la página de la cuenta
welcome = Te damos la bienvenida, { $name }.
reset-link-sent = Si alguna cuenta usa esa dirección, ya va en camino un enlace para elegir una contraseña nueva (vale 30 minutos).
reset-done = Tu contraseña cambió. Inicia sesión con ella.
reset-link-dead = Este enlace ya se usó o venció: pide uno nuevo.
sign-in-throttled = { $minutes ->
    [one] Demasiados intentos fallidos. Por tu seguridad, el inicio de sesión está en pausa; inténtalo de nuevo en { $minutes } minuto.
   *[other] Demasiados intentos fallidos. Por tu seguridad, el inicio de sesión está en pausa; inténtalo de nuevo en { $minutes } minutos.
}
sign-in-supplier-archived = El vendedor archivó tu cuenta de proveedor, así que podgate está cerrado para ella. Pide al vendedor que la restaure.
sign-in-wrong = El correo y la contraseña no coinciden. Revisa ambos e inténtalo de nuevo.
signed-out = Cerraste sesión.
password-changed = Contraseña cambiada. Se cerraron tus otras sesiones.
language-saved = Este portal y tus correos ahora están en { $language }.
language-follows-browser = Este portal y tus correos ahora siguen el idioma de tu navegador.

## La ayuda de la hoja de respuestas (el aviso de la lista: título de 32 caracteres como
## máximo, mensaje de 255; el nombre de la hoja de ayuda, 31)
sheet-input-title = Respuesta
sheet-input-message = Elige una palabra clave: accepted, un paso (received … packed), shipped, rejected (indica el motivo), backordered (indica la fecha prevista) o, ante una solicitud de retiro, pulled / already_shipped. Son iguales en todos los idiomas.
sheet-help-name = Ayuda
sheet-help-intro = Escribe una de estas palabras clave en la columna status de la primera hoja, tal como aparece (es igual en todos los idiomas). Deja el estado vacío en los paquetes que aún no respondes.
sheet-help-meaning = significado
sheet-help-accepted = Producirás y enviarás el paquete.
sheet-help-received = Aceptado, y el pedido ya está en tu sistema de producción.
sheet-help-in_production = Aceptado y en producción.
sheet-help-printed = Impreso, aún sin empacar.
sheet-help-packed = Empacado, en espera de la paquetería.
sheet-help-shipped = Entregado a la paquetería.
sheet-help-rejected = No puedes producirlo; indica el motivo en la columna reason.
sheet-help-backordered = Con retraso (falta una prenda base o material); indica la fecha prevista en expected_date como AAAA-MM-DD.
sheet-help-pulled = Respuesta a una solicitud de retiro: el paquete se detuvo y no se enviará.
sheet-help-already_shipped = Respuesta a una solicitud de retiro: ya había salido cuando llegó la solicitud.

## Escanear para verificar
verify-scan-something = Primero escanea un código.
verify-now-label = Hoja encontrada: ahora escanea su guía.
verify-packed = Guía correcta: el paquete { $package } queda registrado como empacado.
verify-packed-again = Guía correcta, escaneada otra vez: el paquete { $package } ya estaba empacado.
verify-ticket-other-batch = { $code } es un paquete del lote { $batch }, no de este: ponlo con ese lote.
verify-label-first = { $code } es una guía: escanea primero la hoja de producción y luego la guía.
verify-unknown = { $code } no es ninguno de tus paquetes: revisa que escaneaste una hoja de este lote.
verify-wrong-label = GUÍA EQUIVOCADA: esta guía es del paquete { $label_package } (lote { $batch }), no del { $ticket }. No los empaques juntos.
verify-label-unknown = GUÍA EQUIVOCADA: { $code } no está en ninguna de tus guías, y la guía del paquete { $ticket } tiene otro número. No los empaques juntos.

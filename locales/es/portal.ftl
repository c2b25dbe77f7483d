## Las páginas del portal del proveedor (HTML: un mensaje puede llevar marcas; los argumentos se
## escapan antes de insertarlos).

## Palabras comunes
yes = sí
no = no
save = Guardar
cancel = Cancelar
never = nunca
overdue = vencido
hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}
batch-name = Lote { $seq }
back-to-batches = ← Tus lotes

pager-label = Páginas
pager-rows = Filas { $first }–{ $last } de { $total }
pager-prev = Página anterior
pager-next = Página siguiente
## Estructura de la página
layout-skip = Ir al contenido
layout-nav-label = Principal
nav-batches = Lotes
nav-tokens = Tokens de API
nav-webhooks = Webhooks
nav-sftp = SFTP
nav-scorecard = Desempeño
nav-account = Cuenta
layout-supplier-for = { $supplier } para <strong>{ $seller }</strong>
layout-sign-out = Cerrar sesión
layout-footer = podgate · entrega de pedidos entre vendedores de TikTok Shop y sus proveedores

## Inicio del portal
portal-title = Portal de { $supplier }
portal-late = <strong>{ $count ->
    [one] { $count } paquete superó el plazo de tránsito de TikTok
   *[other] { $count } paquetes superaron el plazo de tránsito de TikTok
}</strong> y la paquetería aún no lo ha escaneado: entrégalos a la paquetería ahora.
portal-due-soon = <strong>{ $count ->
    [one] { $count } paquete debe ser escaneado por la paquetería en menos de 24 horas
   *[other] { $count } paquetes deben ser escaneados por la paquetería en menos de 24 horas
}</strong> (plazo de tránsito de TikTok).
portal-pulls = <strong>{ $count ->
    [one] { $count } paquete por retirar:
   *[other] { $count } paquetes por retirar:
}</strong> sus pedidos se cancelaron después de enviar las guías. Abre el lote marcado abajo y responde «retirado» o «ya enviado».
portal-batches = Lotes de entrega
portal-col-batch = Lote
portal-col-published = Publicado
portal-col-labels = Guías
portal-col-downloaded = Descargado
portal-col-answers = Tus respuestas
portal-col-due = Vence
portal-new = nuevo
portal-pull-count = retirar { $count }
portal-waiting = { $count } en espera
portal-all-answered = todo respondido
portal-rejected = { $count } rechazados
portal-no-batch = Todavía no hay lotes. Cuando tu vendedor publique uno, aparecerá aquí y tus contactos recibirán un correo.
portal-on-file = Lo que el vendedor tiene registrado de ti
portal-contacts = Contactos
portal-ship-from = Envía desde
portal-carriers = Paqueterías
portal-any-carrier = cualquiera
portal-cutoffs = Horas de corte
portal-ack-within = Responder en
portal-print-layout = Cómo se imprimen los lotes
print-layout-separate = dos archivos en el mismo orden: labels.pdf y tickets.pdf (una hoja de producción por guía)
print-layout-pairs = un archivo, print.pdf: cada hoja de producción seguida de su guía
portal-print-sort = Orden de impresión
print-sort-ship_by = lo más urgente primero (fecha límite de envío de TikTok)
print-sort-sku = por SKU, una hoja separadora antes de cada SKU
print-sort-product = en tandas de un producto y una ubicación, una hoja separadora antes de cada tanda
portal-page-size = Tamaño de la hoja de producción
page-size-4x6 = 4x6 pulg.
page-size-a6 = A6 (105x148 mm)
page-size-half_letter = media carta (5.5x8.5 pulg.)
portal-zpl = ZPL para impresoras térmicas
zpl-none = ninguno (solo PDF)
zpl-dpi = { $dpi } dpi, junto a los PDF
portal-label-names = Nombres de las guías en el zip
portal-api-hint = Tus sistemas pueden descargar lotes y enviar respuestas con un <a href="/supplier/tokens">token de API</a>.
portal-company-language = Idioma de tus correos y archivos
portal-company-language-hint = Los correos a tus contactos que no tienen cuenta en podgate y los archivos de resultado de tu carpeta SFTP <code>/results</code> se escriben en este idioma. Cada persona elige el suyo en la página Cuenta. Las palabras de estado de los archivos de respuesta siguen siendo las mismas palabras clave en inglés en todos los idiomas.

## Nombres de los estados (las palabras clave de los archivos de respuesta siguen en inglés)
status-pending = pendiente
status-accepted = aceptado
status-received = recibido
status-in_production = en producción
status-printed = impreso
status-packed = empacado
status-rejected = rechazado
status-backordered = en espera de stock
status-shipped = enviado
status-pulled = retirado
status-already_shipped = ya enviado
channel-web = web
channel-api = API
channel-sftp = SFTP
channel-cli = línea de comandos
channel-system = sistema
units = { $count ->
    [one] { $count } unidad
   *[other] { $count } unidades
}

## La página de un lote
batch-heading = { $supplier } · lote { $seq }
batch-pulls = <strong>{ $count ->
    [one] Retira { $count } paquete:
   *[other] Retira { $count } paquetes:
}</strong> sus pedidos se cancelaron. No los envíes; responde «retirado» (o «ya enviado») abajo.
batch-ack-by = Responder antes de
batch-packages = Paquetes
batch-zip-sha = SHA-256 del zip
batch-download = Descargar { $file }
batch-labels-only = Solo guías (un PDF, 4x6)
batch-accept-all = Aceptar los { $count } en espera…
batch-accept-all-leaves-pulls = (se excluyen los paquetes con solicitud de retiro)
batch-sheet = Responder con una hoja de cálculo
batch-sheet-hint = <a href="{ $xlsx }">Hoja de respuestas (Excel)</a> · <a href="{ $csv }">en CSV</a>: todos los paquetes de este lote, con una columna para la respuesta. Llena el estado (y un motivo o una fecha prevista cuando haga falta) y súbela aquí o déjala en la carpeta SFTP <code>/inbox</code>.
batch-sheet-file = Archivo de respuestas (.xlsx, .csv, .txt o .json)
batch-sheet-upload = Subir respuestas
batch-find = Buscar un paquete
batch-find-hint = Escanea su guía o escribe el número de pedido, de paquete o de rastreo y pulsa Enter.
batch-find-button = Buscar
batch-all-packages = Todos los paquetes
batch-found = { $count ->
    [one] { $count } paquete coincide con <code>{ $find }</code>.
   *[other] { $count } paquetes coinciden con <code>{ $find }</code>.
}
batch-not-found = Ningún paquete de este lote tiene el número de pedido, de paquete o de rastreo <code>{ $find }</code>. Revisa el número de lote en la guía.
batch-answer-selected-label = Responder los paquetes seleccionados
batch-choose-answer = Elige una respuesta
batch-reason = Motivo (si rechazas)
batch-expected = Fecha prevista (en espera de stock)
batch-answer-selected = Responder selección
batch-col-select = Seleccionar
batch-col-order = Pedido
batch-col-package = Paquete y guía
batch-col-make = Qué producir
batch-col-ship-by = Enviar antes de
batch-col-answer = Respuesta
batch-col-acknowledge = Responder
batch-select-package = Seleccionar el paquete { $package }
batch-print-again = Volver a imprimir esta guía
batch-label-alt = Guía del paquete { $package } (PDF)
batch-ticket = Hoja de producción
batch-no-artwork = El catálogo del vendedor no tiene diseño para este SKU.
batch-expected-on = (previsto para el { $date })
batch-answered-by = { $who } por { $channel }, { $when }
batch-pull-requested = Retiro solicitado
batch-no-longer = ya no está en este lote
batch-answer = Respuesta
batch-change-answer = Cambiar la respuesta
batch-downloads = Descargas
batch-who-via = { $who } por { $channel }
batch-download-complete = completa
batch-download-partial = parcial ({ $bytes } bytes desde el byte { $first })
batch-not-downloaded = Aún no se ha descargado.
batch-history = Historial de respuestas
batch-no-answers = Aún no hay respuestas.

## Aceptar todos los paquetes en espera de un lote
accept-title = Aceptar el lote { $seq }
accept-heading = { $count ->
    [one] ¿Aceptar { $count } paquete del lote { $seq }?
   *[other] ¿Aceptar { $count } paquetes del lote { $seq }?
}
accept-records = { $count ->
    [one] Esto registra <strong>aceptado</strong> para el paquete que sigue esperando respuesta: lo producirás y lo enviarás.
   *[other] Esto registra <strong>aceptado</strong> para los { $count } paquetes que siguen esperando respuesta: los producirás y los enviarás.
}
accept-pulls-left-out = <strong>{ $count ->
    [one] Se excluye { $count } paquete con solicitud de retiro:
   *[other] Se excluyen { $count } paquetes con solicitud de retiro:
}</strong> sus pedidos se cancelaron. No los produzcas; responde «retirado» (o «ya enviado») en la página del lote.
accept-others-keep = { $count ->
    [one] { $count } paquete ya respondido conserva su respuesta.
   *[other] { $count } paquetes ya respondidos conservan sus respuestas.
}
accept-button = { $count ->
    [one] Aceptar { $count } paquete
   *[other] Aceptar { $count } paquetes
}

## Formularios
form-has-errors = Algunos campos necesitan corrección; míralos abajo.
created-by = { $when }, por { $who }

## Tokens de API
tokens-copy-now = Copia este token ahora; no se volverá a mostrar:
tokens-new = Nuevo token
tokens-name = Qué sistema lo usa
tokens-name-hint = Por ejemplo, el ERP de la fábrica.
tokens-scopes = Qué puede hacer
scope-read = ver los lotes y sus paquetes
scope-download = descargar los archivos de los lotes
scope-acknowledge = enviar respuestas y avances de producción
tokens-expires = Vence
tokens-in-days = en { $count } días
tokens-create = Crear token
tokens-how = Envíalo como <code>Authorization: Bearer &lt;token&gt;</code>. <code>GET /api/v1/batches</code> lista tus lotes (permiso <code>read</code>), <code>GET /api/v1/batches/&lt;n&gt;/&lt;zip&gt;</code> descarga uno (<code>download</code>; admite Range), <code>POST /api/v1/acks</code> envía respuestas en JSON (<code>acknowledge</code>; también <code>received</code>, <code>in_production</code>, <code>printed</code>, <code>packed</code> según avanza el paquete en el taller). Una ruta para la que el token no tiene permiso responde 403 <code>insufficient_scope</code>; un token vencido, 401 <code>token_expired</code>. El contrato completo, con cada respuesta y error: <a href="/api/docs">referencia de la API</a>. Una respuesta se ve así:
tokens-list = Tokens
tokens-col-name = Nombre
tokens-col-may = Permisos
tokens-col-created = Creado
tokens-col-last-used = Último uso
tokens-revoked = revocado el { $when }
tokens-revoke = Revocar
tokens-none = Aún no hay tokens.

## La carpeta SFTP
none = Ninguno.
none-yet = Todavía ninguno.
lines = { $count ->
    [one] { $count } línea
   *[other] { $count } líneas
}
sftp-title = Carpeta SFTP
sftp-password-once = Contraseña de { $login }: cópiala ahora; no se volverá a mostrar:
sftp-where = Cómo conectarse
sftp-off = La carpeta SFTP está desactivada en este podgate.
sftp-folders = Carpetas: <code>/outbox</code> (lotes con el nombre <code>&lt;vendedor&gt;-&lt;proveedor&gt;-&lt;número&gt;-&lt;día&gt;.zip</code>, por ejemplo <code>acme-prints-shirt-co-0007-2026-12-04.zip</code>, cada uno con su <code>.sha256</code>, solo lectura), <code>/inbox</code> (deja aquí los archivos de respuesta: CSV con <code>package_id</code>, <code>tracking_number</code> u <code>order_id</code>, <code>status</code>, <code>reason</code>, <code>expected_date</code>, o lo mismo en JSON; súbelos con un nombre temporal como <code>*.filepart</code> y renómbralos, o súbelos directamente), <code>/results</code> (un archivo de resultado por cada archivo procesado), <code>/archive</code> (lotes anteriores, y cada archivo procesado como <code>&lt;número&gt;-&lt;su nombre&gt;</code>: la bandeja de entrada solo guarda lo pendiente). Los nombres de archivo pueden llevar espacios y acentos; se conservan tal como llegan.
sftp-fingerprints = Huellas de la clave del servidor (compruébalas en la primera conexión):
sftp-logins = Usuarios
sftp-disabled = (desactivado)
sftp-keys-only = Solo claves
sftp-password-and-keys = Contraseña y claves
sftp-from = desde { $networks }
sftp-last-login = último acceso
sftp-remove = Quitar
sftp-add-key-label = Agregar una clave pública
sftp-add-key = Agregar clave
sftp-enable = Activar
sftp-disable = Desactivar
sftp-no-logins = Aún no hay usuarios.
sftp-new-login = Nuevo usuario
sftp-username = Nombre de usuario
sftp-also-password = Permitir también contraseña (generada, se muestra una sola vez)
sftp-allowed = Direcciones permitidas (opcional)
sftp-create-login = Crear usuario
sftp-failures = Accesos fallidos, últimos 7 días
sftp-failures-hint = Alguien intentó entrar a tus usuarios SFTP o a las cuentas del portal de tu equipo con una contraseña o clave incorrecta. Las direcciones que siguen fallando quedan bloqueadas un tiempo; tus propios usuarios siguen funcionando desde otras direcciones.
sftp-col-when = Cuándo
sftp-col-account = Cuenta
sftp-col-from = Desde
sftp-col-why = Motivo
sftp-portal-account = portal
sftp-unknown-address = desconocida
failure-wrong-password = contraseña incorrecta
failure-unknown-user = usuario desconocido
failure-unknown-key = clave no registrada
failure-login-disabled = usuario desactivado
failure-wrong-email-or-password = correo o contraseña incorrectos
sftp-uploads = Archivos recientes
sftp-applied = aplicado
sftp-refused = rechazado
sftp-nothing-applied = no se aplicó nada
sftp-result = resultado
sftp-file = archivo

## Webhooks
webhooks-intro = podgate avisa a tus propios sistemas en cuanto pasa algo: un lote nuevo, un paquete por retirar, respuestas registradas. Cada envío es un <code>POST</code> JSON firmado (con el formato <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>, cuyas bibliotecas lo verifican en cualquier lenguaje) y se reintenta durante más de un día hasta que tu endpoint responda 2xx.
webhooks-new = Nuevo endpoint
webhooks-url = Dirección (https://…)
webhooks-url-hint = Donde escucha tu sistema, por ejemplo https://erp.example.com/podgate/webhooks. Las direcciones de una red privada necesitan el permiso del vendedor.
webhooks-description = Descripción
webhooks-events = Eventos
event-batch-published = hay un lote nuevo de guías listo para descargar
event-package-pull_requested = detener un paquete: el vendedor pide retirarlo (responde retirado o ya enviado)
event-package-cancelled = TikTok canceló el pedido de un paquete que se te entregó
event-package-voided = el vendedor anuló la guía de un paquete
event-package-rerouted = un paquete que rechazaste pasó a otro proveedor
event-acknowledgement-applied = se registraron respuestas (desde el portal, SFTP o la API)
event-webhook-test = un evento de prueba
webhooks-add = Agregar endpoint
webhooks-endpoints = Endpoints
webhooks-col-address = Dirección
webhooks-col-latest = Últimos envíos
webhooks-col-added = Agregado
webhooks-none = Aún no hay endpoints.
delivery-pending = pendiente
delivery-delivered = entregado
delivery-failed = fallido
webhook-title = Endpoint de webhook
webhook-send-test = Enviar un evento de prueba
webhook-remove = Eliminar endpoint
webhook-verifying = Cómo verificar un envío
webhook-secret = Secreto de firma
webhook-verify-how = Cada solicitud lleva <code>webhook-id</code> (el mismo en cada reintento: ignora los que ya viste), <code>webhook-timestamp</code> (segundos Unix) y <code>webhook-signature</code> (<code>v1,</code> y el HMAC-SHA256 en base64 de <code>id.timestamp.body</code>, con la parte en base64 que sigue a <code>whsec_</code> como clave). Cualquier biblioteca de Standard Webhooks lo comprueba, por ejemplo en Python <code>standardwebhooks.Webhook(secret).verify(body, headers)</code>. Los envíos salen en paralelo, así que pueden llegar desordenados: cada cuerpo trae su <code>timestamp</code>. Responde 2xx en menos de 10 segundos; cualquier otra cosa se reintenta a los 5 s, 5 min, 30 min, 2 h, 5 h, 10 h y 10 h.
webhook-deliveries = Envíos
webhook-col-event = Evento
webhook-col-status = Estado
webhook-col-attempts = Intentos
webhook-col-last-answer = Última respuesta
webhook-col-queued = En cola desde
webhook-next-try = próximo intento { $when }
webhook-nothing-sent = Aún no se ha enviado nada. Usa «Enviar un evento de prueba» para probar tu endpoint.
delivery-title = Envío de webhook
delivery-endpoint = Endpoint
delivery-send-again = Enviar de nuevo
delivery-send-again-hint = con el mismo webhook-id, para que un receptor que ya lo tiene pueda ignorarlo
delivery-col-time = Duración
delivery-col-came-back = Qué respondió
delivery-empty-body = un cuerpo vacío
delivery-not-attempted = Aún no se ha intentado.
delivery-body = Cuerpo

## Páginas de error
error-start-page = Ir a la página de inicio
error-request-id = Id de la solicitud: <code>{ $id }</code> (estado { $status })
error-400-title = No entendimos esa solicitud
error-400-next = Vuelve atrás e inténtalo de nuevo.
error-401-title = Inicia sesión
error-401-next = Inicia sesión para continuar.
error-403-title = No permitido
error-403-next = No tienes acceso a esto. Si acabas de enviar un formulario, recarga la página e inténtalo de nuevo.
error-404-title = Página no encontrada
error-404-next = Revisa la dirección o vuelve a la página de inicio.
error-409-title = Eso choca con el estado actual
error-409-next = Recarga la página para ver el estado actual.
error-413-title = Es demasiado grande
error-413-next = Envía un archivo o formulario más pequeño.
error-422-title = Algunos datos no son correctos
error-422-next = Vuelve atrás, corrige el formulario y envíalo de nuevo.
error-429-title = Demasiados intentos
error-429-next = Espera unos minutos e inténtalo de nuevo.
error-503-title = podgate está ocupado
error-503-next = Inténtalo de nuevo en un momento.
error-other-title = Algo salió mal
error-other-next = Inténtalo de nuevo. Si sigue pasando, dale a tu administrador el id de la solicitud que aparece abajo.

## Inicio de sesión y página de la cuenta
login-title = Iniciar sesión
login-email = Correo electrónico
login-password = Contraseña
password-hint = Al menos 10 caracteres.
forgot-title = ¿Olvidaste tu contraseña?
forgot-intro = Escribe tu correo electrónico y te enviaremos un enlace para elegir una contraseña nueva.
forgot-send = Enviarme un enlace
forgot-back = Volver a iniciar sesión
invite-title = Únete a { $workspace }
invite-intro = Te invitaron como <strong>{ $email }</strong>. Escribe tu nombre y elige una contraseña.
invite-name = Tu nombre
invite-password-again = Repite la contraseña
invite-join = Unirme
reset-title = Elige una contraseña nueva
reset-same-again = Repite la misma contraseña
reset-set = Guardar contraseña
reset-dead-link = Este enlace ya se usó o venció. <a href="/password/forgot">Pide uno nuevo</a>.
account-title = Tu cuenta
account-signed-in-as = Sesión iniciada como <strong>{ $email }</strong> ({ $role }). Sesiones activas: { $sessions }.
account-language = Idioma
account-language-hint = El idioma de este portal y de los correos que podgate te envía. Las horas se muestran en la zona horaria de tu proveedor.
account-language-label = Tu idioma
account-language-browser = El de mi navegador
account-language-save = Guardar idioma
account-change-password = Cambiar contraseña
account-password-signs-out = Al cambiar tu contraseña se cierra la sesión en todos los demás navegadores.
account-current-password = Contraseña actual
account-new-password = Contraseña nueva
account-new-password-again = Repite la contraseña nueva
role-owner = propietario
role-staff = equipo
role-supplier = proveedor

## Desempeño
score-own-title = Tu desempeño
score-intro = Guías compradas en los últimos { $days } días, por proveedor: qué tan rápido responde cada uno, cuánto pasa desde la guía hasta el primer escaneo de la paquetería y cuántas no cumplieron el plazo de tránsito de TikTok (envíos tardíos, como los cuenta TikTok: escaneados después del plazo o sin escanear al vencer).
score-window = Periodo
score-days = { $count } días
score-chart-title = Tasa de envíos tardíos por día de compra
score-chart-hint = Todos los proveedores juntos (línea discontinua) y los { $count } con la tasa más alta; la tabla muestra cada uno. Los días son días UTC.
score-nothing-decided = Ninguna guía de estos { $days } días ha llegado aún a su plazo de tránsito ni a un escaneo de la paquetería: la gráfica empieza con la primera.
score-figures = Tus cifras
score-col-supplier = Proveedor
score-col-answer-time = Tiempo de respuesta (mediana / 90 %)
score-col-to-scan = De la guía al primer escaneo (mediana / 90 %)
score-col-late = Envíos tardíos
score-col-stalled = Dónde se quedaron los tardíos
score-col-rejections = Rechazos
score-late-of = ({ $late } de { $decided })
score-tiktok-limit = TikTok limita una tienda cuya tasa de envíos tardíos supera el 10 %.
score-no-labels = No se compraron guías en los últimos { $days } días.
score-chart-svg-title = Tasa de envíos tardíos por día de compra (UTC), del { $first } al { $last }
score-chart-all = Todos los proveedores
step-bought = guía comprada
step-published = publicado
step-downloaded = descargado
step-acknowledged = respondido
step-received = recibido
step-in_production = en producción
step-printed = impreso
step-packed = empacado
step-scanned = escaneado
step-delivered = entregado
duration-min = { $m } min
duration-h-min = { $h } h { $m } min
duration-day-h = 1 día { $h } h
duration-days-h = { $d } días { $h } h

## Escanear para verificar en la mesa de empaque
verify-link = Escanear para verificar (mesa de empaque)
verify-title = Escanear para verificar · lote { $seq }
verify-intro = Escanea una hoja de producción y luego la guía que pusiste en ese paquete. Si corresponden, el paquete queda registrado como empacado. Sirve un lector USB o el teclado del teléfono: cada escaneo termina con Enter.
verify-waiting = Hoja del paquete <strong>{ $package }</strong> (pedido { $order }): ahora escanea su guía.
verify-scan-ticket = Escanea una hoja
verify-scan-label = Escanea su guía
verify-check = Verificar
verify-start-over = Empezar de nuevo con otra hoja

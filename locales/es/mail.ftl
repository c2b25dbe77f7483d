## Correos a las personas y contactos de un proveedor (texto plano). Las palabras clave que una
## fábrica escribe en los archivos (pulled, already_shipped) siguen en inglés.

mail-hello = Hola, { $supplier }:

## Un lote nuevo
mail-batch-subject = { $seller }: nuevo lote { $batch } para { $supplier }, { $count } guía(s)
mail-batch-sent = { $seller } te envió el lote { $batch } ({ $zip }): { $count } paquete(s), cada uno con su guía de envío y sus archivos de impresión.
mail-batch-link = Descárgalo y responde cada paquete aquí:
mail-batch-due = Responde antes del { $when }.
mail-batch-ship-by = El primer paquete debe enviarse antes del { $when } (plazo de TikTok).
mail-batch-zip = El zip contiene labels/ (un PDF por paquete), labels.pdf (todas las guías, listas para imprimir en etiquetas de 4x6), tickets.pdf (una hoja de producción por guía, en el mismo orden), manifest.csv y manifest.json, y SHA256SUMS.

## Retirar un paquete
mail-pull-subject = { $seller }: retira el paquete { $package } (pedido { $order }, lote { $batch }), el pedido se canceló
mail-pull-why = El comprador de { $seller } canceló el pedido { $order } después de que su guía te llegó en el lote { $batch }.
mail-pull-what = No envíes el paquete { $package }. Sácalo de producción y responde «retirado» (o «ya enviado» si ya salió) en la página del lote en tu portal de podgate, o en un archivo de respuesta (estado pulled o already_shipped).

## Guías que la paquetería aún no escanea
mail-due-subject = { $seller }: { $count } guía(s) en { $supplier } deben ser escaneadas pronto por la paquetería
mail-due-intro = { $count } guía(s) de { $seller } en { $supplier } aún no tienen escaneo de la paquetería, y el plazo de tránsito de TikTok está cerca. TikTok cuenta un pedido como tardío si la paquetería no lo escanea antes: entrega estos paquetes a la paquetería, o explica en podgate por qué están detenidos.
mail-due-line = - pedido { $order }, paquete { $package }, rastreo { $tracking }: en tránsito { $how }
mail-due-late = TARDE desde el { $when }
mail-due-by = antes del { $when } (quedan { $hours } h { $minutes } min)

## Invitaciones y cambios de contraseña
mail-invite-portal = el portal de proveedor de { $supplier }
mail-invite-workspace = { $seller }
mail-invite-subject = Te invitaron a { $place } en podgate
mail-invite-intro = Te invitaron a { $place } en podgate.
mail-invite-link = Elige tu contraseña aquí (el enlace vale { $hours } horas):
mail-reset-subject = Restablece tu contraseña de podgate
mail-reset-intro = Alguien (esperamos que tú) pidió restablecer tu contraseña de podgate.
mail-reset-link = Elige una nueva aquí (el enlace vale { $minutes } minutos y se usa una sola vez):
mail-reset-not-you = Si no fuiste tú, ignora este mensaje: tu contraseña sigue igual.

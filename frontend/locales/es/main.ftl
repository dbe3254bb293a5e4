## Shell
lang-name = Español
site-name = Marco
site-tagline = Convenios marco para compras públicas, publicados como datos abiertos
skip-link = Saltar al contenido principal
nav-label = Navegación principal
nav-catalogue = Catálogo
nav-opportunities = Oportunidades
nav-open-data = Datos abiertos
nav-api = API
nav-sign-in = Iniciar sesión
lang-switch-label = Idioma
lang-switch-to = View this page in English
phase-tag = Beta
phase-text = Este es un servicio nuevo. Algunas partes aún se están construyendo, y cada página lo dice con honestidad.
footer-label = Pie de página
footer-about = Marco es software de código abierto para compras públicas. Cada etapa de cada compra se publica como datos del Estándar de Datos de Contrataciones Abiertas (OCDS).
footer-version = Versión { $version }
footer-licence = Licencia del código fuente: AGPL-3.0-or-later
footer-data-licence = Licencia de los datos abiertos: CC BY 4.0

## Start page
start-title = Compre y venda servicios digitales mediante convenios marco
start-lead = Marco es un mercado para compras públicas. Los proveedores se adhieren a convenios marco y publican sus servicios; los organismos públicos buscan en el catálogo, emiten órdenes de compra y realizan compras basadas en desafíos; y cualquier persona puede descargar lo ocurrido como datos abiertos.
start-buyers-title = Compradores públicos
start-buyers-body = Busque en el catálogo de servicios de los convenios marco vigentes, emita órdenes de compra a precios de catálogo o por trato directo, y realice compras modulares basadas en desafíos, evaluadas sobre un prototipo funcional.
start-buyers-link = Buscar en el catálogo
start-suppliers-title = Proveedores y pymes
start-suppliers-body = Registre su empresa, postule a los convenios marco cuando abran, publique sus servicios de nube y especializados, y responda a los desafíos de los compradores.
start-suppliers-link = Ver oportunidades
start-managers-title = Administradores de convenios marco
start-managers-body = Cree convenios marco y sus lotes, evalúe las postulaciones de proveedores, admita proveedores, renueve el convenio cada seis meses y ciérrelo a su vencimiento.
start-managers-link = Iniciar sesión para administrar convenios
start-watchdogs-title = Observatorios, periodistas e investigadores
start-watchdogs-body = Descargue cada entrega y registro como datos del Estándar de Datos de Contrataciones Abiertas, sin clave ni cuenta, y consulte analíticas de desempeño de proveedores calculadas con esos mismos datos abiertos.
start-watchdogs-link = Obtener los datos abiertos
start-how-title = Cómo funciona Marco
start-how-1 = Un administrador abre un convenio marco con lotes, como alojamiento en la nube o software.
start-how-2 = Los proveedores postulan, son evaluados y admitidos, y publican sus servicios en el catálogo.
start-how-3 = Los compradores compran desde el catálogo o realizan un desafío, y adjudican contratos que se entregan en módulos pequeños.
start-how-4 = Cada paso se publica de inmediato como datos abiertos que cualquiera puede revisar.

## Coming soon
soon-tag = Aún no disponible
soon-lead = Esta parte de Marco aún no está disponible. La estamos construyendo y esta página cambiará cuando esté lista.
soon-what = Qué hará
soon-meanwhile = Mientras tanto, puede volver a la página de inicio o leer la referencia de la API.
soon-back = Volver a la página de inicio
soon-catalogue-title = Catálogo de servicios
soon-catalogue-body = Busque y filtre cada servicio publicado en los convenios marco vigentes, compare precios y compre.
soon-opportunities-title = Oportunidades
soon-opportunities-body = Encuentre convenios marco abiertos a postulaciones y desafíos de compradores abiertos a respuestas.
soon-open-data-title = Datos abiertos
soon-open-data-body = Descargue entregas, registros, fuentes de cambios y archivos masivos en el Estándar de Datos de Contrataciones Abiertas, sin clave ni cuenta.
soon-sign-in-title = Iniciar sesión
soon-sign-in-body = Compradores, proveedores y administradores de convenios iniciarán sesión aquí para emitir órdenes de compra, postular a convenios y administrar su organización.

## Errors
error-title = Lo sentimos, hay un problema
error-request-id = Referencia para soporte: { $id }
error-back = Ir a la página de inicio
error-not_found = Página no encontrada. Si escribió la dirección, verifique que sea correcta.
error-method_not_allowed = Esta página no se puede usar de esa forma.
error-bad_request = No se pudo entender la solicitud.
error-invalid_json = El cuerpo de la solicitud no es JSON válido.
error-unsupported_media_type = La solicitud debe enviarse como JSON.
error-payload_too_large = La solicitud es demasiado grande.
error-validation_failed = Parte de la información no es válida.
error-forbidden = No tiene permiso para hacer esto.
error-unauthorized = Debe iniciar sesión para hacer esto.
error-conflict = Esto entra en conflicto con el estado actual del registro.
error-rate_limited = Demasiadas solicitudes. Espere un momento e intente de nuevo.
error-timeout = La solicitud tardó demasiado. Intente de nuevo.
error-unavailable = El servicio no está disponible temporalmente. Intente más tarde.
error-internal_error = Algo salió mal de nuestro lado. Quedó registrado.

## API reference
api-title = Referencia de la API
api-lead = La API JSON de Marco está bajo /api/v1/. La descripción OpenAPI 3.1, legible por máquinas, se genera a partir del código; esta página muestra la misma descripción para personas.
api-openapi-link = Descargar el documento OpenAPI (JSON)
api-endpoints = Puntos de acceso
api-method = Método
api-path = Ruta
api-summary = Resumen
api-errors-title = Errores
api-errors-body = Cada error tiene un código estable en snake_case, un mensaje y, si los datos no son válidos, los campos con problemas, por ejemplo:

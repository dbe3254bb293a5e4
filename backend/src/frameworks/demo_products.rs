//! What the demo suppliers sell, lot by lot, in English and Spanish: believable service
//! names (never the company's name, which the service form forbids), a summary that says
//! what the service does for whom, and features. Chilean suppliers write about half their
//! services in Spanish, as on ChileCompra.

/// One kind of service a lot holds: its name and summary in English and in Spanish.
pub(super) struct Product {
    /// The lots it belongs to.
    pub lots: &'static [&'static str],
    /// How it is priced: the unit (a value of the lot's price question) and the usual range
    /// of its lowest price in pesos, excluding VAT.
    pub price: (&'static str, u64, u64),
    /// English name and summary.
    pub en: (&'static str, &'static str),
    /// Spanish name and summary.
    pub es: (&'static str, &'static str),
}

const HOSTING: &[&str] = &["cloud-hosting"];
const PLATFORM: &[&str] = &["cloud-platform"];
const SOFTWARE: &[&str] = &["cloud-software"];
const SUPPORT: &[&str] = &["cloud-support"];
const OUTCOMES: &[&str] = &["digital-outcomes"];
const SPECIALISTS: &[&str] = &["digital-specialists"];
const PARTICIPANTS: &[&str] = &["user-research-participants"];
const STUDIOS: &[&str] = &["user-research-studios"];

/// Every product of the demo.
pub(super) const PRODUCTS: &[Product] = &[
    Product {
        lots: HOSTING,
        price: ("per-month", 450_000, 2_400_000),
        en: (
            "Kubernetes hosting",
            "Managed Kubernetes clusters in the cloud for public services, with autoscaling.",
        ),
        es: (
            "Alojamiento Kubernetes",
            "Clústeres Kubernetes administrados en la nube para servicios públicos, con escalamiento automático.",
        ),
    },
    Product {
        lots: HOSTING,
        price: ("per-hour", 45, 900),
        en: (
            "Virtual machines",
            "Cloud virtual servers by the hour, for applications that are not yet in containers.",
        ),
        es: (
            "Máquinas virtuales",
            "Servidores virtuales en la nube por hora, para aplicaciones que aún no están en contenedores.",
        ),
    },
    Product {
        lots: HOSTING,
        price: ("per-gb", 18, 60),
        en: (
            "Object storage",
            "Cloud storage for files, documents and archives, replicated in two data centres.",
        ),
        es: (
            "Almacenamiento de objetos",
            "Almacenamiento en la nube de archivos, documentos y expedientes, replicado en dos centros de datos.",
        ),
    },
    Product {
        lots: HOSTING,
        price: ("per-instance", 9_000, 45_000),
        en: (
            "Backup and recovery",
            "Daily backups of servers and databases, with tested recovery in hours.",
        ),
        es: (
            "Respaldo y recuperación",
            "Respaldos diarios de servidores y bases de datos, con recuperación probada en horas.",
        ),
    },
    Product {
        lots: PLATFORM,
        price: ("per-month", 120_000, 900_000),
        en: (
            "Managed PostgreSQL",
            "PostgreSQL databases run for you: patches, backups and failover included.",
        ),
        es: (
            "PostgreSQL administrado",
            "Bases de datos PostgreSQL administradas: parches, respaldos y conmutación incluidos.",
        ),
    },
    Product {
        lots: PLATFORM,
        price: ("per-month", 600_000, 3_500_000),
        en: (
            "Data warehouse",
            "A data warehouse for reporting and analytics across a public body's systems.",
        ),
        es: (
            "Bodega de datos",
            "Una bodega de datos para reportes y analítica de los sistemas de un servicio público.",
        ),
    },
    Product {
        lots: PLATFORM,
        price: ("per-month", 350_000, 1_800_000),
        en: (
            "Open data portal",
            "Publish datasets as open data, with an API and a catalogue people can search.",
        ),
        es: (
            "Portal de datos abiertos",
            "Publique conjuntos de datos abiertos, con una API y un catálogo que se puede buscar.",
        ),
    },
    Product {
        lots: PLATFORM,
        price: ("per-user", 25_000, 90_000),
        en: (
            "Geospatial analysis",
            "Maps and spatial analysis of public data, served to web and mobile apps.",
        ),
        es: (
            "Análisis geoespacial",
            "Mapas y análisis espacial de datos públicos, para aplicaciones web y móviles.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-user", 1_500, 6_000),
        en: (
            "Payroll",
            "Payroll for public bodies, with the rules of public-sector pay and pensions.",
        ),
        es: (
            "Remuneraciones",
            "Cálculo de remuneraciones para servicios públicos, con las reglas del sector público.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-user", 8_000, 35_000),
        en: (
            "Case management",
            "Track citizens' requests and cases from first contact to a decision.",
        ),
        es: (
            "Gestión de casos",
            "Seguimiento de solicitudes y casos ciudadanos desde el primer contacto hasta la resolución.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-month", 150_000, 900_000),
        en: (
            "Web content management",
            "A content management system for accessible public websites in several languages.",
        ),
        es: (
            "Gestión de contenidos web",
            "Un gestor de contenidos para sitios web públicos accesibles en varios idiomas.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-user", 3_500, 12_000),
        en: (
            "Email and collaboration",
            "Email, calendars and shared documents for a public body's staff.",
        ),
        es: (
            "Correo y colaboración",
            "Correo electrónico, calendarios y documentos compartidos para funcionarios.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-month", 90_000, 600_000),
        en: (
            "Appointment booking",
            "Citizens book appointments online; staff see and manage the day's bookings.",
        ),
        es: (
            "Reserva de horas",
            "La ciudadanía reserva horas en línea; los funcionarios gestionan las citas del día.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-unit", 300, 2_500),
        en: (
            "Document signing",
            "Sign documents electronically with advanced electronic signatures.",
        ),
        es: (
            "Firma electrónica de documentos",
            "Firme documentos con firma electrónica avanzada.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-user", 900, 4_500),
        en: (
            "Identity and access management",
            "Single sign-on and login for staff and citizens, with multi-factor authentication.",
        ),
        es: (
            "Gestión de identidad y acceso",
            "Inicio de sesión único para funcionarios y ciudadanos, con autenticación de varios factores.",
        ),
    },
    Product {
        lots: SOFTWARE,
        price: ("per-month", 2_500_000, 12_000_000),
        en: (
            "Citizen contact centre",
            "A contact centre by phone, chat and email that answers citizens' questions.",
        ),
        es: (
            "Centro de contacto ciudadano",
            "Un centro de contacto por teléfono, chat y correo que responde a la ciudadanía.",
        ),
    },
    Product {
        lots: SUPPORT,
        price: ("per-day", 450_000, 1_100_000),
        en: (
            "Cloud migration support",
            "Plan and carry out the move of existing systems to the cloud.",
        ),
        es: (
            "Apoyo a la migración a la nube",
            "Planificación y ejecución del traslado de sistemas existentes a la nube.",
        ),
    },
    Product {
        lots: SUPPORT,
        price: ("per-month", 1_200_000, 6_000_000),
        en: (
            "Security monitoring",
            "Security monitoring around the clock, with incident response.",
        ),
        es: (
            "Monitoreo de seguridad",
            "Monitoreo de ciberseguridad permanente, con respuesta a incidentes.",
        ),
    },
    Product {
        lots: SUPPORT,
        price: ("per-day", 380_000, 850_000),
        en: (
            "Accessibility testing",
            "Test websites and apps against WCAG 2.2 AA with disabled users and tools.",
        ),
        es: (
            "Pruebas de accesibilidad",
            "Pruebas de sitios y aplicaciones según WCAG 2.2 AA con usuarios y herramientas.",
        ),
    },
    Product {
        lots: SUPPORT,
        price: ("per-month", 1_500_000, 7_500_000),
        en: (
            "Cloud operations support",
            "A team that runs and patches your cloud services, day and night.",
        ),
        es: (
            "Soporte de operaciones en la nube",
            "Un equipo que opera y actualiza sus servicios en la nube, de día y de noche.",
        ),
    },
    Product {
        lots: OUTCOMES,
        price: ("per-day", 520_000, 1_200_000),
        en: (
            "Service design",
            "Design a public service end to end with its users, in agile iterations.",
        ),
        es: (
            "Diseño de servicios",
            "Diseño de un servicio público de principio a fin con sus usuarios, en iteraciones ágiles.",
        ),
    },
    Product {
        lots: OUTCOMES,
        price: ("per-day", 2_800_000, 6_500_000),
        en: (
            "Agile delivery team",
            "A multidisciplinary team that builds and runs a digital service in sprints.",
        ),
        es: (
            "Equipo de desarrollo ágil",
            "Un equipo multidisciplinario que construye y opera un servicio digital en sprints.",
        ),
    },
    Product {
        lots: OUTCOMES,
        price: ("per-day", 450_000, 1_000_000),
        en: (
            "Data migration",
            "Move records from old systems to new ones without losing history.",
        ),
        es: (
            "Migración de datos",
            "Traslado de registros de sistemas antiguos a nuevos sin perder su historia.",
        ),
    },
    Product {
        lots: SPECIALISTS,
        price: ("per-day", 280_000, 650_000),
        en: (
            "Software developer",
            "Experienced developers who join your team by the day.",
        ),
        es: (
            "Desarrollador de software",
            "Desarrolladores con experiencia que se suman a su equipo por día.",
        ),
    },
    Product {
        lots: SPECIALISTS,
        price: ("per-day", 350_000, 750_000),
        en: (
            "Delivery manager",
            "An agile delivery manager who keeps a team's work flowing.",
        ),
        es: (
            "Jefe de proyecto ágil",
            "Un jefe de proyecto ágil que mantiene el avance del equipo.",
        ),
    },
    Product {
        lots: SPECIALISTS,
        price: ("per-day", 450_000, 950_000),
        en: (
            "Technical architect",
            "An architect who designs systems that are secure and easy to change.",
        ),
        es: (
            "Arquitecto técnico",
            "Un arquitecto que diseña sistemas seguros y fáciles de cambiar.",
        ),
    },
    Product {
        lots: PARTICIPANTS,
        price: ("per-participant", 35_000, 120_000),
        en: (
            "Research participant recruitment",
            "Recruit people to take part in user research, across regions and needs.",
        ),
        es: (
            "Reclutamiento de participantes",
            "Reclutamiento de personas para investigación de usuarios, en todas las regiones.",
        ),
    },
    Product {
        lots: STUDIOS,
        price: ("per-day", 250_000, 700_000),
        en: (
            "User research studio",
            "A research studio with an observation room and recording, by the day.",
        ),
        es: (
            "Sala de investigación de usuarios",
            "Una sala de investigación con sala de observación y grabación, por día.",
        ),
    },
];

/// What makes services of the same kind differ, in English and Spanish.
const VARIANTS: &[(&str, &str)] = &[
    ("", ""),
    (" for municipalities", " para municipalidades"),
    (" for health services", " para servicios de salud"),
    (" for education", " para educación"),
    (" – regional edition", " – edición regional"),
    (" Plus", " Plus"),
];

/// Features, in English and Spanish.
pub(super) const FEATURES: &[(&str, &str)] = &[
    (
        "Hosted in Chilean data centres",
        "Alojado en centros de datos en Chile",
    ),
    (
        "24/7 support in Spanish and English",
        "Soporte 24/7 en español e inglés",
    ),
    ("Single sign-on", "Inicio de sesión único"),
    ("Open API", "API abierta"),
    ("Daily backups", "Respaldos diarios"),
    ("Accessible to WCAG 2.2 AA", "Accesible según WCAG 2.2 AA"),
    ("Audit log export", "Exportación del registro de auditoría"),
    ("Role-based access", "Acceso por roles"),
    ("Autoscaling", "Escalamiento automático"),
    ("Encryption at rest", "Cifrado en reposo"),
];

/// Whether a demo service of `supplier` with `seed` is written in Spanish: half of a
/// Chilean supplier's (`SpA`, `Ltda` or the demo's Nube Andina), none of the others'.
pub(super) fn spanish(supplier: &str, seed: usize) -> bool {
    let chilean =
        supplier.ends_with(" SpA") || supplier.ends_with(" Ltda") || supplier == "Nube Andina";
    chilean && (seed / 3).is_multiple_of(2)
}

/// The product of `lot` for `seed` (any product when the lot has none).
pub(super) fn product(lot: &str, seed: usize) -> &'static Product {
    let of_lot: Vec<&Product> = PRODUCTS.iter().filter(|p| p.lots.contains(&lot)).collect();
    if of_lot.is_empty() {
        &PRODUCTS[seed % PRODUCTS.len()]
    } else {
        // Mixed so that each lot gets every one of its products, whatever the seeds' pattern.
        of_lot[(seed / 4 + seed / 13 + seed * 3) % of_lot.len()]
    }
}

/// The name and summary of a service of `lot` by `supplier` for `seed`.
pub(super) fn name_and_summary(lot: &str, supplier: &str, seed: usize) -> (String, String) {
    let p = product(lot, seed);
    let (variant_en, variant_es) = VARIANTS[(seed / 7) % VARIANTS.len()];
    if spanish(supplier, seed) {
        (format!("{}{variant_es}", p.es.0), p.es.1.to_owned())
    } else {
        (format!("{}{variant_en}", p.en.0), p.en.1.to_owned())
    }
}

/// The lowest price and unit of a service of `lot` for `seed`: within its product's usual
/// range, rounded as suppliers quote (to 10 pesos under 1,000, to 1,000 up to 1,000,000, to
/// 10,000 above).
pub(super) fn price(lot: &str, seed: usize) -> (u64, &'static str) {
    let (unit, low, high) = product(lot, seed).price;
    let spread = (seed as u64).wrapping_mul(2_654_435_761) % 1_000;
    let raw = low + (high - low) * spread / 1_000;
    let step = match raw {
        0..1_000 => 10,
        1_000..1_000_000 => 1_000,
        _ => 10_000,
    };
    ((raw / step * step).max(step), unit)
}

/// Feature `n` in the service's language.
pub(super) fn feature(supplier: &str, seed: usize, n: usize) -> &'static str {
    let (en, es) = FEATURES[n % FEATURES.len()];
    if spanish(supplier, seed) { es } else { en }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lot_has_products_and_names_never_hold_the_company() {
        for lot in [
            "cloud-hosting",
            "cloud-platform",
            "cloud-software",
            "cloud-support",
            "digital-outcomes",
            "digital-specialists",
            "user-research-participants",
            "user-research-studios",
        ] {
            for seed in 0..40 {
                let p = product(lot, seed);
                assert!(p.lots.contains(&lot), "{lot}");
                let (name, summary) = name_and_summary(lot, "Andes Cloud SpA", seed);
                assert!(!name.contains("Andes"), "{name}");
                assert!(!summary.is_empty());
            }
        }
        assert!(spanish("Nube Andina", 2) && !spanish("Nube Andina", 3));
        for p in PRODUCTS {
            let (_, low, high) = p.price;
            assert!(0 < low && low < high, "{}", p.en.0);
        }
        // Each product's unit is one its lot's price question offers.
        use crate::domain::content::{CLOUD_CONTENT, ContentFile, OUTCOMES_CONTENT, QuestionKind};
        for raw in [CLOUD_CONTENT, OUTCOMES_CONTENT] {
            let content = ContentFile::parse(raw).unwrap();
            for lot in &content.lots {
                for q in &lot.questions {
                    if let QuestionKind::Price { units, .. } = &q.kind {
                        for p in PRODUCTS
                            .iter()
                            .filter(|p| p.lots.contains(&lot.slug.as_str()))
                        {
                            assert!(
                                units.iter().any(|u| u.value == p.price.0),
                                "{} in {}",
                                p.en.0,
                                lot.slug
                            );
                        }
                    }
                }
            }
        }
        for seed in 0..200 {
            let (amount, unit) = price("digital-specialists", seed);
            let (expected, low, high) = product("digital-specialists", seed).price;
            assert_eq!(unit, expected);
            assert!(low - low / 10 <= amount && amount <= high, "{amount}");
            assert_eq!(amount % 1_000, 0);
        }
        assert!(!spanish("Brightlane Digital", 2));
    }
}

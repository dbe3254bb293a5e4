//! Generated service documents for benchmarks and load tests: varied names, descriptions,
//! features, facets and prices, the same for the same seed.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use super::ServiceDocument;

const PRODUCTS: &[&str] = &[
    "Kubernetes",
    "Cloud Hosting",
    "Backup",
    "Email",
    "CRM",
    "Data Warehouse",
    "Firewall",
    "Identity",
    "Video Conferencing",
    "Document Management",
    "Payroll",
    "Analytics",
    "Monitoring",
    "Object Storage",
    "Virtual Desktops",
    "Service Desk",
    "GIS Mapping",
    "Case Management",
    "Web Hosting",
    "API Gateway",
    "Penetration Testing",
    "User Research",
    "Accessibility Audit",
    "Data Migration",
    "Machine Learning",
    "Content Delivery",
];
const QUALIFIERS: &[&str] = &[
    "Managed",
    "Secure",
    "Enterprise",
    "Open Source",
    "Hybrid",
    "Sovereign",
    "Rapid",
    "Scalable",
    "Public Sector",
    "Low-Code",
    "Green",
    "Resilient",
];
const SUFFIXES: &[&str] = &[
    "Platform", "Service", "Suite", "Pro", "Cloud", "Plus", "Hub",
];
const SENTENCES: &[&str] = &[
    "Runs in certified data centres with 99.95% availability.",
    "Includes onboarding, training and a named account manager.",
    "Encrypts data at rest and in transit with keys you control.",
    "Scales automatically with demand and bills by actual use.",
    "Integrates with single sign-on through SAML and OpenID Connect.",
    "Ships with dashboards, audit logs and role-based access control.",
    "Supports migration from legacy systems without downtime.",
    "Offers support in Spanish and English around the clock.",
    "Meets accessibility guidelines for every public page.",
    "Provides an open API and exports in standard formats.",
    "Backed by a team with experience in health, education and local government.",
    "Keeps a full history of changes for audits and freedom-of-information requests.",
];
const FEATURES: &[&str] = &[
    "24/7 support",
    "Daily backups",
    "Multi-factor authentication",
    "Open API",
    "SLA 99.9%",
    "Data export",
    "Audit trail",
    "Single sign-on",
    "Autoscaling",
    "Disaster recovery",
    "Encryption at rest",
    "Role-based access",
    "Mobile app",
    "Offline mode",
    "Webhooks",
];
const SUPPLIER_WORDS: &[&str] = &[
    "Andes",
    "Pacífico",
    "Austral",
    "Atacama",
    "Cordillera",
    "Litoral",
    "Patagonia",
    "Maule",
    "Araucanía",
    "Biobío",
    "Valparaíso",
    "Aconcagua",
    "Tarapacá",
    "Magallanes",
];
const SUPPLIER_KINDS: &[&str] = &[
    "Tecnología",
    "Digital",
    "Sistemas",
    "Cloud",
    "Datos",
    "Labs",
];
const LOTS: &[(&str, &str, &str)] = &[
    ("cloud-2026", "iaas", "Infrastructure as a Service"),
    ("cloud-2026", "paas", "Platform as a Service"),
    ("cloud-2026", "saas", "Software as a Service"),
    ("cloud-2026", "scs", "Specialist Cloud Services"),
    ("outcomes-2026", "outcomes", "Digital outcomes"),
    ("outcomes-2026", "specialists", "Digital specialists"),
    ("outcomes-2026", "user-research", "User research"),
];
const CATEGORIES: &[&str] = &[
    "hosting",
    "storage",
    "security",
    "collaboration",
    "analytics",
    "networking",
    "identity",
    "finance",
    "hr",
    "citizen-services",
];
const LOCATIONS: &[&str] = &["chile", "latam", "eu", "us"];
const ACCREDITATIONS: &[&str] = &["iso-27001", "iso-9001", "soc2", "csa-star", "pci-dss"];
const UNITS: &[&str] = &[
    "per user per month",
    "per instance per hour",
    "per GB per month",
    "per day",
    "per unit",
];

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from.choose(rng).copied().unwrap_or_default()
}

fn some(rng: &mut StdRng, from: &[&str], max: usize) -> Vec<String> {
    let n = rng.gen_range(1..=max.min(from.len()));
    from.choose_multiple(rng, n)
        .map(|s| (*s).to_owned())
        .collect()
}

/// `count` generated services, the same for the same `seed`, from about one supplier per
/// 25 services (at least 40).
pub fn services(count: usize, seed: u64) -> Vec<ServiceDocument> {
    let mut rng = StdRng::seed_from_u64(seed);
    let suppliers = (count / 25).max(40);
    (0..count)
        .map(|i| {
            let supplier = rng.gen_range(0..suppliers);
            let (framework, lot, lot_name) = *LOTS.choose(&mut rng).unwrap_or(&LOTS[0]);
            let name = format!(
                "{} {} {}",
                pick(&mut rng, QUALIFIERS),
                pick(&mut rng, PRODUCTS),
                pick(&mut rng, SUFFIXES)
            );
            let description = (0..rng.gen_range(2..=5))
                .map(|_| pick(&mut rng, SENTENCES))
                .collect::<Vec<_>>()
                .join(" ");
            // Prices spread over four orders of magnitude of Chilean pesos.
            let exponent: f64 = rng.gen_range(3.0..7.0);
            let price = rng
                .gen_bool(0.92)
                .then(|| Decimal::from(10f64.powf(exponent).round() as i64));
            let mut facets = BTreeMap::new();
            facets.insert("categories".to_owned(), some(&mut rng, CATEGORIES, 3));
            facets.insert("data_location".to_owned(), some(&mut rng, LOCATIONS, 2));
            facets.insert(
                "accreditations".to_owned(),
                some(&mut rng, ACCREDITATIONS, 3),
            );
            ServiceDocument {
                id: format!("svc-{seed}-{i:07}"),
                version: rng.gen_range(1..4),
                framework_id: framework.to_owned(),
                framework_name: if framework.starts_with("cloud") {
                    "Cloud Services 2026".into()
                } else {
                    "Digital Outcomes 2026".into()
                },
                lot: lot.to_owned(),
                lot_name: lot_name.to_owned(),
                supplier_id: format!("{}", 1000 + supplier),
                supplier_name: format!(
                    "{} {} {}",
                    SUPPLIER_WORDS[supplier % SUPPLIER_WORDS.len()],
                    SUPPLIER_KINDS[(supplier / SUPPLIER_WORDS.len()) % SUPPLIER_KINDS.len()],
                    if supplier % 5 == 0 { "S.A." } else { "SpA" }
                ),
                supplier_scale: if supplier % 5 == 0 { "large" } else { "sme" }.into(),
                name,
                description,
                features: some(&mut rng, FEATURES, 5),
                price,
                currency: "CLP".into(),
                pricing_unit: price.map(|_| pick(&mut rng, UNITS).to_owned()),
                facets,
                available: rng.gen_bool(0.95),
            }
        })
        .collect()
}

//! The demo briefs' texts: a brief in Spanish for a buyer in Chile, and one in English.

use chrono::{DateTime, Duration, Utc};

use crate::domain::brief::draft::Draft;

pub(super) fn day(at: DateTime<Utc>, days: i64) -> String {
    (at + Duration::days(days)).date_naive().to_string()
}

/// A whole brief in Spanish, for a buyer in Chile, published at `at`.
pub(super) fn licencias(at: DateTime<Utc>) -> Draft {
    Draft {
        title: "Renovar licencias de conducir sin filas".into(),
        problem: "Las personas esperan semanas para renovar su licencia. Muchas pierden un día de trabajo en la fila.".into(),
        users: "Conductores de todo el país. Muchos usan el teléfono, no un computador. Algunos necesitan ayuda de un familiar.".into(),
        existing: "Una agenda telefónica que atiende de lunes a viernes, y filas en cada municipio.".into(),
        outcome: "La mayoría de las renovaciones se agenda en línea en menos de 10 minutos.".into(),
        follows: String::new(),
        budget_min: "30000000".into(),
        budget_max: "80000000".into(),
        currency: "CLP".into(),
        location: "Santiago, con trabajo remoto".into(),
        working: "El equipo trabaja con nuestro personal dos días a la semana en Teatinos 120.".into(),
        essential: "Construyó un servicio público de agenda en línea\nPublica su código en abierto\nHace investigación con usuarios en cada etapa".into(),
        nice: "Trabajó con municipios".into(),
        cultural: "Trabaja en equipo con nuestro personal".into(),
        weight_technical: "60".into(),
        weight_cultural: "10".into(),
        weight_price: "30".into(),
        price_basis: "fixed".into(),
        methods: vec!["written_proposal".into(), "prototype_challenge".into()],
        question_deadline: day(at, 4),
        closing: day(at, 10),
        shortlist: "2".into(),
        challenge_stipend: "3000000".into(),
        challenge_weeks: "2".into(),
        challenge_deliverables: "Un prototipo que funcione, en un repositorio abierto, y una demostración de 15 minutos.".into(),
        challenge_rubric: "El prototipo funciona con datos de prueba\nLas personas lograron agendar sin ayuda".into(),
        challenge_weight: "50".into(),
        bc_objective: "Servicios públicos más simples, según la Estrategia de Gobierno Digital.".into(),
        bc_options: "No hacer nada\nComprar un producto de agenda\nConstruir con un proveedor del convenio".into(),
        bc_tco: "2027: 60000000\n2028: 15000000\n2029: 15000000".into(),
        bc_benefits: "Renovaciones agendadas en línea | 0% | 70% | 2028-06-30\nHoras de espera promedio | 3 | 0,5 | 2028-06-30".into(),
        bc_risks: "El personal de los municipios no adopta el nuevo sistema\nLa integración con el registro civil tarda más".into(),
    }
}

pub(super) fn research(at: DateTime<Utc>) -> Draft {
    Draft {
        title: "User research for the school meals service".into(),
        problem: "Families do not know which children can get free school meals. Many who could apply never do.".into(),
        users: "Parents and carers of school-age children, and school office staff.".into(),
        existing: "A paper form that schools hand out once a year.".into(),
        outcome: "We know why families do not apply, and have tested a simpler way to apply.".into(),
        follows: String::new(),
        budget_min: "10000000".into(),
        budget_max: "25000000".into(),
        currency: "CLP".into(),
        location: "Valparaíso region, or remote".into(),
        working: "Research in schools two days a week; reports every Friday.".into(),
        essential: "Has run research with families on low incomes\nCan recruit participants in Spanish".into(),
        nice: "Has worked with schools".into(),
        cultural: String::new(),
        weight_technical: "70".into(),
        weight_cultural: "0".into(),
        weight_price: "30".into(),
        price_basis: "fixed".into(),
        methods: vec!["written_proposal".into(), "case_study".into()],
        question_deadline: day(at, 3),
        closing: day(at, 8),
        shortlist: "2".into(),
        bc_objective: "More children who can get free meals get them.".into(),
        bc_options: "Do nothing\nRun a publicity campaign\nResearch and redesign the service".into(),
        bc_tco: "2027: 25000000".into(),
        bc_benefits: "Eligible families who apply | 55% | 80% | 2028-03-31".into(),
        bc_risks: "Families may not want to talk about their income".into(),
        ..Draft::default()
    }
}

//! Pages for organisation admins and platform admins.

use askama::Template;
use askama_web::WebTemplate;

use crate::forms::Form;
use crate::pages::Shell;

/// A member of the organisation, as its admin sees them.
#[derive(Clone, Debug)]
pub struct MemberRow {
    /// User id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Roles, comma separated.
    pub roles: String,
    /// Whether they can still sign in.
    pub active: bool,
    /// Whether this is the admin looking at the page.
    pub is_me: bool,
}

/// The organisation's users, with the invitation form.
#[derive(Template, WebTemplate)]
#[template(path = "admin/org_users.html")]
pub struct OrgUsersPage {
    /// The layout.
    pub shell: Shell,
    /// The organisation's name.
    pub organisation: String,
    /// Its members.
    pub members: Vec<MemberRow>,
    /// Roles the admin may grant: (value, label).
    pub roles: Vec<(String, String)>,
    /// The invitation form.
    pub form: Form,
    /// A success message after an action.
    pub notice: Option<String>,
}

/// One audit event row.
#[derive(Clone, Debug)]
pub struct AuditRow {
    /// When (UTC).
    pub at: String,
    /// The event.
    pub event: String,
    /// Actor user id.
    pub actor: String,
    /// Subject user id.
    pub subject: String,
    /// Client address.
    pub ip: String,
    /// Detail.
    pub detail: String,
}

/// The security audit log.
#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    /// The layout.
    pub shell: Shell,
    /// The newest events first.
    pub rows: Vec<AuditRow>,
}

/// One recent message.
#[derive(Clone, Debug)]
pub struct MailRow {
    /// Outbox id.
    pub id: i64,
    /// When queued.
    pub created_at: String,
    /// Kind of message.
    pub kind: String,
    /// Recipient.
    pub to: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i32,
}

/// Recent mail, for platform admins.
#[derive(Template, WebTemplate)]
#[template(path = "admin/mail.html")]
pub struct MailPage {
    /// The layout.
    pub shell: Shell,
    /// The newest first.
    pub rows: Vec<MailRow>,
}

/// The allow-list of public-sector e-mail domains.
#[derive(Template, WebTemplate)]
#[template(path = "admin/buyer_domains.html")]
pub struct BuyerDomainsPage {
    /// The layout.
    pub shell: Shell,
    /// The domains, sorted.
    pub domains: Vec<String>,
    /// The add form.
    pub form: Form,
}

/// One role that can be granted, with whether the member holds it.
#[derive(Clone, Debug)]
pub struct RoleChoice {
    /// The role's name, used as the checkbox's value.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Whether it is held now (or ticked in the submitted form).
    pub checked: bool,
}

/// Changing one member's roles.
#[derive(Template, WebTemplate)]
#[template(path = "admin/member_roles.html")]
pub struct MemberRolesPage {
    /// The layout.
    pub shell: Shell,
    /// The member's name.
    pub name: String,
    /// Where the form posts.
    pub action: String,
    /// The grantable roles.
    pub choices: Vec<RoleChoice>,
    /// The form (approval limit and errors).
    pub form: Form,
    /// The ISO 4217 code the approval limit is in (the organisation's).
    pub currency: String,
}

//! Pages for signing in, registering, verifying e-mail, resetting passwords and the account.

use askama::Template;
use askama_web::WebTemplate;

use crate::forms::Form;
use crate::pages::Shell;

/// The sign-in form.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/sign_in.html")]
pub struct SignInPage {
    /// The layout.
    pub shell: Shell,
    /// The form.
    pub form: Form,
    /// Where to go after signing in.
    pub next: String,
}

/// The choice between registering as a supplier or a buyer.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/register.html")]
pub struct RegisterPage {
    /// The layout.
    pub shell: Shell,
}

/// Supplier registration: the organisation and its first admin.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/register_supplier.html")]
pub struct RegisterSupplierPage {
    /// The layout.
    pub shell: Shell,
    /// The form.
    pub form: Form,
}

/// Buyer registration, for allow-listed public-sector domains.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/register_buyer.html")]
pub struct RegisterBuyerPage {
    /// The layout.
    pub shell: Shell,
    /// The form.
    pub form: Form,
}

/// A page that states an outcome and offers one next step.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/message.html")]
pub struct MessagePage {
    /// The layout.
    pub shell: Shell,
    /// The heading.
    pub title: String,
    /// What happened and what to do.
    pub body: String,
    /// The next step's link, if any: (href, label).
    pub link: Option<(String, String)>,
    /// `success`, `info`, `warning` or `error`, for the alert style.
    pub tone: &'static str,
}

/// Asks for the e-mail address to send a reset link to.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/reset_request.html")]
pub struct ResetRequestPage {
    /// The layout.
    pub shell: Shell,
    /// The form.
    pub form: Form,
}

/// Sets a new password from a reset or invitation link.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/reset_form.html")]
pub struct NewPasswordPage {
    /// The layout.
    pub shell: Shell,
    /// The form.
    pub form: Form,
    /// Where the form posts.
    pub action: String,
    /// The heading.
    pub title: String,
    /// Whether to ask for the person's name too (invitations).
    pub ask_name: bool,
}

/// The signed-in person's account.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account.html")]
pub struct AccountPage {
    /// The layout.
    pub shell: Shell,
    /// The person's name.
    pub name: String,
    /// Their e-mail.
    pub email: String,
    /// Their organisation.
    pub organisation: String,
    /// Their roles, by name.
    pub roles: Vec<String>,
    /// Whether the e-mail is verified.
    pub verified: bool,
    /// The CSRF token for the buttons.
    pub csrf: String,
    /// Where this person's work is: (address, label).
    pub links: Vec<(String, String)>,
}

/// Something waiting for the person, in words, with where to do it.
#[derive(Clone, Debug)]
pub struct TaskView {
    /// What to do, in the person's language.
    pub text: String,
    /// Where.
    pub link: String,
}

/// The dashboard a person lands on after signing in: what waits for them, and their sections.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/dashboard.html")]
pub struct DashboardPage {
    /// The layout.
    pub shell: Shell,
    /// The person's name.
    pub name: String,
    /// Their organisation.
    pub organisation: String,
    /// Their roles, by name.
    pub roles: Vec<String>,
    /// Whether the e-mail is verified.
    pub verified: bool,
    /// What needs their action.
    pub tasks: Vec<TaskView>,
    /// Their sections: (address, label).
    pub links: Vec<(String, String)>,
}

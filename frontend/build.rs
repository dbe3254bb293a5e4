//! Fails the build with a clear message when the npm assets are missing, instead of a
//! confusing rust-embed error: `make` runs `npm ci` in `frontend/` before building.

fn main() {
    let css = "node_modules/@uswds/uswds/dist/css/uswds.min.css";
    println!("cargo:rerun-if-changed={css}");
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=templates");
    if !std::path::Path::new(css).exists() {
        panic!(
            "USWDS assets are missing ({css}). Run `npm ci` in frontend/ (make run and make test do it for you)."
        );
    }
}

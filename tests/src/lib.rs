//! Test harness for Marco's black-box tests: `TestApp` runs requests through the full router
//! on a freshly migrated database of its own; `TestServer` serves it on a real port; and
//! `Browser` drives headless Chromium with axe-core for accessibility checks.

pub mod app;
pub mod browser;
pub mod client;
pub mod database;
pub mod fixtures;
pub mod process;

pub use app::{TestApp, TestResponse};
pub use browser::{Browser, TestServer};
pub use client::Client;

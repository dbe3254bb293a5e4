//! Marco's black-box tests: every request goes through the full router on a database of its
//! own (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod accounts;
mod api;
mod browser;
mod cli;
mod errors;
mod mail;
mod ops;
mod pages;
mod publish;
mod seed;

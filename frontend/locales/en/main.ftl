## Shell
lang-name = English
site-name = Marco
site-tagline = Framework agreements for public buying, published as open data
skip-link = Skip to main content
nav-label = Main navigation
nav-catalogue = Catalogue
nav-opportunities = Opportunities
nav-open-data = Open data
nav-api = API
nav-sign-in = Sign in
lang-switch-label = Language
lang-switch-to = Ver esta página en español
phase-tag = Beta
phase-text = This is a new service. Parts of it are still being built, and each page says so honestly.
footer-label = Footer
footer-about = Marco is open-source software for public procurement. Every stage of every purchase is published as Open Contracting Data Standard (OCDS) data.
footer-version = Version { $version }
footer-licence = Source code licence: AGPL-3.0-or-later
footer-data-licence = Open data licence: CC BY 4.0

## Start page
start-title = Buy and sell digital services through framework agreements
start-lead = Marco is a marketplace for public buying. Suppliers join framework agreements and list their services; public bodies search the catalogue, place orders and run challenge-based purchases; and everyone can download what happened as open data.
start-buyers-title = Public buyers
start-buyers-body = Search the catalogue of services on live framework agreements, place orders at catalogue prices or by direct award, and run modular, challenge-based purchases judged on a working prototype.
start-buyers-link = Search the catalogue
start-suppliers-title = Suppliers and SMEs
start-suppliers-body = Register your company, apply to join framework agreements when they open, list your cloud and specialist services, and answer buyers' challenges.
start-suppliers-link = See opportunities
start-managers-title = Framework managers
start-managers-body = Set up framework agreements and their lots, evaluate supplier applications, admit suppliers, refresh the framework every six months and close it at expiry.
start-managers-link = Sign in to manage frameworks
start-watchdogs-title = Watchdogs, journalists and researchers
start-watchdogs-body = Download every release and record as Open Contracting Data Standard data, with no key and no account, and read supplier-performance analytics computed from the same open data.
start-watchdogs-link = Get the open data
start-how-title = How Marco works
start-how-1 = A framework manager opens a framework agreement with lots, such as cloud hosting or software.
start-how-2 = Suppliers apply, are evaluated and admitted, and list their services in the catalogue.
start-how-3 = Buyers order from the catalogue or run a challenge, and award contracts delivered in small modules.
start-how-4 = Each step is published at once as open data that anyone can check.

## Coming soon
soon-tag = Not built yet
soon-lead = This part of Marco is not available yet. We are building it next and this page will change when it is ready.
soon-what = What it will do
soon-meanwhile = Meanwhile, you can go back to the start page or read the API reference.
soon-back = Back to the start page
soon-catalogue-title = Service catalogue
soon-catalogue-body = Search and filter every service listed on live framework agreements, compare prices, and order.
soon-opportunities-title = Opportunities
soon-opportunities-body = Find framework agreements open for applications and buyers' challenges open for responses.
soon-open-data-title = Open data
soon-open-data-body = Download releases, records, change feeds and bulk files in the Open Contracting Data Standard, with no key and no account.
soon-sign-in-title = Sign in
soon-sign-in-body = Buyers, suppliers and framework managers will sign in here to place orders, apply to frameworks and manage their organisation.

## Errors
error-title = Sorry, there is a problem
error-request-id = Reference for support: { $id }
error-back = Go to the start page
error-not_found = Page not found. If you typed the web address, check it is correct.
error-method_not_allowed = This page cannot be used that way.
error-bad_request = The request could not be understood.
error-invalid_json = The request body is not valid JSON.
error-unsupported_media_type = The request must be sent as JSON.
error-payload_too_large = The request is too large.
error-validation_failed = Some of the information is not valid.
error-forbidden = You do not have permission to do this.
error-unauthorized = You need to sign in to do this.
error-conflict = This conflicts with the current state of the record.
error-rate_limited = Too many requests. Wait a moment and try again.
error-timeout = The request took too long. Try again.
error-unavailable = The service is temporarily unavailable. Try again later.
error-internal_error = Something went wrong on our side. It has been logged.

## API reference
api-title = API reference
api-lead = Marco's JSON API lives under /api/v1/. The machine-readable OpenAPI 3.1 description is generated from the code; this page shows the same description for people.
api-openapi-link = Download the OpenAPI document (JSON)
api-endpoints = Endpoints
api-method = Method
api-path = Path
api-summary = Summary
api-errors-title = Errors
api-errors-body = Every error has a stable, snake_case code, a message and, for invalid input, the fields at fault, for example:

// Start GOV.UK Frontend's components (header menu, error summary focus, double-click
// prevention...). A module file, not an inline script, so a strict Content Security Policy
// can forbid inline scripts later.
import { initAll } from '../dist/govuk-frontend.min.js'

initAll()

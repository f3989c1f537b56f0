// Start GOV.UK Frontend's components (header menu, error summary focus, double-click
// prevention...). A module file, not an inline script, so a strict Content Security Policy
// can forbid inline scripts later.
import { initAll } from '../dist/govuk-frontend.min.js'

initAll()

// Every form posts to an address without a fragment. A form with no action posts to the page's
// own address, fragment and all: "#main-content" once the skip link has been used, say. The
// response then opens at that fragment (a redirect keeps it too), and the browser moves focus
// off the error summary or success message that GOV.UK Frontend has just focused, to the start
// of the page's main content, and Tab no longer starts at the skip link. Changing the action
// in the submit event is in time: the browser reads it after the event.
document.addEventListener('submit', (event) => {
  const submitter = event.submitter
  // Attributes, not the form's `action` property: a field named "action" hides that property.
  const holder = submitter && submitter.hasAttribute('formaction') ? submitter : event.target
  const attribute = holder === submitter ? 'formaction' : 'action'
  const address = new URL(holder.getAttribute(attribute) || document.location.href, document.baseURI)
  if (address.href.includes('#')) {
    address.hash = ''
    holder.setAttribute(attribute, address.href)
  }
}, true)

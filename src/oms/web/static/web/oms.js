// Starts GOV.UK Frontend and MoJ Frontend components, and again on content that htmx swaps in.
// A module file, not an inline script, so the page works under CSP default-src 'self'.
import { initAll as initGovukFrontend } from "../govuk/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../moj/moj-frontend.min.js";

// GOV.UK Frontend styles its JavaScript-enhanced components only when these classes are present;
// module scripts run only in browsers that support them, which is the test GOV.UK Frontend uses.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

function initComponents(scope) {
  initGovukFrontend({ scope });
  initMojFrontend({ scope });
}

if (window.htmx) {
  // htmx fires a load event for the body at start-up and for every fragment it swaps in.
  window.htmx.onLoad(initComponents);
} else {
  initComponents(document.body);
}

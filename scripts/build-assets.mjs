// Build OMS's front-end assets from node_modules into build/static/ (git-ignored; Django's
// STATICFILES_DIRS points there). Run by `make assets` after `npm ci`; plain Node, no bundler.
//
// Output:
//   web/frontend.css             GOV.UK Frontend + MoJ Frontend compiled from src/oms/web/assets/frontend.scss
//   govuk/govuk-frontend.min.js  ES module, initialised by src/oms/web/static/web/oms.js
//   moj/moj-frontend.min.js      ES module
//   moj/assets/images/icon-*     icons referenced by the MoJ stylesheet
//   htmx/htmx.min.js
//
// Deliberately not copied: the GDS Transport font files and the crown, crest and logotype images,
// which are restricted to GOV.UK and MoJ branded services.

import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const projectDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(projectDir, "node_modules");
const out = join(projectDir, "build", "static");

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

// Start clean so a file dropped from the list above does not linger from an earlier build.
for (const folder of ["web", "govuk", "moj", "htmx"]) {
  rmSync(join(out, folder), { recursive: true, force: true });
}

// Dependencies' own deprecation notices are theirs to fix; count them instead of flooding the log.
let dependencyWarnings = 0;
const css = sass.compile(join(projectDir, "src", "oms", "web", "assets", "frontend.scss"), {
  loadPaths: [projectDir],
  style: "compressed",
  quietDeps: true,
  logger: {
    warn(message, options) {
      if (options.deprecation || `${options.span?.url ?? ""}\n${options.stack ?? ""}`.includes("node_modules/")) {
        dependencyWarnings += 1;
      } else {
        console.warn(message);
      }
    },
  },
}).css;
mkdirSync(join(out, "web"), { recursive: true });
writeFileSync(join(out, "web", "frontend.css"), css);

copy(join(modules, "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
copy(
  join(modules, "@ministryofjustice", "frontend", "moj", "moj-frontend.min.js"),
  join(out, "moj", "moj-frontend.min.js"),
);
copy(join(modules, "htmx.org", "dist", "htmx.min.js"), join(out, "htmx", "htmx.min.js"));

const mojImages = join(modules, "@ministryofjustice", "frontend", "moj", "assets", "images");
let icons = 0;
for (const name of readdirSync(mojImages)) {
  if (name.startsWith("icon-")) {
    copy(join(mojImages, name), join(out, "moj", "assets", "images", name));
    icons += 1;
  }
}

console.log(
  `assets: build/static/web/frontend.css (${Math.round(css.length / 1024)} KiB), GOV.UK + MoJ Frontend JS, htmx,` +
    ` ${icons} MoJ icons` +
    (dependencyWarnings ? `; ${dependencyWarnings} deprecation notices from dependencies hidden` : ""),
);

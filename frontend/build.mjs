// Copy GOV.UK Frontend's and MOJ Frontend's compiled styles, scripts and assets into frontend/build, which
// Django serves as static files: nothing is fetched from a CDN. Their stylesheets point at /assets/;
// Doorstep serves the assets under /static/, so those URLs are rewritten.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const out = "frontend/build";
mkdirSync(out, { recursive: true });
const rewrite = (from, to, prefix) =>
  writeFileSync(to, readFileSync(from, "utf8").replaceAll("url(/assets/", `url(${prefix}`));
cpSync("node_modules/govuk-frontend/dist/govuk/assets", `${out}/govuk/assets`, { recursive: true });
rewrite("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css", `${out}/govuk/govuk-frontend.min.css`, "/static/govuk/assets/");
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk/govuk-frontend.min.js`);
cpSync("node_modules/@ministryofjustice/frontend/moj/assets", `${out}/moj/assets`, { recursive: true });
// MOJ Frontend's stylesheet refers to its own images (issue 17: pointing it at GOV.UK's assets broke collectstatic).
rewrite("node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css", `${out}/moj/moj-frontend.min.css`, "/static/moj/assets/");
cpSync("node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js", `${out}/moj/moj-frontend.min.js`);
// The minified files name their source maps: ship those too, or collectstatic's manifest (production) stops on them.
for (const map of ["govuk-frontend/dist/govuk/govuk-frontend.min.css.map", "govuk-frontend/dist/govuk/govuk-frontend.min.js.map",
                   "@ministryofjustice/frontend/moj/moj-frontend.min.css.map", "@ministryofjustice/frontend/moj/moj-frontend.min.js.map"]) {
  cpSync(`node_modules/${map}`, `${out}/${map.includes("/moj/") ? "moj" : "govuk"}/${map.split("/").pop()}`);
}
cpSync("node_modules/axe-core/axe.min.js", `${out}/axe/axe.min.js`);
cpSync("frontend/doorstep.css", `${out}/doorstep.css`);
cpSync("frontend/doorstep.js", `${out}/doorstep.js`);
// Issue 18: the visit page's app icons (its web app manifest). doorstep.svg is the drawing; the PNGs are the same
// shapes at 192 and 512 px, for phones that want a bitmap.
cpSync("frontend/icons", `${out}/icons`, { recursive: true });
console.log(`built ${out}`);

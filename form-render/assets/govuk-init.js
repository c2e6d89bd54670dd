// Starts GOV.UK Frontend's components (loaded as a module, from beside this file).
import { initAll } from "./govuk-frontend.min.js";

initAll();

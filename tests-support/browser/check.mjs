// Drives Debian's chromium over every page under OUT/site (written by scripts/browser-test.sh)
// and fails unless, on every page:
// - axe-core finds no WCAG 2.0, 2.1 or 2.2 level A or AA violation, with JavaScript on (the
//   page as most people see it: conditional questions shown and hidden by sendform.js) and
//   with JavaScript off (every conditional question shown, with its condition in its hint);
// - every visible control (links, buttons, inputs, selects, text areas; one per radio group,
//   as browsers tab to a group once) is reached by pressing Tab;
// - every text box with a value and every answer shown back is set in the direction of its
//   first letter: right to left for Arabic (Urdu too), Hebrew, Syriac, Thaana or N'Ko, left to
//   right otherwise, and an answer shown back aligned to that direction's start, with each of
//   its lines on a line of its own;
// - no script raises an error and no request fails.
// It saves a full-page screenshot of each page as loaded under OUT/screenshots and the
// findings in OUT/report.json.
//
//   TEST_DEPS=target/test-deps node tests-support/browser/check.mjs OUT [ONLY]
//
// ONLY, if given, checks just the pages whose path under OUT/site contains it.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFile, readdir, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";

const out = path.resolve(process.argv[2] ?? "target/browser-test");
const deps = path.resolve(process.env.TEST_DEPS ?? "target/test-deps");
const require = createRequire(path.join(deps, "package.json"));
const { chromium } = require("playwright-core");
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

const site = path.join(out, "site");
if (!existsSync(site)) {
  console.error(`error: ${site} does not exist; run scripts/browser-test.sh`);
  process.exit(2);
}

// Module scripts do not load from file: URLs, so the pages are served over HTTP.
const server = createServer(async (request, response) => {
  const url = new URL(request.url, "http://localhost");
  // Browsers ask for /favicon.ico on their own; the pages declare no icon.
  if (url.pathname === "/favicon.ico") {
    response.writeHead(204).end();
    return;
  }
  const file = path.join(site, path.normalize(decodeURIComponent(url.pathname)));
  if (!file.startsWith(site)) {
    response.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    response.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
    });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

async function htmlFiles(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "assets") found.push(...(await htmlFiles(full)));
    } else if (entry.name.endsWith(".html")) {
      found.push(full);
    }
  }
  return found.sort();
}

// Runs axe-core in the page (injected by evaluation, so it works with the page's own scripts
// off) and returns its violations, trimmed to what a person needs to find them.
async function axeViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
    WCAG_TAGS,
  );
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(" ")),
  }));
}

// The text boxes and answers shown back that are not set in the direction of their first
// letter, as the PDFs print them, or whose lines run together, each with what it shows.
async function notAsWritten(page) {
  return page.evaluate(() => {
    const rightToLeft =
      /^[^\p{L}]*[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
    const wrong = [];
    for (const box of document.querySelectorAll("input[type=text], textarea")) {
      if (box.value.trim() === "") continue;
      const wanted = rightToLeft.test(box.value) ? "rtl" : "ltr";
      if (!box.matches(`:dir(${wanted})`)) wrong.push(`${box.id} is not ${wanted}: ${box.value}`);
    }
    for (const value of document.querySelectorAll(".sendform-answers .govuk-summary-list__value")) {
      const text = value.textContent.trim();
      if (text === "" || value.getClientRects().length === 0) continue;
      // The first line's box against the value's content box.
      const range = document.createRange();
      range.selectNodeContents(value);
      const line = range.getClientRects()[0];
      const box = value.getBoundingClientRect();
      const style = getComputedStyle(value);
      const start = rightToLeft.test(text)
        ? box.right - parseFloat(style.paddingRight) - line.right
        : line.left - (box.left + parseFloat(style.paddingLeft));
      if (Math.abs(start) > 1) {
        wrong.push(`"${text.slice(0, 40)}" starts ${Math.round(start)}px from its side`);
      }
      // Each line of the answer on a line of its own (an address, paragraphs).
      const lines = text.split("\n").filter((line) => line.trim() !== "").length;
      const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (tops.size < lines) {
        wrong.push(`"${text.slice(0, 40)}" has ${lines} lines but is shown on ${tops.size}`);
      }
    }
    return wrong;
  });
}

// Marks the controls a keyboard user must be able to reach, tabs through the page (wrapping
// past its end, so a control before one focused on load, such as the error summary, is
// reached too) and returns the ones never focused.
async function unreachable(page) {
  const wanted = await page.evaluate(() => {
    const selector =
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
    const keys = new Set();
    for (const element of document.querySelectorAll(selector)) {
      if (element.disabled || element.getClientRects().length === 0) continue;
      // Taken out of the tab order on purpose (the form's hidden default button).
      if (element.getAttribute("tabindex") === "-1") continue;
      if (getComputedStyle(element).visibility === "hidden") continue;
      const key =
        element.type === "radio"
          ? `radio group ${element.name}`
          : `${element.tagName.toLowerCase()} ${element.id || element.name || element.getAttribute("href") || element.textContent.trim()}`;
      element.dataset.tabKey = key;
      keys.add(key);
    }
    return [...keys];
  });
  await page.evaluate(() => {
    window.sendformReached = new Set();
    document.addEventListener(
      "focusin",
      (event) => event.target.dataset?.tabKey && window.sendformReached.add(event.target.dataset.tabKey),
      true,
    );
  });
  // Presses Tab in batches, checking between them whether everything has been reached.
  let missing = wanted;
  const limit = wanted.length * 2 + 20;
  for (let pressed = 0; pressed < limit && missing.length > 0; pressed += 20) {
    for (let i = 0; i < 20; i++) await page.keyboard.press("Tab");
    const reached = await page.evaluate(() => [...window.sendformReached]);
    missing = wanted.filter((key) => !reached.includes(key));
  }
  return missing;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const withScripts = await browser.newContext({ viewport: { width: 1024, height: 768 } });
// Without JavaScript: axe-core cannot run in a context with scripts off (it waits on timers),
// so this context serves the pages with their own scripts taken out instead.
const withoutScripts = await browser.newContext({ viewport: { width: 1024, height: 768 } });
await withoutScripts.route("**/*.html", async (route) => {
  const response = await route.fetch();
  const body = (await response.text()).replace(/<script\b[\s\S]*?<\/script>/g, "");
  await route.fulfill({ response, body });
});
const shots = path.join(out, "screenshots");
await mkdir(shots, { recursive: true });

// Checks one page; returns what is wrong with it, if anything.
async function check(relative) {
  const url = `${origin}/${relative.split(path.sep).join("/")}`;
  const problems = {};

  const page = await withScripts.newPage();
  const scriptErrors = [];
  page.on("pageerror", (error) => scriptErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") scriptErrors.push(message.text());
  });
  page.on("response", (answer) => {
    if (answer.status() >= 400) scriptErrors.push(`HTTP ${answer.status()} for ${answer.url()}`);
  });
  await page.goto(url, { waitUntil: "load" });
  await page.screenshot({
    path: path.join(shots, relative.split(path.sep).join("--").replace(/\.html$/, ".png")),
    fullPage: true,
  });
  const withJs = await axeViolations(page);
  if (withJs.length) problems.axeWithJavaScript = withJs;
  const missed = await unreachable(page);
  if (missed.length) problems.notReachedByTab = missed;
  const unlike = await notAsWritten(page);
  if (unlike.length) problems.notAsWritten = unlike;
  if (scriptErrors.length) problems.scriptErrors = scriptErrors;
  await page.close();

  const plain = await withoutScripts.newPage();
  await plain.goto(url, { waitUntil: "load" });
  const withoutJs = await axeViolations(plain);
  if (withoutJs.length) problems.axeWithoutJavaScript = withoutJs;
  await plain.close();
  return problems;
}

const only = process.argv[3];
const files = (await htmlFiles(site))
  .map((file) => path.relative(site, file))
  .filter((relative) => !only || relative.includes(only));
const report = [];
// Two pages at a time (about 1.5 times as fast on two cores; playwright keeps each page's
// focus its own).
let next = 0;
async function worker() {
  while (next < files.length) {
    const relative = files[next++];
    const problems = await check(relative);
    const ok = Object.keys(problems).length === 0;
    report.push({ page: relative, ok, ...problems });
    console.log(`${ok ? "ok  " : "FAIL"} ${relative}`);
    if (!ok) console.log(JSON.stringify(problems, null, 2).replace(/^/gm, "     "));
  }
}
await Promise.all([worker(), worker()]);
report.sort((a, b) => a.page.localeCompare(b.page));
const failures = report.filter((entry) => !entry.ok).length;

await browser.close();
server.close();
await writeFile(path.join(out, "report.json"), JSON.stringify(report, null, 2));
console.log(
  `${files.length} pages, ${failures} with problems; screenshots in ${shots}, report in ${path.join(out, "report.json")}`,
);
process.exit(failures === 0 && files.length > 0 ? 0 : 1);

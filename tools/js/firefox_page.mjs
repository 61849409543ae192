// Opens one kg page in Debian's Firefox through WebDriver BiDi (puppeteer-core) and evaluates
// expressions in it, in order, once the page says it is interactive (<html data-kg-ready>).
// stdin: {"firefox": path, "url": file URL, "steps": ["JS expression", ...], "width", "height"}
// stdout: {"results": [JSON value per step], "pageErrors": [...], "consoleErrors": [...], "blocked": [...]}
// A step's value may be a Promise: it is awaited, so steps wait on the renderer's events.
import puppeteer from "puppeteer-core";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => { text += chunk; });
  process.stdin.on("end", () => resolve(text));
}));
const browser = await puppeteer.launch({
  browser: "firefox", executablePath: input.firefox, headless: true,
  extraPrefsFirefox: { "network.proxy.type": 0, "browser.shell.checkDefaultBrowser": false },
});
const out = { results: [], pageErrors: [], consoleErrors: [], blocked: [] };
try {
  const page = await browser.newPage();
  await page.setViewport({ width: input.width || 1500, height: input.height || 900 });
  page.on("pageerror", (error) => out.pageErrors.push(String(error)));
  page.on("console", (message) => { if (message.type() === "error") out.consoleErrors.push(message.text()); });
  page.on("dialog", async (dialog) => { out.pageErrors.push("dialog: " + dialog.message()); await dialog.dismiss(); });
  page.on("request", (request) => { if (/^https?:/i.test(request.url())) out.blocked.push(request.url()); });
  await page.goto(input.url);
  await page.waitForSelector("html[data-kg-ready]", { timeout: 60000 });
  for (const step of input.steps) out.results.push(await page.evaluate(step));
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));

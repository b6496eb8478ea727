// Opens a stored study in the prebuilt OHIF viewer in headless Chromium, and measures the viewport pixels of the
// screenshot against the same region of a viewer opened on a study that does not exist. The viewer is either served
// here from its dist folder, on another origin than the archive (so CORS is exercised), or, given a URL instead of a
// folder, the one the archive serves itself. Prints one JSON object for the NUnit test.
// usage: node ohif.test.js <dicomweb root> <study uid> <ohif dist dir | viewer site URL> <node_modules dir> <screenshot.png>
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

const [root, studyUid, dist, modules, screenshotPath] = process.argv.slice(2);
const { chromium } = require(path.join(modules, "playwright-core"));

const types = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf" };

function appConfig() {
  const shipped = fs.readFileSync(path.join(dist, "app-config.js"), "utf8");
  return shipped
    .split("https://d14fa38qiwhyfd.cloudfront.net/dicomweb").join(root)
    .replace("staticWado: true", "staticWado: false")
    .replace("qidoSupportsIncludeField: false", "qidoSupportsIncludeField: true")
    .replace("thumbnailRendering: 'thumbnail'", "thumbnailRendering: 'wadors'");
}

function serveViewer() {
  const config = appConfig();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    if (url.pathname === "/app-config.js") {
      response.writeHead(200, { "Content-Type": "text/javascript" });
      return response.end(config);
    }
    let file = path.join(dist, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ""));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      file = path.join(dist, "index.html"); // the viewer routes on the client
    }
    response.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// Mean, standard deviation and number of distinct grey levels of a region of a PNG, computed in the browser.
async function regionStats(page, png, box) {
  return page.evaluate(async ({ data, box }) => {
    const image = new Image();
    image.src = "data:image/png;base64," + data;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(box.x, box.y, box.width, box.height).data;
    let sum = 0, squares = 0;
    const levels = new Set();
    const grey = [];
    for (let i = 0; i < pixels.length; i += 4) {
      const g = Math.round((pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3);
      grey.push(g);
      sum += g;
      squares += g * g;
      levels.add(g);
    }
    const n = grey.length;
    const mean = sum / n;
    return { mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)), levels: levels.size, grey };
  }, { data: png.toString("base64"), box });
}

async function main() {
  const servedByArchive = /^https?:/.test(dist);
  const viewer = servedByArchive ? null : await serveViewer();
  const origin = servedByArchive ? dist.replace(/\/$/, "") : `http://127.0.0.1:${viewer.address().port}`;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const failures = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("response", (r) => { if (r.url().startsWith(root) && r.status() >= 400) failures.push(`${r.status()} ${r.url()}`); });
    page.on("requestfailed", (r) => { if (r.url().startsWith(root)) failures.push(`failed ${r.url()} ${r.failure() && r.failure().errorText}`); });

    await page.goto(`${origin}/viewer?StudyInstanceUIDs=${studyUid}`, { waitUntil: "domcontentloaded" });
    const canvas = await page.waitForSelector("canvas.cornerstone-canvas", { timeout: 90000 });
    // The image arrives after metadata and frames: wait until the viewport shows more than a flat background.
    let stats = null, png = null, box = null;
    for (let attempt = 0; attempt < 60; attempt++) {
      await page.waitForTimeout(1000);
      // The onboarding tour and the investigational-use notice dim or cover the viewport: dismiss them.
      for (const text of ["Skip all", "Confirm and hide"]) {
        await page.getByText(text, { exact: true }).click({ timeout: 300 }).catch(() => {});
      }
      box = await canvas.boundingBox();
      box = { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
      png = await page.screenshot();
      stats = await regionStats(page, png, box);
      if (stats.std > 25 && stats.levels > 100 && attempt > 2) {
        break;
      }
    }
    fs.writeFileSync(screenshotPath, png);

    const empty = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await empty.goto(`${origin}/viewer?StudyInstanceUIDs=1.2.3.4.5.6.7.8.9`, { waitUntil: "domcontentloaded" });
    await empty.waitForTimeout(8000);
    const emptyStats = await regionStats(empty, await empty.screenshot(), box);
    let difference = 0;
    for (let i = 0; i < stats.grey.length; i++) difference += Math.abs(stats.grey[i] - emptyStats.grey[i]);
    const result = {
      box,
      study: { mean: stats.mean, std: stats.std, levels: stats.levels },
      empty: { mean: emptyStats.mean, std: emptyStats.std, levels: emptyStats.levels },
      meanDifference: difference / stats.grey.length,
      failures,
    };
    process.stdout.write(JSON.stringify(result) + "\n");
  } finally {
    await browser.close();
    if (viewer) viewer.close();
  }
}

main().catch((error) => {
  console.error("OHIF test failed:", error && (error.stack || error.message || error));
  process.exit(1);
});

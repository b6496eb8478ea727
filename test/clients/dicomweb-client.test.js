// Drives our server with the npm dicomweb-client (the library OHIF uses) the way a viewer does:
// search, series metadata, an instance, frames and a BulkDataURI. Prints one JSON object for the NUnit test
// to check against the stored files; exits non-zero on any client error.
// usage: node dicomweb-client.test.js <dicomweb root url> [node_modules dir]
"use strict";
const path = require("path");
const crypto = require("crypto");

const modules = process.argv[3] || path.join(__dirname, "..", ".tools", "node_modules");
global.XMLHttpRequest = require(path.join(modules, "xhr2"));
const { api } = require(path.join(modules, "dicomweb-client"));

const sha256 = (buffer) => crypto.createHash("sha256").update(Buffer.from(buffer)).digest("hex");
const first = (dataset, tag) => (dataset[tag] && dataset[tag].Value ? dataset[tag].Value[0] : undefined);

async function main() {
  const url = process.argv[2];
  const client = new api.DICOMwebClient({ url, headers: { Authorization: "Bearer test-token" } });
  const result = { studies: [], series: [], metadata: [], instances: {}, frames: {}, bulkData: {} };

  const studies = await client.searchForStudies({ queryParams: { limit: 101, offset: 0, fuzzymatching: false } });
  for (const study of studies) {
    const studyInstanceUID = first(study, "0020000D");
    result.studies.push(studyInstanceUID);
    const series = await client.searchForSeries({ studyInstanceUID });
    for (const one of series) {
      const seriesInstanceUID = first(one, "0020000E");
      result.series.push(seriesInstanceUID);
      const metadata = await client.retrieveSeriesMetadata({ studyInstanceUID, seriesInstanceUID });
      for (const instance of metadata) {
        const sopInstanceUID = first(instance, "00080018");
        result.metadata.push(sopInstanceUID);
        const uids = { studyInstanceUID, seriesInstanceUID, sopInstanceUID };
        const part10 = await client.retrieveInstance(uids);
        result.instances[sopInstanceUID] = sha256(part10);
        const count = parseInt(first(instance, "00280008") || "1", 10);
        const frameNumbers = Array.from({ length: count }, (_, i) => i + 1);
        const frames = await client.retrieveInstanceFrames({
          ...uids,
          frameNumbers,
          mediaTypes: [{ mediaType: "application/octet-stream", transferSyntaxUID: "*" }],
        });
        result.frames[sopInstanceUID] = frames.map(sha256);
        const pixelData = instance["7FE00010"];
        if (pixelData && pixelData.BulkDataURI) {
          const bulk = await client.retrieveBulkData({ BulkDataURI: pixelData.BulkDataURI });
          result.bulkData[sopInstanceUID] = bulk.map(sha256);
        }
      }
    }
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((error) => {
  console.error("dicomweb-client failed:", error && (error.stack || error.message || error));
  process.exit(1);
});

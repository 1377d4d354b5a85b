// Checks that the example flow is a well-formed Node-RED flow and writes the copy the test runs:
// the broker node points at the test's Mosquitto, and file nodes record what the flow's own
// nodes produce so the test can read it.
//   node prepare-flow.js FLOW OUT_FLOW HOST PORT OUT_DIR
// Prints the id of the flow's "read now" inject node.
"use strict";
const fs = require("fs");
const path = require("path");

const [flowPath, outPath, host, port, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: prepare-flow.js FLOW OUT_FLOW HOST PORT OUT_DIR");
  process.exit(2);
}

function fail(message) {
  console.error(`prepare-flow: ${flowPath}: ${message}`);
  process.exit(1);
}

let flow;
try {
  flow = JSON.parse(fs.readFileSync(flowPath, "utf8"));
} catch (e) {
  fail(`not JSON: ${e.message}`);
}
if (!Array.isArray(flow)) fail("a flow file is an array of nodes");

const byId = new Map();
for (const node of flow) {
  if (typeof node.id !== "string" || typeof node.type !== "string") fail("a node without id or type");
  if (byId.has(node.id)) fail(`duplicate id ${node.id}`);
  byId.set(node.id, node);
}
const tabs = flow.filter((n) => n.type === "tab");
if (tabs.length !== 1) fail(`expected one tab, found ${tabs.length}`);
const tab = tabs[0].id;
const configTypes = new Set(["tab", "mqtt-broker"]);
for (const node of flow) {
  if (configTypes.has(node.type)) continue;
  if (node.z !== tab) fail(`node ${node.id} (${node.type}) is not on the tab`);
  if (!Array.isArray(node.wires)) fail(`node ${node.id} (${node.type}) has no wires`);
  for (const port of node.wires) {
    for (const target of port) {
      if (!byId.has(target)) fail(`node ${node.id} is wired to a missing node ${target}`);
    }
  }
  if (node.broker !== undefined && byId.get(node.broker)?.type !== "mqtt-broker") {
    fail(`node ${node.id} names a broker ${node.broker} that is not an mqtt-broker node`);
  }
}

function only(predicate, what) {
  const found = flow.filter(predicate);
  if (found.length !== 1) fail(`expected one ${what}, found ${found.length}`);
  return found[0];
}
const brokers = flow.filter((n) => n.type === "mqtt-broker");
if (brokers.length !== 1) fail(`expected one mqtt-broker node, found ${brokers.length}`);
const stateIn = only(
  (n) => n.type === "mqtt in" && n.topic === "hems2mqtt/smart_meter" && n.datatype === "json",
  "mqtt in node on hems2mqtt/smart_meter with JSON output",
);
const responseIn = only(
  (n) => n.type === "mqtt in" && n.topic === "hems2mqtt/smart_meter/response" && n.datatype === "json",
  "mqtt in node on hems2mqtt/smart_meter/response with JSON output",
);
const getOut = only(
  (n) => n.type === "mqtt out" && n.topic === "hems2mqtt/smart_meter/get",
  "mqtt out node on hems2mqtt/smart_meter/get",
);
const inject = only(
  (n) => n.type === "inject" && n.wires.flat().includes(getOut.id),
  "inject node wired to the get request",
);
if (JSON.stringify(JSON.parse(inject.payload)) !== '{"transaction":"nr-1"}' || inject.payloadType !== "json") {
  fail('the inject node must send the JSON {"transaction":"nr-1"}');
}
const extract = only(
  (n) => (n.type === "function" || n.type === "change") && stateIn.wires.flat().includes(n.id),
  "function or change node after the state",
);
if (extract.wires.length !== 2) fail("the extracting node has two outputs: power_w, energy_import_kwh");
const historyIn = only(
  (n) => n.type === "mqtt in" && n.topic === "hems2mqtt/smart_meter/history" && n.datatype === "json",
  "mqtt in node on hems2mqtt/smart_meter/history with JSON output",
);
const historyLine = only(
  (n) => n.type === "function" && historyIn.wires.flat().includes(n.id),
  "function node after the history",
);
const historyFile = only(
  (n) => n.type === "file" && historyLine.wires.flat().includes(n.id),
  "file node that writes the history",
);
if (historyFile.overwriteFile !== "false" || !historyFile.appendNewline) {
  fail("the history file node must append one line per record");
}

// The copy: the test's broker, the flow's own history file in the test's directory, and a file
// node after each output we check.
brokers[0].broker = host;
brokers[0].port = String(port);
historyFile.filename = path.join(outDir, "history.csv");
function recorder(id, file, sources) {
  flow.push({
    id, type: "file", z: tab, name: `record ${file}`, filename: path.join(outDir, file),
    filenameType: "str", appendNewline: true, createDir: true, overwriteFile: "false",
    encoding: "none", x: 900, y: 40, wires: [[]],
  });
  for (const [node, output] of sources) node.wires[output].push(id);
}
recorder("feedc0de00000001", "power.txt", [[extract, 0]]);
recorder("feedc0de00000002", "energy.txt", [[extract, 1]]);
recorder("feedc0de00000003", "response.txt", [[responseIn, 0]]);
fs.writeFileSync(outPath, JSON.stringify(flow, null, 2));
console.log(inject.id);

// Node-RED settings for the example-flow test: listen on loopback only, no editor UI (the admin
// HTTP API stays, the test presses the flow's inject button through it), nothing sent anywhere.
module.exports = {
  uiHost: "127.0.0.1",
  disableEditor: true,
  credentialSecret: false,
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false },
  logging: { console: { level: "info", metrics: false, audit: false } },
};

#!/usr/bin/env node
// Cross-checks our ECHONET Lite codec with the npm package echonet-lite, an independent
// implementation:
//   1. our encoder's sample frames are parsed by echonet-lite (and by our own decoder), and every
//      field is compared with what the frame was meant to say;
//   2. frames made by echonet-lite's builders are parsed by our decoder and compared with what
//      the builder was asked for and with echonet-lite's own reading of them;
//   3. a few malformed frames show where the two differ in strictness (our rejections are
//      checked; echonet-lite's readings are only reported).
//
//   node crosscheck.js FRAMES_TOOL MODULE_DIR
//
// MODULE_DIR is a directory whose node_modules holds echonet-lite. Exit 0 when everything
// agrees, 1 with one "DIFF" line per disagreement otherwise, 2 on a usage or setup error.
'use strict';

const { execFileSync } = require('child_process');
const path = require('path');

const [tool, moduleDir] = process.argv.slice(2);
if (!tool || !moduleDir) {
  console.error('usage: node crosscheck.js FRAMES_TOOL MODULE_DIR');
  process.exit(2);
}
const EL = require(path.join(path.resolve(moduleDir), 'node_modules', 'echonet-lite'));

const diffs = [];
const notes = [];
const MAP_EPCS = new Set(['9d', '9e', '9f']);
// echonet-lite reads a property map as the bitmap form when PDC >= 17 (and then hands back the
// decoded list instead of the raw EDT); below that it hands back the raw EDT.
const EL_BITMAP_PDC = 17;

const bytesOf = (hex) => hex.match(/../g) || [];
const sortedEpcs = (epcs) => [...epcs].sort();
const show = (value) => (value === undefined ? '(missing)' : JSON.stringify(value));

// ---- running our tool ---------------------------------------------------------------------------
function runTool(mode, input) {
  const out = execFileSync(tool, [mode], { input: input || '', encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

// ---- echonet-lite's reading of a frame, in the shape our tool prints ----------------------------
function mapFromElValue(value) {
  const bytes = bytesOf(value);
  return { n: parseInt(bytes[0], 16), epcs: sortedEpcs(bytes.slice(1)) };
}

// DETAILs is an object keyed by EPC, values are EDT hex (or a decoded property map).
function elList(details) {
  return Object.entries(details).map(([epc, value]) => {
    const property = { epc, pdc: value.length / 2, edt: value };
    if (MAP_EPCS.has(epc) && value !== '') {
      property.map = mapFromElValue(value);
      // A converted bitmap no longer shows its PDC or raw EDT: those are not compared. A valid
      // bitmap has N >= 16, so its converted value is 17 bytes or more, and a list never is.
      if (property.pdc >= EL_BITMAP_PDC) {
        property.pdc = null;
        property.edt = null;
      }
    }
    return property;
  });
}

function elView(hex) {
  const els = EL.parseString(hex);
  const view = {
    ehd: els.EHD,
    tid: els.TID,
    seoj: els.SEOJ,
    deoj: els.DEOJ,
    esv: els.ESV,
    opc: parseInt(els.OPC, 16),
    properties: elList(els.DETAILs),
  };
  if (['6e', '7e', '5e'].includes(els.ESV)) {
    // parseString reads only the first (OPCSet) list; the OPCGet list stays in DETAIL. It is read
    // here with echonet-lite's own list parser, starting where the OPCSet list ends.
    const setLength = view.properties.reduce((sum, p) => sum + 2 + (p.pdc === null ? 17 : p.pdc), 0);
    const rest = els.DETAIL.substr(setLength * 2);
    view.opc_get = parseInt(rest.substr(0, 2), 16);
    view.get_properties = elList(EL.parseDetail(rest.substr(0, 2), rest.substr(2)));
  }
  return { els, view };
}

// ---- comparing -----------------------------------------------------------------------------------
// Compares `actual` with `expected` field by field. Lists are compared in order when `ordered`,
// else by EPC (echonet-lite's DETAILs object loses the order: keys '80'..'99' look like integers
// to JavaScript and come first). A null in `actual` means "this reader does not expose it".
function compareFrame(label, expected, actual, ordered, out = diffs) {
  const before = out.length;
  const differ = (field, want, got) =>
    out.push(`DIFF ${label}: ${field}: expected ${show(want)}, got ${show(got)}`);
  for (const field of ['ehd', 'tid', 'seoj', 'deoj', 'esv', 'opc', 'opc_get']) {
    if (expected[field] !== undefined && expected[field] !== actual[field])
      differ(field, expected[field], actual[field]);
  }
  for (const listName of ['properties', 'get_properties']) {
    const want = expected[listName];
    const got = actual[listName];
    if (want === undefined) continue;
    if (!Array.isArray(got)) {
      differ(listName, want, got);
      continue;
    }
    if (want.length !== got.length)
      differ(`${listName} count`, want.map((p) => p.epc), got.map((p) => p.epc));
    want.forEach((property, index) => {
      const match = ordered ? got[index] : got.find((p) => p.epc === property.epc);
      const where = `${listName}[${index}] EPC ${property.epc}`;
      if (!match || match.epc !== property.epc) {
        differ(`${where} epc`, property.epc, match && match.epc);
        return;
      }
      for (const field of ['pdc', 'edt']) {
        const unknown = property[field] === undefined || property[field] === null || match[field] === null;
        if (!unknown && property[field] !== match[field])
          differ(`${where} ${field}`, property[field], match[field]);
      }
      if (property.map !== undefined) {
        if (!match.map) {
          differ(`${where} property map`, property.map, match.map_error || match.map);
        } else {
          if (property.map.n !== match.map.n) differ(`${where} map N`, property.map.n, match.map.n);
          const wantEpcs = sortedEpcs(property.map.epcs).join(' ');
          const gotEpcs = sortedEpcs(match.map.epcs).join(' ');
          if (wantEpcs !== gotEpcs) differ(`${where} map EPCs`, wantEpcs, gotEpcs);
        }
      }
    });
  }
  return out.length - before;
}

// ---- 0. the comparison itself must notice a wrong field --------------------------------------------
function checkComparerNoticesDifferences(sample) {
  const corrupted = JSON.parse(JSON.stringify(sample.fields));
  corrupted.tid = corrupted.tid === '0000' ? '0001' : '0000';
  corrupted.properties[0].edt += '00';
  const found = compareFrame('self-check', corrupted, sample.fields, true, []);
  if (found !== 2) {
    console.error(`FAILED: the comparison found ${found} of 2 planted differences`);
    process.exit(1);
  }
}

// ---- 1. our frames, read by echonet-lite and by our decoder ----------------------------------------
function checkOurFrames() {
  const samples = runTool('frames');
  if (samples.length === 0) throw new Error('the tool printed no sample frames');
  checkComparerNoticesDifferences(samples.find((s) => s.fields.properties[0].edt !== ''));

  const ours = runTool('decode', samples.map((s) => s.hex).join('\n') + '\n');
  samples.forEach((sample, index) => {
    const label = `our ${sample.name} (${sample.hex})`;
    const { els, view } = elView(sample.hex);
    compareFrame(`${label} read by echonet-lite`, sample.fields, view, false);

    const fromBytes = EL.parseBytes(Buffer.from(sample.hex, 'hex'));
    if (JSON.stringify(fromBytes) !== JSON.stringify(els))
      diffs.push(`DIFF ${label}: echonet-lite parseBytes and parseString disagree`);

    // The frame is exactly as long as its properties say: nothing after them.
    const lists = [sample.fields.properties].concat(sample.fields.get_properties || []);
    const listBytes = lists.flat().reduce((sum, p) => sum + 2 + p.pdc, 0);
    const wantDetail = listBytes + (sample.fields.get_properties ? 1 : 0);
    if (els.DETAIL.length / 2 !== wantDetail)
      diffs.push(`DIFF ${label}: echonet-lite sees ${els.DETAIL.length / 2} bytes after OPC, the ` +
                 `properties account for ${wantDetail}`);

    const order = view.properties.map((p) => p.epc).join(' ');
    if (order !== sample.fields.properties.map((p) => p.epc).join(' '))
      notes.push(`${sample.name}: echonet-lite's DETAILs lists the EPCs as ${order}`);
    if (sample.fields.get_properties)
      notes.push(`${sample.name}: echonet-lite's parseString reports OPC ${els.OPC} and only the ` +
                 `OPCSet list; the OPCGet list was read with EL.parseDetail`);

    const decoded = ours[index];
    if (!decoded.ok) diffs.push(`DIFF ${label}: our decoder rejects it: ${decoded.error}`);
    else compareFrame(`${label} read by our decoder`, sample.fields, decoded.fields, true);
  });
  return samples.length;
}

// ---- 2. echonet-lite's frames, read by our decoder ---------------------------------------------------
// The builders send over UDP; sendBase is where every one of them ends, so it is replaced by a
// recorder and nothing goes on the network.
async function buildElFrames() {
  const built = [];
  let expected = null;
  EL.sendBase = (ip, buffer) => {
    built.push({ hex: Buffer.from(buffer).toString('hex'), expected });
    return [buffer[2], buffer[3]];
  };
  const ip = '127.0.0.1';
  const build = async (name, fields, ordered, action) => {
    expected = { name, fields, ordered };
    await action();
  };
  const props = (list) => list.map(([epc, edt]) => ({ epc, pdc: edt.length / 2, edt }));
  const header = (tid, seoj, deoj, esv, list) => ({
    ehd: '1081', tid, seoj, deoj, esv, opc: list.length, properties: props(list),
  });

  EL.tid = [0x12, 0x33];  // sendOPC1 and sendDetails count up from here: the next TID is 1234
  await build('sendOPC1 Get 80', header('1234', '05ff01', '028801', '62', [['80', '']]), true,
              () => EL.sendOPC1(ip, [0x05, 0xff, 0x01], [0x02, 0x88, 0x01], EL.GET, 0x80));
  await build('sendDetails Get 80 e0', header('1235', '05ff01', '028801', '62', [['80', ''], ['e0', '']]),
              true, () => EL.sendDetails(ip, '05ff01', '028801', EL.GET, [{ '80': '' }, { 'e0': '' }]));
  await build('sendOPC1 SetC 80=31', header('1236', '05ff01', '013001', '61', [['80', '31']]), true,
              () => EL.sendOPC1(ip, '05ff01', '013001', EL.SETC, '80', '31'));
  await build('sendDetails SetC three', header('1237', '05ff01', '013001', '61',
                                               [['80', '30'], ['b3', '1a'], ['97', '0c1e']]),
              false, () => EL.sendDetails(ip, '05ff01', '013001', EL.SETC,
                                          { '80': '30', 'b3': '1a', '97': '0c1e' }));
  await build('sendOPC1 SetI 81=08', header('1238', '05ff01', '013001', '60', [['81', '08']]), true,
              () => EL.sendOPC1(ip, '05ff01', '013001', EL.SETI, 0x81, [0x08]));
  await build('sendOPC1 INF d5', header('1239', '0ef001', '0ef001', '73', [['d5', '01028801']]), true,
              () => EL.sendOPC1(ip, '0ef001', '0ef001', EL.INF, 0xd5, [0x01, 0x02, 0x88, 0x01]));
  // sendELDATA is given no TID: 2.16.2 ignores one anyway (its test `!eldata.TID == ''` is
  // always true) and counts on from the others.
  await build('sendELDATA INF_REQ e7', header('123a', '05ff01', '028801', '63', [['e7', '']]), true,
              () => EL.sendELDATA(ip, { SEOJ: '05ff01', DEOJ: '028801', ESV: '63',
                                        DETAILs: { 'e7': '' } }));

  // Replies made by echonet-lite's responder helpers, to requests it parsed itself.
  const toshiba9f = '1941414160404000624300414040430202';
  const meter = {
    '028801': {
      '80': [0x30],
      '9d': [0x03, 0x80, 0x81, 0x88],
      '9f': Array.from(Buffer.from(toshiba9f, 'hex')),
      'e7': [0x00, 0x00, 0x01, 0xf4],
    },
  };
  const toshibaMap = {
    n: 25,
    epcs: ('80 81 82 88 8a 8d 97 98 9d 9e 9f d3 d7 e0 e1 e2 e3 e4 e5 e7 e8 ea eb ec ed').split(' '),
  };
  const getRes = header('0042', '028801', '05ff01', '72',
                        [['80', '30'], ['9d', '03808188'], ['9f', toshiba9f], ['e7', '000001f4']]);
  getRes.properties[1].map = { n: 3, epcs: ['80', '81', '88'] };
  getRes.properties[2].map = toshibaMap;
  await build('replyGetDetail Get_Res with maps', getRes, false, () =>
    EL.replyGetDetail(ip, EL.parseString('1081004205ff0102880162048000' + '9d009f00e700'), meter));
  await build('replyGetDetail Get_SNA', header('0043', '028801', '05ff01', '52', [['80', '30'], ['f0', '']]),
              false, () => EL.replyGetDetail(ip, EL.parseString('1081004305ff010288016202' + '8000f000'), meter));
  await build('replySetDetail Set_Res', header('0044', '028801', '05ff01', '71', [['80', '']]), true,
              () => EL.replySetDetail(ip, EL.parseString('1081004405ff0102880161018001' + '31'),
                                      meter));
  return built;
}

async function checkElFrames() {
  const built = await buildElFrames();
  const ours = runTool('decode', built.map((b) => b.hex).join('\n') + '\n');
  built.forEach(({ hex, expected }, index) => {
    const label = `echonet-lite ${expected.name} (${hex})`;
    const decoded = ours[index];
    if (!decoded || !decoded.ok) {
      diffs.push(`DIFF ${label}: our decoder rejects it: ${decoded ? decoded.error : '(no answer)'}`);
      return;
    }
    compareFrame(`${label} read by our decoder, against the builder's input`, expected.fields,
                 decoded.fields, expected.ordered);
    const { view } = elView(hex);
    compareFrame(`${label} read by our decoder, against echonet-lite's reading`, view,
                 decoded.fields, false);
  });
  return built.length;
}

// ---- 3. malformed frames: we reject them; echonet-lite's reading is reported -----------------------
function checkMalformed() {
  const cases = [
    ['a byte after the last property', '1081000105ff0102880162018000ff'],
    ['PDC 2 with one EDT byte left', '1081000105ff0102880172018002'.concat('30')],
    ['OPC 2 with one property', '1081000105ff01028801620280009f'],
    ['OPC 0 in a Get', '1081000105ff010288016200'],
    ['SetGet without its OPCGet count', '1081000105ff01013001' + '6e01800130'],
    ['EHD 10 82', '1082000105ff0102880162018000'],
  ];
  const ours = runTool('decode', cases.map(([, hex]) => hex).join('\n') + '\n');
  cases.forEach(([what, hex], index) => {
    if (ours[index].ok) diffs.push(`DIFF malformed frame (${what}, ${hex}): our decoder accepts it`);
    let theirs;
    const quiet = console.error;
    console.error = () => {};  // echonet-lite logs the frames it cannot parse
    try {
      const els = EL.parseString(hex);
      theirs = els.DETAILs ? `ESV ${els.ESV}, DETAILs ${JSON.stringify(els.DETAILs)}` : JSON.stringify(els);
    } catch (error) {
      theirs = `throws ${error.message}`;
    } finally {
      console.error = quiet;
    }
    notes.push(`malformed (${what}): we reject ("${ours[index].error}"); echonet-lite: ${theirs}`);
  });
  return cases.length;
}

async function main() {
  const version = require(path.join(path.resolve(moduleDir), 'node_modules', 'echonet-lite',
                                    'package.json')).version;
  const ourCount = checkOurFrames();
  const elCount = await checkElFrames();
  const malformedCount = checkMalformed();
  for (const note of notes) console.log(`NOTE ${note}`);
  console.log(`echonet-lite ${version}: ${ourCount} of our frames, ${elCount} of its frames, ` +
              `${malformedCount} malformed frames checked`);
  if (diffs.length > 0) {
    for (const diff of diffs) console.log(diff);
    console.log(`FAILED: ${diffs.length} disagreement(s)`);
    process.exit(1);
  }
  console.log('PASSED: both implementations agree on every field');
}

main().catch((error) => {
  console.error(`FAILED: ${error.stack || error}`);
  process.exit(2);
});

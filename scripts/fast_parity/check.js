// FAST parity with the reference Hugging Face tokenizers library (Rust, through its Node
// binding).
//   node check.js prepare EPISODES.npy CHUNKS.npy
//     cuts [E, T, D] episodes into 20-step chunks, and adds each chunk again scaled x8 so
//     that many values leave the training range (code points outside the letter range
//     make the GPT-2 pre-tokenizer split the chunk into several words);
//   node check.js compare TOKENIZER_DIR CHUNKS.npy OUR_IDS.jsonl
//     normalizes raw chunks with the tokenizer's manifest statistics, encodes them with the
//     reference from the directory's tokenizer.json + processor_config.json, and compares
//     with fasterbench's ids; exits 1 on any mismatch.
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('tokenizers');

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + headerLen);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  const descr = header.match(/'descr': '([^']*)'/)[1];
  const offset = 10 + headerLen;
  const count = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(count);
  for (let i = 0; i < count; ++i) {
    values[i] = descr === '<f4' ? buf.readFloatLE(offset + 4 * i) : buf.readDoubleLE(offset + 8 * i);
  }
  return { shape, values };
}

// numpy.around: round half to even.
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// The reference processor: DCT-II (orthonormal) along time per dim, scale, round,
// frequency-major flatten, code point = max(q - min_token, 0).
function chunkText(values, offset, T, D, scale, minToken) {
  const codes = [];
  for (let k = 0; k < T; ++k) {
    for (let d = 0; d < D; ++d) {
      let sum = 0;
      for (let n = 0; n < T; ++n) sum += values[offset + n * D + d] * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * T));
      const coef = sum * Math.sqrt((k === 0 ? 1 : 2) / T);
      codes.push(Math.max(roundHalfEven(coef * scale) - minToken, 0));
    }
  }
  return String.fromCodePoint(...codes);
}

function writeNpyFloat32(file, shape, values) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = Buffer.alloc(10 + header.length + 4 * values.length);
  out.write('\x93NUMPY', 0, 'latin1');
  out.writeUInt8(1, 6);
  out.writeUInt8(0, 7);
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  values.forEach((v, i) => out.writeFloatLE(v, 10 + header.length + 4 * i));
  fs.writeFileSync(file, out);
}

function prepare(episodesFile, chunksFile) {
  const { shape, values } = readNpy(episodesFile);
  const [E, T, D] = shape;
  const H = 20;
  const chunks = [];
  for (const gain of [1, 8]) {
    for (let e = 0; e < E; ++e) {
      for (let start = 0; start + H <= T; start += H) {
        for (let i = 0; i < H * D; ++i) chunks.push(gain * values[(e * T + start) * D + i]);
      }
    }
  }
  writeNpyFloat32(chunksFile, [chunks.length / (H * D), H, D], chunks);
}

// Normalizer of a fasterbench manifest, in float32 like the C++ side.
function normalize(values, normalizer, D) {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; ++i) {
    const d = i % D;
    const lo = normalizer.low[d];
    const hi = normalizer.high[d];
    let y = normalizer.kind === 'mean_std' ? (values[i] - lo) / (hi + 1e-6) : ((values[i] - lo) / (hi - lo + 1e-6)) * 2 - 1;
    if (normalizer.clip) y = Math.min(1, Math.max(-1, y));
    out[i] = normalizer.kind === 'none' ? values[i] : Math.fround(y);
  }
  return out;
}

async function compare(dir, chunksFile, idsFile) {
  const processor = JSON.parse(fs.readFileSync(path.join(dir, 'processor_config.json'), 'utf8'));
  const tokenizer = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const raw = readNpy(chunksFile);
  const [N, T, D] = raw.shape;
  const values = normalize(raw.values, manifest.normalizer, D);
  const ours = fs.readFileSync(idsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  let same = 0;
  let tokens = 0;
  let split = 0;  // chunks the GPT-2 pre-tokenizer cuts into several words
  for (let i = 0; i < N; ++i) {
    const text = chunkText(values, i * T * D, T, D, processor.scale, processor.min_token);
    const reference = (await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds();
    tokens += reference.length;
    if (tokenizer.getPreTokenizer().preTokenizeString(text).length > 1) ++split;
    if (JSON.stringify(reference) === JSON.stringify(ours[i])) {
      ++same;
    } else if (N - same <= 3) {
      console.log(`chunk ${i}: reference ${JSON.stringify(reference)}\n         fasterbench ${JSON.stringify(ours[i])}`);
    }
  }
  console.log(`reference HF tokenizers: ${same}/${N} chunks encode to identical ids (${split} split into several ` +
              `words; ${(tokens / N).toFixed(1)} tokens/chunk; vocab ${tokenizer.getVocabSize()})`);
  process.exit(same === N ? 0 : 1);
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'prepare') return prepare(...args);
  return compare(...args);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});

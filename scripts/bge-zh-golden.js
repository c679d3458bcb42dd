#!/usr/bin/env node
// Independent golden-value generator for BAAI/bge-small-zh-v1.5 (int8 ONNX).
// Only dependency: onnxruntime-node (exact version pinned in package.json).
//
// Usage:
//   node golden.js [--model-dir=DIR] [--defaults] [--threads=N] [--opt=all|extended|basic|disabled]
//                  [--full=FILE] TEXT [TEXT ...]
//   --defaults : create the InferenceSession with no options at all (ORT defaults)
//   otherwise  : executionProviders ['cpu'], intra/inter-op threads = --threads (default 1),
//                graphOptimizationLevel = --opt (default 'all', which is also ORT's default)
//   --full=FILE: also write the full normalised 512-d vectors (as JSON) to FILE
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
const opts = { modelDir: null, defaults: false, threads: 1, opt: 'all', full: null };
const texts = [];
for (const a of args) {
  if (a.startsWith('--model-dir=')) opts.modelDir = a.slice(12);
  else if (a === '--defaults') opts.defaults = true;
  else if (a.startsWith('--threads=')) opts.threads = parseInt(a.slice(10), 10);
  else if (a.startsWith('--opt=')) opts.opt = a.slice(6);
  else if (a.startsWith('--full=')) opts.full = a.slice(7);
  else texts.push(a);
}
if (!opts.modelDir) {
  const candidates = [
    '/work/main/Matching.Jobs/bin/Release/net10.0/models/bge-small-zh-v1.5',
    path.join(process.env.HOME || '/root', '.cache/matching/bge-small-zh-v1.5'),
  ];
  opts.modelDir = candidates.find((d) => fs.existsSync(path.join(d, 'onnx/model_quantized.onnx')));
}
const MODEL = path.join(opts.modelDir, 'onnx/model_quantized.onnx');
const VOCAB = path.join(opts.modelDir, 'vocab.txt');

// -------------------------------------------------------- tokenizer settings
// Follow tokenizer.json's BertNormalizer if it is available (next to the model or in the cache).
const norm = { clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true };
let normSource = 'built-in defaults (uncased BERT)';
for (const d of [opts.modelDir, path.join(process.env.HOME || '/root', '.cache/matching/bge-small-zh-v1.5')]) {
  const p = path.join(d, 'tokenizer.json');
  if (fs.existsSync(p)) {
    const tj = JSON.parse(fs.readFileSync(p, 'utf8'));
    if (tj.normalizer && tj.normalizer.type === 'BertNormalizer') {
      for (const k of Object.keys(norm)) if (k in tj.normalizer) norm[k] = tj.normalizer[k];
      normSource = p;
    }
    break;
  }
}
// HF semantics: strip_accents = null means "same as lowercase".
const stripAccents = norm.strip_accents === null || norm.strip_accents === undefined ? norm.lowercase : norm.strip_accents;

// ------------------------------------------------------------------- vocab
const vocabLines = fs.readFileSync(VOCAB, 'utf8').split('\n');
if (vocabLines.length && vocabLines[vocabLines.length - 1] === '') vocabLines.pop();
const vocab = new Map();
vocabLines.forEach((tok, i) => { const t = tok.replace(/\r$/, ''); if (!vocab.has(t)) vocab.set(t, i); });
const UNK = vocab.get('[UNK]'), CLS = vocab.get('[CLS]'), SEP = vocab.get('[SEP]');
const MAX_LEN = 256;
const MAX_CHARS_PER_WORD = 100;

// ------------------------------------------------------- char classifiers
function isWhitespace(c) {
  if (c === ' ' || c === '\t' || c === '\n' || c === '\r') return true;
  return /^\p{Zs}$/u.test(c);
}
function isControl(c) {
  if (c === '\t' || c === '\n' || c === '\r') return false;
  return /^\p{C}$/u.test(c); // Cc, Cf, Cn, Co, Cs  (Python BERT: category starts with "C")
}
function isPunctuation(c) {
  const cp = c.codePointAt(0);
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /^\p{P}$/u.test(c);
}
function isCJK(cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
    (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
    (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// --------------------------------------------------------------- tokenizer
function normalize(text) {
  let out = '';
  for (const c of text) {
    const cp = c.codePointAt(0);
    if (norm.clean_text) {
      if (cp === 0 || cp === 0xFFFD || isControl(c)) continue;
      if (isWhitespace(c)) { out += ' '; continue; }
    }
    if (norm.handle_chinese_chars && isCJK(cp)) { out += ' ' + c + ' '; continue; }
    out += c;
  }
  if (stripAccents) out = out.normalize('NFD').replace(/\p{Mn}/gu, '');
  if (norm.lowercase) out = out.toLowerCase();
  return out;
}
function preTokenize(text) {
  const words = [];
  for (const chunk of text.split(/\s+/u)) {
    if (!chunk) continue;
    let cur = '';
    for (const c of chunk) {
      if (isPunctuation(c)) { if (cur) words.push(cur); words.push(c); cur = ''; }
      else cur += c;
    }
    if (cur) words.push(cur);
  }
  return words;
}
function wordPiece(word) {
  const chars = Array.from(word);
  if (chars.length > MAX_CHARS_PER_WORD) return [['[UNK]', UNK]];
  const pieces = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length, found = null;
    while (start < end) {
      let sub = chars.slice(start, end).join('');
      if (start > 0) sub = '##' + sub;
      if (vocab.has(sub)) { found = [sub, vocab.get(sub)]; break; }
      end--;
    }
    if (!found) return [['[UNK]', UNK]];
    pieces.push(found);
    start = end;
  }
  return pieces;
}
function tokenize(text) {
  const pieces = [];
  for (const w of preTokenize(normalize(text))) pieces.push(...wordPiece(w));
  const body = pieces.slice(0, MAX_LEN - 2);
  return {
    tokens: ['[CLS]', ...body.map((p) => p[0]), '[SEP]'],
    ids: [CLS, ...body.map((p) => p[1]), SEP],
  };
}

// --------------------------------------------------------------------- main
async function main() {
  const sessionOptions = opts.defaults ? undefined : {
    executionProviders: ['cpu'],
    intraOpNumThreads: opts.threads,
    interOpNumThreads: opts.threads,
    graphOptimizationLevel: opts.opt,
  };
  const session = sessionOptions
    ? await ort.InferenceSession.create(MODEL, sessionOptions)
    : await ort.InferenceSession.create(MODEL);
  const results = [];
  const full = [];
  for (const text of texts) {
    const { tokens, ids } = tokenize(text);
    const n = ids.length;
    const feeds = {};
    const mk = (arr) => new ort.Tensor('int64', BigInt64Array.from(arr.map((x) => BigInt(x))), [1, n]);
    const all = {
      input_ids: mk(ids),
      attention_mask: mk(ids.map(() => 1)),
      token_type_ids: mk(ids.map(() => 0)),
    };
    for (const name of session.inputNames) {
      if (!(name in all)) throw new Error('unexpected model input ' + name);
      feeds[name] = all[name];
    }
    const out = await session.run(feeds);
    const lhs = out.last_hidden_state;
    if (!lhs) throw new Error('no last_hidden_state output; outputs: ' + Object.keys(out).join(','));
    const H = lhs.dims[2];
    const cls = Array.from(lhs.data.subarray(0, H), Number); // position 0 of batch 0
    let ss = 0; for (const v of cls) ss += v * v;
    const norm2 = Math.sqrt(ss);
    const e = cls.map((v) => v / norm2);
    const f6 = (v) => Number(v.toFixed(6));
    results.push({
      text,
      tokens,
      ids,
      n,
      dims: lhs.dims,
      cls_raw_l2: f6(norm2),
      first8: e.slice(0, 8).map(f6),
      c100: f6(e[100]), c200: f6(e[200]), c300: f6(e[300]), c511: f6(e[511]),
    });
    full.push({ text, ids, embedding: e });
  }
  if (opts.full) fs.writeFileSync(opts.full, JSON.stringify(full));
  console.log(JSON.stringify({
    onnxruntime_node: require('onnxruntime-node/package.json').version,
    model: MODEL,
    session_options: sessionOptions || 'ORT defaults (no options object)',
    inputs: session.inputNames,
    outputs: session.outputNames,
    normalizer: { source: normSource, ...norm, effective_strip_accents: stripAccents },
    results,
  }, null, 2));
}
main().catch((e) => { console.error(e && e.stack || e); process.exit(1); });

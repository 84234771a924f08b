'use strict';
// llm-pipeline's wire format (docs/wire-format.md): Avro single-object encoding, i.e. the
// marker C3 01, the writer schema's CRC-64-AVRO fingerprint (little-endian), then the Avro body.
const fs = require('fs');
const path = require('path');
const avro = require('avsc');
// the Java client's murmur2, which kafkajs uses for its default partitioner too
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2');

const MARKER = Buffer.from([0xc3, 0x01]);
const MASK = (1n << 64n) - 1n;
const EMPTY = 0xc15d213aa4d7a795n;
const TABLE = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n) & MASK);
  return fp;
});

/** CRC-64-AVRO (Rabin) of the type's Parsing Canonical Form, as the 8 bytes written on the wire. */
function fingerprint(type) {
  let fp = EMPTY;
  for (const b of Buffer.from(JSON.stringify(type.getSchema()), 'utf8')) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)];
  }
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(fp);
  return bytes;
}

const STANDALONE = path.join(__dirname, '..', '..', 'schemas', 'standalone');

/** A record's current schema plus every released version, each found by its fingerprint. */
function loadRecord(name) {
  const load = (file) => avro.Type.forSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
  const current = load(path.join(STANDALONE, `${name}.avsc`));
  const readers = new Map([[fingerprint(current).toString('hex'), current]]);
  const history = path.join(STANDALONE, 'history');
  for (const file of fs.existsSync(history) ? fs.readdirSync(history) : []) {
    if (file.startsWith(`${name}-`)) {
      const older = load(path.join(history, file));
      readers.set(fingerprint(older).toString('hex'), current.createResolver(older));
    }
  }
  const currentFingerprint = fingerprint(current);
  return {
    name,
    fingerprint: currentFingerprint,
    encode: (value) => Buffer.concat([MARKER, currentFingerprint, current.toBuffer(value)]),
    decode: (bytes) => {
      if (bytes.length < 10 || bytes[0] !== 0xc3 || bytes[1] !== 0x01) throw new Error(`not single-object encoded ${name}`);
      const reader = readers.get(bytes.subarray(2, 10).toString('hex'));
      if (!reader) throw new Error(`unknown ${name} schema fingerprint ${bytes.subarray(2, 10).toString('hex')}`);
      return reader === current ? current.fromBuffer(bytes.subarray(10)) : current.fromBuffer(bytes.subarray(10), reader);
    },
  };
}

/** Partitions per priority, highest first: "CRITICAL:2,HIGH:2,NORMAL:4,LOW:2,BULK:2". */
function parseBands(text) {
  let first = 0;
  const bands = {};
  for (const entry of text.split(',')) {
    const [priority, count] = entry.split(':');
    bands[priority.trim().toUpperCase()] = { first, size: Number(count) };
    first += Number(count);
  }
  return bands;
}

/** The request's partition: its priority's band, spread inside it by the key as Kafka's Java client hashes. */
function partitionFor(bands, priority, key) {
  const band = bands[priority];
  if (!band) throw new Error(`no band for priority ${priority}`);
  return band.first + ((murmur2(key) & 0x7fffffff) % band.size);
}

module.exports = { fingerprint, loadRecord, parseBands, partitionFor };

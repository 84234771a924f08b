'use strict';
// Sends a few chat requests to llm-pipeline over Kafka and prints each result.
//   node example.js            (against ./pipeline up: Kafka on localhost:9092)
// Settings from the environment: KAFKA_BOOTSTRAP (localhost:9092), TOPIC_PREFIX (""),
// BANDS (the catalog's topics.bands, "CRITICAL:2,HIGH:2,NORMAL:4,LOW:2,BULK:2"), COUNT (3),
// TENANT ("js-example"), TIMEOUT_MS (60000).
const crypto = require('crypto');
const { Kafka, Partitioners, logLevel } = require('kafkajs');
const { loadRecord, parseBands, partitionFor } = require('./wire');

const bootstrap = process.env.KAFKA_BOOTSTRAP || 'localhost:9092';
const prefix = process.env.TOPIC_PREFIX || '';
const bands = parseBands(process.env.BANDS || 'CRITICAL:2,HIGH:2,NORMAL:4,LOW:2,BULK:2');
const count = Number(process.env.COUNT || 3);
const tenant = process.env.TENANT || 'js-example';
const timeoutMs = Number(process.env.TIMEOUT_MS || 60000);
const PRIORITIES = ['CRITICAL', 'HIGH', 'NORMAL', 'LOW', 'BULK'];

const Request = loadRecord('LlmRequest');
const Result = loadRecord('LlmResult');

function request(i) {
  return {
    request_id: `js-${crypto.randomUUID()}`,
    tenant_id: tenant,
    task_type: 'chat',
    priority: PRIORITIES[i % PRIORITIES.length],
    messages: [{ role: 'USER', content: `Hello from JavaScript, question ${i}`, name: null, tool_call_id: null }],
    params: { max_tokens: 64, temperature: null, top_p: null, seed: null, stop: [], stream: false },
    model: null,
    cache_policy: 'ROUTE_DEFAULT',
    cache_ttl_seconds: null,
    deadline_epoch_ms: null,
    idempotency_key: null,
    metadata: { example: 'js' },
    passthrough_json: null,
    compress_prompt: false,
    submitted_at_ms: Date.now(),
  };
}

async function main() {
  console.log(`fingerprint LlmRequest ${[...Request.fingerprint].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  console.log(`fingerprint LlmResult ${[...Result.fingerprint].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  const kafka = new Kafka({ clientId: 'llm-pipeline-js-example', brokers: bootstrap.split(','), logLevel: logLevel.WARN });
  // every message names its partition (its priority's band), so the partitioner is never asked
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  // read_committed (kafkajs's default, readUncommitted: false): a result of an aborted transaction is never seen
  const consumer = kafka.consumer({ groupId: `js-example-${crypto.randomUUID()}`, readUncommitted: false });
  const pending = new Map();
  let failures = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: `${prefix}llm.results`, fromBeginning: true });
  const done = new Promise((resolve) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.key && message.key.toString('utf8');
        if (!pending.has(id)) return; // someone else's result; the llm-router-ignore header means nothing here
        const result = Result.decode(message.value);
        pending.delete(id);
        if (result.status === 'OK') {
          console.log(`result ${id} OK model=${result.model} tokens=${result.usage.input_tokens}+${result.usage.output_tokens} `
            + `cost_micros=${result.cost_micros} output=${JSON.stringify(result.output)}`);
        } else {
          failures++;
          console.log(`result ${id} ERROR ${result.error.kind}: ${result.error.message}`);
        }
        if (pending.size === 0) resolve();
      },
    });
  });
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    const value = request(i);
    const partition = partitionFor(bands, value.priority, value.request_id);
    pending.set(value.request_id, value);
    console.log(`partition ${value.request_id} ${value.priority} ${partition}`);
    messages.push({ key: value.request_id, value: Request.encode(value), partition });
  }
  await producer.send({ topic: `${prefix}llm.requests`, acks: -1, messages });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  if (pending.size > 0) console.log(`timeout: ${pending.size} request(s) without a result after ${timeoutMs} ms`);
  await producer.disconnect();
  await consumer.disconnect();
  console.log(`done: ${count - failures - pending.size} ok, ${failures} failed, ${pending.size} unanswered`);
  if (failures > 0 || pending.size > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(3);
});

// Runs the Digital Credentials Consortium's verifier (@digitalcredentials/verifier-core, the code
// the Learner Credential Wallet runs) on one credential, offline.
// stdin: {"credential": {...}, "documents": {"https://...": {...}}}
// stdout: the verifier's answer, as JSON. Every network request the verifier makes (the did:web
// document, the status list, the JSON schema) goes through the fetch below: it serves the given
// documents and refuses everything else, so nothing ever leaves the machine.
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const documents = input.documents || {};
const requested = [];

globalThis.fetch = async (resource) => {
  const url = typeof resource === 'string' ? resource : (resource.url ?? String(resource));
  requested.push(url);
  if (Object.prototype.hasOwnProperty.call(documents, url)) {
    return new Response(JSON.stringify(documents[url]), {
      status: 200, headers: { 'content-type': 'application/json' }
    });
  }
  return new Response('not served offline', { status: 404, headers: { 'content-type': 'text/plain' } });
};

// The verifier logs as it goes (schema fetch failures...): keep stdout for the answer alone.
console.log = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
console.error = console.log;

const { verifyCredential } = await import('@digitalcredentials/verifier-core');
const result = await verifyCredential({ credential: input.credential, knownDIDRegistries: [] });
process.stdout.write(JSON.stringify({ result, requested }, (key, value) =>
  value instanceof Error ? { name: value.name, message: value.message } : value));
